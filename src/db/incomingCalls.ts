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

/** Records a call once: the provider may post the same call's start again, which changes nothing. */
export async function recordIncomingCall(
  db: Queryable,
  call: { callId: string; clinicId: string; receivedAt: DateTime; localDate: string; callerHidden: boolean },
): Promise<void> {
  await db.query(
    `INSERT INTO incoming_calls (call_id, clinic_id, received_at, local_date, caller_hidden, updated_at)
     VALUES ($1, $2, $3, $4, $5, $3) ON CONFLICT (call_id) DO NOTHING`,
    [call.callId, call.clinicId, call.receivedAt.toISO(), call.localDate, call.callerHidden],
  );
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
