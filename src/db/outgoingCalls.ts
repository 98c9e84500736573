// SQL for agent-first outgoing calls: one row per callback attempt is the idempotency key, and only the
// conditional UPDATE to 'placing' (from pending, or failed to let a new press retry) may ask the provider.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Queryable } from './database.js';

export type OutgoingCallState = 'pending' | 'placing' | 'placed' | 'failed' | 'ended';

export interface OutgoingCall {
  id: string;
  callbackId: string;
  attemptNumber: number;
  staffId: string | null;
  agentPhone: string;
  callerId: string;
  state: OutgoingCallState;
  providerCallId: string | null;
  /** Counts the times the row was taken for placing; in the provider's URLs, so an earlier placement's are told apart. */
  placement: number;
  /** Why it failed or ended without reaching the patient: provider_unavailable, provider_refused, agent_unanswered, … */
  failure: string | null;
  createdAt: DateTime;
  updatedAt: DateTime;
}

interface Row {
  id: string;
  callback_id: string;
  attempt_number: number;
  staff_id: string | null;
  agent_phone_e164: string;
  caller_id_e164: string;
  state: OutgoingCallState;
  provider_call_id: string | null;
  placement: number;
  failure: string | null;
  created_at: Date;
  updated_at: Date;
}

function fromRow(r: Row): OutgoingCall {
  return {
    id: r.id,
    callbackId: r.callback_id,
    attemptNumber: r.attempt_number,
    staffId: r.staff_id,
    agentPhone: r.agent_phone_e164,
    callerId: r.caller_id_e164,
    state: r.state,
    providerCallId: r.provider_call_id,
    placement: r.placement,
    failure: r.failure,
    createdAt: DateTime.fromJSDate(r.created_at, { zone: 'utc' }),
    updatedAt: DateTime.fromJSDate(r.updated_at, { zone: 'utc' }),
  };
}

const one = (rows: Row[]) => (rows[0] ? fromRow(rows[0]) : null);

/** The call of this attempt, created 'pending' unless a press (now or earlier) already created it. */
export async function reserveOutgoingCall(
  db: Queryable,
  key: { callbackId: string; attemptNumber: number },
  call: { staffId: string; agentPhone: string; callerId: string; at: DateTime },
): Promise<OutgoingCall> {
  await db.query(
    `INSERT INTO outgoing_calls (id, callback_id, attempt_number, staff_id, agent_phone_e164, caller_id_e164, state, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)
     ON CONFLICT (callback_id, attempt_number) DO NOTHING`,
    [randomUUID(), key.callbackId, key.attemptNumber, call.staffId, call.agentPhone, call.callerId, call.at.toISO()],
  );
  const { rows } = await db.query<Row>('SELECT * FROM outgoing_calls WHERE callback_id = $1 AND attempt_number = $2', [
    key.callbackId,
    key.attemptNumber,
  ]);
  return fromRow(rows[0]!);
}

/**
 * Takes the call for placing: of any number of presses (or repeated jobs) exactly one gets the row back and
 * asks the provider. A failed call may be taken again (a new press after the provider was down, or after the
 * nurse's phone did not answer), with who is rung now, and so may one left 'placing' for
 * STALE_PLACING_SECONDS by a process that died while asking the provider.
 */
/** Far beyond the provider request's own timeout (10 s): only a process that died leaves a call placing this long. */
export const STALE_PLACING_SECONDS = 120;

export async function takeForPlacing(
  db: Queryable,
  id: string,
  call: { staffId: string; agentPhone: string; callerId: string; at: DateTime },
): Promise<OutgoingCall | null> {
  const { rows } = await db.query<Row>(
    `UPDATE outgoing_calls
        SET state = 'placing', placement = placement + 1, staff_id = $2, agent_phone_e164 = $3, caller_id_e164 = $4, provider_call_id = NULL, failure = NULL, updated_at = $5
      WHERE id = $1
        AND (state IN ('pending', 'failed')
             -- The process asking the provider died (its request times out long before this): press again.
             OR (state = 'placing' AND updated_at < $5::timestamptz - make_interval(secs => ${STALE_PLACING_SECONDS})))
      RETURNING *`,
    [id, call.staffId, call.agentPhone, call.callerId, call.at.toISO()],
  );
  return one(rows);
}

/** The provider placed the call of this placement (a later placement, or a record that came first, is left alone). */
export async function markPlaced(db: Queryable, id: string, placement: number, providerCallId: string, at: DateTime): Promise<OutgoingCall | null> {
  const { rows } = await db.query<Row>(
    `UPDATE outgoing_calls SET state = 'placed', provider_call_id = $3, updated_at = $4
      WHERE id = $1 AND placement = $2 AND state = 'placing' RETURNING *`,
    [id, placement, providerCallId, at.toISO()],
  );
  return one(rows);
}

/**
 * The provider's voice_start or hang-up for the current placement names its call before we stored the id: the
 * provider answered after our timeout (failed, provider_timeout) or the record came first (placing). The call
 * exists, so it is this attempt's: placed with that id. Null when the row has moved on (a new press took it).
 */
export async function adoptPlacement(db: Queryable, id: string, placement: number, providerCallId: string, at: DateTime): Promise<OutgoingCall | null> {
  const { rows } = await db.query<Row>(
    `UPDATE outgoing_calls SET state = 'placed', provider_call_id = $3, failure = NULL, updated_at = $4
      WHERE id = $1 AND placement = $2 AND provider_call_id IS NULL AND state IN ('placing', 'failed') RETURNING *`,
    [id, placement, providerCallId, at.toISO()],
  );
  return one(rows);
}

/** The call did not reach the patient; a new press may take it again. `placement`: only if still that one's. */
export async function markFailed(db: Queryable, id: string, failure: string, at: DateTime, placement?: number): Promise<void> {
  await db.query(
    `UPDATE outgoing_calls SET state = 'failed', failure = $2, updated_at = $3
      WHERE id = $1 AND state IN ('placing', 'placed') AND ($4::integer IS NULL OR placement = $4)`,
    [id, failure, at.toISO(), placement ?? null],
  );
}

/** The call rang the patient and its attempt is recorded. */
export async function markEnded(db: Queryable, id: string, at: DateTime): Promise<void> {
  await db.query(`UPDATE outgoing_calls SET state = 'ended', updated_at = $2 WHERE id = $1 AND state = 'placed'`, [id, at.toISO()]);
}

export async function findOutgoingCall(db: Queryable, id: string): Promise<OutgoingCall | null> {
  const { rows } = await db.query<Row>('SELECT * FROM outgoing_calls WHERE id = $1', [id]);
  return one(rows);
}

/** The latest call placed for a callback (the console shows its state), or null. */
export async function latestOutgoingCall(db: Queryable, callbackId: string): Promise<OutgoingCall | null> {
  const { rows } = await db.query<Row>(
    'SELECT * FROM outgoing_calls WHERE callback_id = $1 ORDER BY attempt_number DESC LIMIT 1',
    [callbackId],
  );
  return one(rows);
}
