// SQL for call attempts (samtalsförsök), logged by nurses or built from telephony events.
import { DateTime } from 'luxon';
import type { CallOutcome } from '../domain/callAttempt.js';
import type { Queryable } from './database.js';

export interface CallAttempt {
  id: string;
  callbackId: string;
  staffId: string | null;
  source: 'staff' | 'telephony';
  telephonyCallId: string | null;
  startedAt: DateTime;
  answeredAt: DateTime | null;
  endedAt: DateTime | null;
  outcome: CallOutcome | null;
  note: string | null;
}

interface AttemptRow {
  id: string;
  callback_id: string;
  staff_id: string | null;
  source: 'staff' | 'telephony';
  telephony_call_id: string | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: CallOutcome | null;
  note: string | null;
}

const at = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: 'utc' }) : null);

function fromRow(r: AttemptRow): CallAttempt {
  return {
    id: r.id,
    callbackId: r.callback_id,
    staffId: r.staff_id,
    source: r.source,
    telephonyCallId: r.telephony_call_id,
    startedAt: at(r.started_at)!,
    answeredAt: at(r.answered_at),
    endedAt: at(r.ended_at),
    outcome: r.outcome,
    note: r.note,
  };
}

const iso = (d: DateTime | null) => (d ? d.toISO() : null);

export async function insertAttempt(db: Queryable, a: CallAttempt): Promise<CallAttempt> {
  const { rows } = await db.query<AttemptRow>(
    `INSERT INTO call_attempts (id, callback_id, staff_id, source, telephony_call_id, started_at, answered_at, ended_at, outcome, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [a.id, a.callbackId, a.staffId, a.source, a.telephonyCallId, iso(a.startedAt), iso(a.answeredAt), iso(a.endedAt), a.outcome, a.note],
  );
  return fromRow(rows[0]!);
}

/**
 * The attempt of a telephone call seen for the first time; null when another transaction has just recorded
 * that call id (ON CONFLICT waits for it to commit), so two first events of one call never collide.
 */
export async function insertTelephonyAttempt(db: Queryable, a: CallAttempt & { telephonyCallId: string }): Promise<CallAttempt | null> {
  const { rows } = await db.query<AttemptRow>(
    `INSERT INTO call_attempts (id, callback_id, staff_id, source, telephony_call_id, started_at, answered_at, ended_at, outcome, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (telephony_call_id) DO NOTHING RETURNING *`,
    [a.id, a.callbackId, a.staffId, a.source, a.telephonyCallId, iso(a.startedAt), iso(a.answeredAt), iso(a.endedAt), a.outcome, a.note],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findAttemptByTelephonyCall(db: Queryable, callId: string): Promise<CallAttempt | null> {
  const { rows } = await db.query<AttemptRow>('SELECT * FROM call_attempts WHERE telephony_call_id = $1 FOR UPDATE', [callId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function updateAttempt(
  db: Queryable,
  id: string,
  change: { answeredAt?: DateTime; endedAt?: DateTime; outcome?: CallOutcome },
): Promise<void> {
  await db.query(
    `UPDATE call_attempts SET answered_at = COALESCE($2, answered_at), ended_at = COALESCE($3, ended_at),
            outcome = COALESCE($4, outcome)
      WHERE id = $1`,
    [id, iso(change.answeredAt ?? null), iso(change.endedAt ?? null), change.outcome ?? null],
  );
}

export async function listAttempts(db: Queryable, callbackId: string): Promise<CallAttempt[]> {
  const { rows } = await db.query<AttemptRow>('SELECT * FROM call_attempts WHERE callback_id = $1 ORDER BY started_at, id', [callbackId]);
  return rows.map(fromRow);
}

export async function isLatestAttempt(db: Queryable, callbackId: string, attemptId: string): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM call_attempts WHERE callback_id = $1 ORDER BY started_at DESC, created_at DESC LIMIT 1',
    [callbackId],
  );
  return rows[0]?.id === attemptId;
}
