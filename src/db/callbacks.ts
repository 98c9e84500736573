// The callbacks table as the rest of the data access reads it: the row, its mapping to a StoredCallback, and reads
// by id. Writes live with their reason to change: bookings (bookings.ts), the nurses' queue (queueClaims.ts), the
// sweeps of due, missed and waiting callbacks (callbackSweeps.ts).
import { DateTime } from 'luxon';
import type { BookingChannel, Callback, CallbackStatus } from '../domain/callback.js';
import type { Queryable } from './database.js';

export interface CallbackRow {
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
  due_at: Date;
  attempt_count: number;
  claimed_by: string | null;
  claim_expires_at: Date | null;
  reached_at: Date | null;
  missed_at: Date | null;
  followed_up_at: Date | null;
  followed_up_by: string | null;
  follow_up_note: string | null;
}

export interface StoredCallback extends Callback {
  tokenHash: string;
  requestHash: string | null;
  /** When the sweep found its day ended without a call (rule 12); null unless missed. */
  missedAt: DateTime | null;
  /** A nurse's follow-up of a missed callback; null until one is recorded. */
  followUp: { at: DateTime; by: string; note: string | null } | null;
}

/**
 * CallbackRow's columns, named: the named (prepared) statements list them instead of *, since PostgreSQL refuses to
 * run a prepared statement whose result columns a migration has changed ("cached plan must not change result type").
 */
export const CALLBACK_COLUMNS = [
  'id',
  'clinic_id',
  'phone_e164',
  'personal_identity_number',
  'patient_name',
  'reason',
  'channel',
  'requested_at',
  'slot_start',
  'slot_end',
  'status',
  'requested_before_cutoff',
  'same_day_slot_free',
  'patient_chose_later_day',
  'token_hash',
  'request_hash',
  'cancelled_at',
  'due_at',
  'attempt_count',
  'claimed_by',
  'claim_expires_at',
  'reached_at',
  'missed_at',
  'followed_up_at',
  'followed_up_by',
  'follow_up_note',
] as const satisfies readonly (keyof CallbackRow)[];

export const columnsOf = (alias: string) => CALLBACK_COLUMNS.map((c) => `${alias}.${c}`).join(', ');

export const instant = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

const maybeInstant = (d: Date | null) => (d ? instant(d) : null);

export function fromRow(row: CallbackRow): StoredCallback {
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
    cancelledAt: maybeInstant(row.cancelled_at),
    dueAt: instant(row.due_at),
    attemptCount: row.attempt_count,
    claimedBy: row.claimed_by,
    claimExpiresAt: maybeInstant(row.claim_expires_at),
    reachedAt: maybeInstant(row.reached_at),
    tokenHash: row.token_hash,
    requestHash: row.request_hash,
    missedAt: maybeInstant(row.missed_at),
    followUp:
      row.followed_up_at && row.followed_up_by
        ? { at: instant(row.followed_up_at), by: row.followed_up_by, note: row.follow_up_note }
        : null,
  };
}

export async function findCallback(db: Queryable, id: string): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>('SELECT * FROM callbacks WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Several callbacks by id, in one query; absent ids are simply missing from the map. */
export async function findCallbacks(db: Queryable, ids: readonly string[]): Promise<Map<string, StoredCallback>> {
  const { rows } = await db.query<CallbackRow>('SELECT * FROM callbacks WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, fromRow(r)]));
}

/** Reads a callback and locks it for the rest of the transaction. */
export async function lockCallback(db: Queryable, id: string): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>('SELECT * FROM callbacks WHERE id = $1 FOR UPDATE', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Rule 12 (isMissed in src/domain/missedCallback.ts) in SQL, for an open callback: its slot lies before the
 * start of the clinic's local day (`dayStart`, from startOfClinicDay) and no nurse holds a live claim on it.
 * Open callbacks matching it are missed even before the sweep has marked them.
 */
export const missedSql = (now: string, dayStart: string) =>
  `(slot_start < ${dayStart} AND NOT (status = 'claimed' AND claim_expires_at IS NOT NULL AND claim_expires_at > ${now}))`;
