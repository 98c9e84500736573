// SQL for the nurses' call queue: making callbacks due, the open queue, claims (one nurse per callback, atomically),
// and what an attempt leaves on the callback.
import { DateTime } from 'luxon';
import { OPEN_STATUSES, type CallbackStatus } from '../domain/callback.js';
import { fromRow, instant, missedSql, type CallbackRow, type StoredCallback } from './callbacks.js';
import type { Queryable } from './database.js';

/**
 * A callback a nurse may claim: due, or booked and past its due time (in case the scheduling job is late),
 * or claimed by someone whose claim has expired. The same rule as queueState() in src/domain/callQueue.ts,
 * here in SQL so the claim can be one atomic statement; test/api/callQueue.test.ts checks both agree.
 */
const CLAIMABLE = `(status = 'due' OR (status = 'booked' AND due_at <= $2) OR (status = 'claimed' AND claim_expires_at <= $2))`;

/**
 * Claims one specific callback (a patient who calls in again) under the same CLAIMABLE rule as claimNext, in one
 * conditional UPDATE: of nurses claiming it at once exactly one gets it, the others null. Never one whose day has
 * ended (`dayStart`, rule 12: it is missed, followed up instead).
 */
export async function claimCallback(
  db: Queryable,
  id: string,
  now: DateTime,
  staffId: string,
  expiresAt: DateTime,
  dayStart: DateTime,
): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET status = 'claimed', claimed_by = $3, claim_expires_at = $4
      WHERE id = $1 AND ${CLAIMABLE} AND slot_start >= $5
      RETURNING *`,
    [id, now.toISO(), staffId, expiresAt.toISO(), dayStart.toISO()],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * The open queue of a clinic: everything claimable or claimed, and what falls due before `until`; never a
 * callback whose day has ended (rule 12: it is missed, listed for follow-up, not at the head of today's queue).
 */
export async function listOpenQueue(db: Queryable, clinicId: string, until: DateTime, now: DateTime, dayStart: DateTime): Promise<StoredCallback[]> {
  const { rows } = await db.query<CallbackRow>(
    `SELECT * FROM callbacks
      WHERE clinic_id = $1 AND status = ANY($3::text[])
        AND (status <> 'booked' OR due_at < $2)
        AND NOT ${missedSql('$4', '$5')}
      ORDER BY slot_start, due_at, id`,
    [clinicId, until.toISO(), OPEN_STATUSES, now.toISO(), dayStart.toISO()],
  );
  return rows.map(fromRow);
}

/**
 * Claims the clinic's oldest claimable callback for one nurse. SKIP LOCKED lets concurrent claims
 * pass each other instead of waiting, and the row lock makes two of them never get the same callback.
 */
export async function claimNext(
  db: Queryable,
  clinicId: string,
  now: DateTime,
  staffId: string,
  expiresAt: DateTime,
  dayStart: DateTime,
): Promise<StoredCallback | null> {
  // Claimable callbacks never hold a live claim, so for them rule 12 is just the slot's day having ended.
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET status = 'claimed', claimed_by = $3, claim_expires_at = $4
      WHERE id = (
        SELECT id FROM callbacks
         WHERE clinic_id = $1 AND ${CLAIMABLE} AND slot_start >= $5
         ORDER BY slot_start, due_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [clinicId, now.toISO(), staffId, expiresAt.toISO(), dayStart.toISO()],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Extends a nurse's own live claim; never shortens it (a claim held through a call, holdClaim). */
export async function renewClaim(
  db: Queryable,
  id: string,
  staffId: string,
  now: DateTime,
  expiresAt: DateTime,
): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET claim_expires_at = GREATEST(claim_expires_at, $4)
      WHERE id = $1 AND status = 'claimed' AND claimed_by = $2 AND claim_expires_at > $3
      RETURNING *`,
    [id, staffId, now.toISO(), expiresAt.toISO()],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Sets when a nurse's claim lapses, lapsed or not, as long as it is still hers (nobody else claimed it since):
 * held through a call placed for her (agent-first dialling), resumed when it ends without an attempt.
 * False when the callback is no longer claimed by her.
 */
