// SQL for calls to the clinics' booking numbers: one row per call (the provider's call id), and how it ended.
import type { DateTime } from 'luxon';
import type { Queryable } from './database.js';

export const INCOMING_CALL_OUTCOMES = ['answered', 'booked', 'booking_closed', 'no_time_today', 'no_free_time', 'duplicate', 'failed'] as const;
export type IncomingCallOutcome = (typeof INCOMING_CALL_OUTCOMES)[number];

export interface IncomingCall {
  callId: string;
  clinicId: string;
  receivedAt: Date;
  localDate: string;
  callerHidden: boolean;
  outcome: IncomingCallOutcome;
  callbackId: string | null;
}

/**
 * Records a call to a booking number once, as the first thing its start step does (so a step that fails or times
 * out after it can be marked failed), and returns the clinic answering that number, or null for a number no clinic
 * has (nothing recorded then). The provider may post the same call's start again, which changes nothing. The local
 * date is the clinic's calendar day, as localDate() in the domain computes it.
 */
export async function recordIncomingCallTo(
  db: Queryable,
  call: { callId: string; bookingNumber: string; receivedAt: DateTime; callerHidden: boolean },
): Promise<string | null> {
  const { rows } = await db.query<{ clinic_id: string }>(
    `WITH target AS (
       SELECT n.clinic_id, c.timezone FROM clinic_phone_numbers n JOIN clinics c ON c.id = n.clinic_id WHERE n.phone_e164 = $2
     ), recorded AS (
       INSERT INTO incoming_calls (call_id, clinic_id, received_at, local_date, caller_hidden, updated_at)
       SELECT $1, clinic_id, $3, ($3::timestamptz AT TIME ZONE timezone)::date, $4, $3 FROM target
       ON CONFLICT (call_id) DO NOTHING
     )
     SELECT clinic_id FROM target`,
    [call.callId, call.bookingNumber, call.receivedAt.toISO(), call.callerHidden],
  );
  return rows[0]?.clinic_id ?? null;
}

/**
 * Sets how the call ended so far. A booked call stays booked (a late webhook or a failure after the booking
 * must not hide it), and only a booking names its callback.
 */
export async function setIncomingCallOutcome(
  db: Queryable,
  callId: string,
  outcome: IncomingCallOutcome,
  at: DateTime,
  callbackId: string | null = null,
): Promise<void> {
  await db.query(
    `UPDATE incoming_calls SET outcome = $2, callback_id = $3, updated_at = $4
      WHERE call_id = $1 AND outcome <> 'booked'`,
    [callId, outcome, outcome === 'booked' ? callbackId : null, at.toISO()],
  );
}

/**
 * A call that failed: only a call still 'answered' becomes 'failed'. A booking stays booked, and a caller already
 * turned away (no time today, duplicate, closed, nothing free) stays counted as turned away in rule 13's figures.
 */
export async function markIncomingCallFailed(db: Queryable, callId: string, at: DateTime): Promise<void> {
  await db.query(`UPDATE incoming_calls SET outcome = 'failed', updated_at = $2 WHERE call_id = $1 AND outcome = 'answered'`, [callId, at.toISO()]);
}

export async function findIncomingCall(db: Queryable, callId: string): Promise<IncomingCall | null> {
  const { rows } = await db.query<{
    call_id: string;
    clinic_id: string;
    received_at: Date;
    local_date: string;
    caller_hidden: boolean;
    outcome: IncomingCallOutcome;
    callback_id: string | null;
  }>('SELECT call_id, clinic_id, received_at, local_date, caller_hidden, outcome, callback_id FROM incoming_calls WHERE call_id = $1', [callId]);
  const r = rows[0];
  if (!r) return null;
  return {
    callId: r.call_id,
    clinicId: r.clinic_id,
    receivedAt: r.received_at,
    localDate: r.local_date,
    callerHidden: r.caller_hidden,
    outcome: r.outcome,
    callbackId: r.callback_id,
  };
}
