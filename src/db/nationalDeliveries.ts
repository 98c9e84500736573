// SQL for the deliveries of the national file to the national receiver: one per unit (HSA-id) and month, accepted
// at most once.
import { DateTime } from 'luxon';
import type { Queryable } from './database.js';

export type DeliveryStatus = 'pending' | 'accepted' | 'failed';

export interface NationalDelivery {
  month: string;
  hsaId: string;
  clinicId: string;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: DateTime | null;
  lastError: string | null;
  acceptedAt: DateTime | null;
  responseStatus: number | null;
}

interface Row {
  month: string;
  hsa_id: string;
  clinic_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_attempt_at: Date | null;
  last_error: string | null;
  accepted_at: Date | null;
  response_status: number | null;
}

const instant = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: 'utc' }) : null);

const fromRow = (r: Row): NationalDelivery => ({
  month: r.month,
  hsaId: r.hsa_id,
  clinicId: r.clinic_id,
  status: r.status,
  attempts: r.attempts,
  lastAttemptAt: instant(r.last_attempt_at),
  lastError: r.last_error,
  acceptedAt: instant(r.accepted_at),
  responseStatus: r.response_status,
});

const COLUMNS = 'month, hsa_id, clinic_id, status, attempts, last_attempt_at, last_error, accepted_at, response_status';

/** Records that each unit's file of the month is to be delivered; a unit already recorded keeps its record. */
export async function createNationalDeliveries(db: Queryable, month: string, units: readonly { hsaId: string; clinicId: string }[], at: DateTime): Promise<void> {
  if (!units.length) return;
  await db.query(
    `INSERT INTO national_deliveries (month, hsa_id, clinic_id, status, created_at)
     SELECT $1, u.hsa_id, u.clinic_id, 'pending', $4 FROM unnest($2::text[], $3::text[]) AS u(hsa_id, clinic_id)
     ON CONFLICT (month, hsa_id) DO NOTHING`,
    [month, units.map((u) => u.hsaId), units.map((u) => u.clinicId), at.toISO()],
  );
}

/** Every delivery not yet accepted, of any month: what still has to reach the receiver. */
export async function listUnacceptedDeliveries(db: Queryable): Promise<{ month: string; hsaId: string }[]> {
  const { rows } = await db.query<{ month: string; hsa_id: string }>(
    "SELECT month, hsa_id FROM national_deliveries WHERE status <> 'accepted' ORDER BY month, hsa_id",
  );
  return rows.map((r) => ({ month: r.month, hsaId: r.hsa_id }));
}

export async function findNationalDelivery(db: Queryable, month: string, hsaId: string): Promise<NationalDelivery | null> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM national_deliveries WHERE month = $1 AND hsa_id = $2`, [month, hsaId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function listNationalDeliveries(db: Queryable, month: string): Promise<NationalDelivery[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM national_deliveries WHERE month = $1 ORDER BY hsa_id`, [month]);
  return rows.map(fromRow);
}

/** The receiver accepted it: final. False when it was accepted already (nothing changes). */
export async function recordDeliveryAccepted(db: Queryable, month: string, hsaId: string, at: DateTime, responseStatus: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE national_deliveries SET status = 'accepted', attempts = attempts + 1, last_attempt_at = $3, accepted_at = $3,
            response_status = $4, last_error = NULL
      WHERE month = $1 AND hsa_id = $2 AND status <> 'accepted'`,
    [month, hsaId, at.toISO(), responseStatus],
  );
  return rowCount > 0;
}

/** An attempt the receiver did not accept; the delivery stays to be retried. */
export async function recordDeliveryFailure(db: Queryable, month: string, hsaId: string, at: DateTime, error: string, responseStatus: number | null): Promise<void> {
  await db.query(
    `UPDATE national_deliveries SET status = 'pending', attempts = attempts + 1, last_attempt_at = $3, last_error = $4, response_status = $5
      WHERE month = $1 AND hsa_id = $2 AND status <> 'accepted'`,
    [month, hsaId, at.toISO(), error.slice(0, 500), responseStatus],
  );
}

/** Every retry of the job was used: 'failed' until the next worker start or monthly run tries again. */
export async function markDeliveryFailed(db: Queryable, month: string, hsaId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE national_deliveries SET status = 'failed' WHERE month = $1 AND hsa_id = $2 AND status = 'pending'",
    [month, hsaId],
  );
  return rowCount > 0;
}