export async function holdClaim(db: Queryable, id: string, staffId: string, expiresAt: DateTime): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE callbacks SET claim_expires_at = $3 WHERE id = $1 AND status = 'claimed' AND claimed_by = $2 RETURNING id`,
    [id, staffId, expiresAt.toISO()],
  );
  return rows.length > 0;
}

/** Gives a claimed callback back to the queue. */
export async function releaseClaim(db: Queryable, id: string, staffId: string): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET status = 'due', claimed_by = NULL, claim_expires_at = NULL
      WHERE id = $1 AND status = 'claimed' AND claimed_by = $2
      RETURNING *`,
    [id, staffId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Ends an attempt round on a claimed callback: the attempt is counted and the claim released, and the
 * callback is reached (completed), waits for a retry (booked again, due at `dueAt`), or is given up.
 * `at` is when the attempt ended (the callback closes then); `reachedAt` is when the patient answered.
 */
export async function recordAttemptResult(
  db: Queryable,
  id: string,
  result:
    | { status: 'completed'; reachedAt: DateTime; at: DateTime }
    | { status: 'booked'; dueAt: DateTime }
    | { status: 'unreachable'; at: DateTime },
): Promise<void> {
  const at = 'at' in result ? result.at.toISO() : null;
  await db.query(
    `UPDATE callbacks SET status = $2, attempt_count = attempt_count + 1, claimed_by = NULL, claim_expires_at = NULL,
            due_at = COALESCE($3, due_at),
            reached_at = COALESCE($5::timestamptz, reached_at),
            closed_at = COALESCE($4::timestamptz, closed_at)
      WHERE id = $1`,
    [
      id,
      result.status,
      result.status === 'booked' ? result.dueAt.toISO() : null,
      at,
      result.status === 'completed' ? result.reachedAt.toISO() : null,
    ],
  );
}

/**
 * A late report that the last attempt was in fact answered: the callback was reached at `reachedAt` (the
 * answer) and closed when that attempt ended. The attempt was already counted; a pending "we tried to
 * reach you" SMS is no longer true and is skipped.
 */
export async function correctToReached(db: Queryable, id: string, reachedAt: DateTime, closedAt: DateTime): Promise<void> {
  await db.query(
    `UPDATE callbacks SET status = 'completed', reached_at = $2, closed_at = $3, claimed_by = NULL, claim_expires_at = NULL
      WHERE id = $1`,
    [id, reachedAt.toISO(), closedAt.toISO()],
  );
  await db.query(`UPDATE sms_messages SET status = 'skipped' WHERE callback_id = $1 AND kind = 'unreachable' AND status = 'pending'`, [id]);
}

/**
 * Moves the booked callbacks among `ids` whose due time has come (`due_at <= dueByMs`) into the queue, in one
 * statement, stamping `made_due_at` with `nowMs`; returns those it moved with their due times (epoch ms). The others (not
 * booked, not yet due, absent) are left alone and missing from the answer.
 */
export async function markDueMany(
  db: Queryable,
  ids: readonly string[],
  dueByMs: number,
  nowMs: number,
): Promise<{ id: string; dueAtMs: number }[]> {
  const { rows } = await db.query<{ id: string; due_at_ms: number }>(
    // A join on unnest, not id = ANY($1): the named statement's generic plan may otherwise walk the partial
    // index of booked callbacks (whose second column is id) with all its dead entries, every batch slower.
    // The due time as epoch ms (date_part is a double; extract would be numeric): only the lag is computed from it,
    // for thousands of rows a second, and a number is cheaper to write and read than a timestamp.
    `UPDATE callbacks c SET status = 'due', made_due_at = $3
       FROM unnest($1::uuid[]) AS batch (id)
      WHERE c.id = batch.id AND c.status = 'booked' AND c.due_at <= $2
      RETURNING c.id, date_part('epoch', c.due_at) * 1000 AS due_at_ms`,
    [ids, new Date(dueByMs).toISOString(), new Date(nowMs).toISOString()],
    'mark-due-many',
  );
  return rows.map((r) => ({ id: r.id, dueAtMs: r.due_at_ms }));
}

/** Status and due time of several callbacks (what the due worker needs about those it did not make due). */
export async function findDueStates(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, { status: CallbackStatus; dueAt: DateTime }>> {
  const { rows } = await db.query<{ id: string; status: CallbackStatus; due_at: Date }>(
    'SELECT id, status, due_at FROM callbacks WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { status: r.status, dueAt: instant(r.due_at) }]));
}
