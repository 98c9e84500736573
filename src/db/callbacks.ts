// SQL for callback bookings.
import { DateTime } from 'luxon';
import type { BookingChannel, Callback, CallbackStatus } from '../domain/callback.js';
import type { Queryable } from './database.js';

interface CallbackRow {
  id: string;
  clinic_id: string;
  phone_e164: string;
  personal_identity_number: string | null;
  patient_name: string | null;
  reason: string | null;
  channel: BookingChannel;
  requested_at: Date;
  slot_start: Date;
  slot_end: Date;
  status: CallbackStatus;
  requested_before_cutoff: boolean;
  same_day_slot_free: boolean;
  patient_chose_later_day: boolean;
  token_hash: string;
  request_hash: string | null;
  cancelled_at: Date | null;
}

export interface StoredCallback extends Callback {
  tokenHash: string;
  requestHash: string | null;
}

function fromRow(row: CallbackRow): StoredCallback {
  const instant = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });
  return {
    id: row.id,
    clinicId: row.clinic_id,
    phoneE164: row.phone_e164,
    personalIdentityNumber: row.personal_identity_number,
    patientName: row.patient_name,
    reason: row.reason,
    channel: row.channel,
    requestedAt: instant(row.requested_at),
    slot: { start: instant(row.slot_start), end: instant(row.slot_end) },
    status: row.status,
    requestedBeforeCutoff: row.requested_before_cutoff,
    sameDaySlotFree: row.same_day_slot_free,
    patientChoseLaterDay: row.patient_chose_later_day,
    cancelledAt: row.cancelled_at ? instant(row.cancelled_at) : null,
    tokenHash: row.token_hash,
    requestHash: row.request_hash,
  };
}

export interface NewCallback extends Omit<Callback, 'status' | 'cancelledAt'> {
  tokenHash: string;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export const IDEMPOTENCY_CONSTRAINT = 'callbacks_idempotency_key_unique';

export async function insertCallback(db: Queryable, c: NewCallback): Promise<StoredCallback> {
  const { rows } = await db.query<CallbackRow>(
    `INSERT INTO callbacks (id, clinic_id, phone_e164, personal_identity_number, patient_name, reason, channel,
       requested_at, slot_start, slot_end, status, requested_before_cutoff, same_day_slot_free,
       patient_chose_later_day, token_hash, idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'booked', $11, $12, $13, $14, $15, $16)
     RETURNING *`,
    [
      c.id,
      c.clinicId,
      c.phoneE164,
      c.personalIdentityNumber,
      c.patientName,
      c.reason,
      c.channel,
      c.requestedAt.toISO(),
      c.slot.start.toISO(),
      c.slot.end.toISO(),
      c.requestedBeforeCutoff,
      c.sameDaySlotFree,
      c.patientChoseLaterDay,
      c.tokenHash,
      c.idempotencyKey,
      c.requestHash,
    ],
  );
  return fromRow(rows[0]!);
}

export async function findCallback(db: Queryable, id: string): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>('SELECT * FROM callbacks WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findByIdempotencyKey(
  db: Queryable,
  clinicId: string,
  key: string,
): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(
    'SELECT * FROM callbacks WHERE clinic_id = $1 AND idempotency_key = $2',
    [clinicId, key],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Marks a booked callback cancelled. Returns it when this call did the cancelling, null when it was
 * not (or no longer) booked: two simultaneous cancels cannot both succeed.
 */
export async function markCancelled(db: Queryable, id: string, at: DateTime): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET status = 'cancelled', cancelled_at = $2
      WHERE id = $1 AND status = 'booked'
      RETURNING *`,
    [id, at.toISO()],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}
