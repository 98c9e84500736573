// SQL for callback bookings.
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { CANCELLABLE_STATUSES, OPEN_STATUSES, type BookingChannel, type Callback, type CallbackStatus } from '../domain/callback.js';
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
const CALLBACK_COLUMNS = [
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
const columnsOf = (alias: string) => CALLBACK_COLUMNS.map((c) => `${alias}.${c}`).join(', ');

const instant = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });
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

export interface NewCallback
  extends Omit<Callback, 'status' | 'cancelledAt' | 'attemptCount' | 'claimedBy' | 'claimExpiresAt' | 'reachedAt'> {
  tokenHash: string;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export const IDEMPOTENCY_CONSTRAINT = 'callbacks_idempotency_key_unique';

/** A place a booking may take: tried in the order given. `dueAt` is when the callback would enter the queue. */
export interface BookingCandidate {
  start: DateTime;
  end: DateTime;
  capacity: number;
  dueAt: DateTime;
}

export type BookingWrite =
  /** A place was reserved and the callback and its confirmation SMS row written. */
  | { kind: 'booked'; callback: StoredCallback; smsId: string }
  /**
   * The candidate at `index` looked free in the statement's snapshot but another booking took its last place
   * first (its row lock was held by an uncommitted booking): nothing was written; a new statement sees why.
   */
  | { kind: 'lost'; index: number }
  /** Every candidate was full: nothing was written. */
  | { kind: 'full' };

const iso = (d: DateTime) => new Date(d.toMillis()).toISOString();

/**
 * A booking's writes in one statement, one round trip: the first candidate with room (as the statement's snapshot
 * sees slot_places) gets a place, and only then the callback and its confirmation SMS row are inserted.
 *
 * The reserve counts the place with an UPDATE … WHERE booked < capacity when the slot has a row, and otherwise
 * creates the row with INSERT … ON CONFLICT DO NOTHING. The UPDATE waits for the row's lock and re-checks the
 * newest committed count, so concurrent bookings never overbook. When the place is gone it updates nothing, but
 * PostgreSQL keeps the row lock it took for the re-check until the transaction ends (as ON CONFLICT DO UPDATE …
 * WHERE would): every later booking that still saw a free place would wait for this whole transaction. So the
 * caller runs this after BOOKING_SAVEPOINT and, on 'lost', undoes the try with undoLostTry, which releases that
 * lock. A row created meanwhile by another booking makes the INSERT do nothing (without locking). Either way
 * nothing else is written ('lost') and the caller tries again: the next statement's snapshot sees what happened.
 *
 * Order and the hot slot's lock: data-modifying CTEs run in one statement in no guaranteed order except what
 * their data dependencies impose, and the callback must depend on the reserve (no callback without a place), so
 * the row lock is necessarily taken first here; the two inserts after it take microseconds inside the same
 * statement. What the lock is really held for is what follows the statement: its answer travelling back, the
 * COMMIT travelling in and its WAL flush. The caller therefore sends COMMIT straight after this statement and
 * does nothing else in between.
 */
/**
 * Set right after the caller's lock, in the query that begins the booking's transaction: each try of insertBooking
 * runs after it, and a lost one is rolled back to it (undoLostTry).
 */
export const BOOKING_SAVEPOINT = 'SAVEPOINT booking_try';

/**
 * Undoes a 'lost' try: releases the row lock its re-check took on the full slot (row locks taken after a savepoint
 * go when it is rolled back to), keeps the caller's advisory lock (taken before it) and the savepoint for the next
 * try. Nothing else was written.
 */
export async function undoLostTry(tx: Queryable): Promise<void> {
  await tx.exec('ROLLBACK TO SAVEPOINT booking_try');
}

export async function insertBooking(
  tx: Queryable,
  c: Omit<NewCallback, 'slot' | 'dueAt'>,
  candidates: readonly BookingCandidate[],
  smsId: string,
): Promise<BookingWrite> {
  const { rows } = await tx.query<CallbackRow & { picked: number; sms_id: string | null }>(
    `WITH candidate AS (
       SELECT s.slot_start, s.slot_end, s.capacity, s.due_at, s.ord
         FROM unnest($1::timestamptz[], $2::timestamptz[], $3::int[], $4::timestamptz[])
              WITH ORDINALITY AS s (slot_start, slot_end, capacity, due_at, ord)
        -- One primary-key lookup per candidate (a join may scan all of the clinic's slot rows instead).
        WHERE COALESCE((SELECT p.booked FROM slot_places p WHERE p.clinic_id = $5 AND p.slot_start = s.slot_start), 0) < s.capacity
        ORDER BY s.ord LIMIT 1
     ), counted AS (
       UPDATE slot_places p SET booked = p.booked + 1 FROM candidate k
        WHERE p.clinic_id = $5 AND p.slot_start = k.slot_start AND p.booked < k.capacity
       RETURNING p.slot_start
     ), first AS (
       INSERT INTO slot_places (clinic_id, slot_start, slot_end, booked)
       SELECT $5, k.slot_start, k.slot_end, 1 FROM candidate k
        WHERE NOT EXISTS (SELECT FROM slot_places p WHERE p.clinic_id = $5 AND p.slot_start = k.slot_start)
       ON CONFLICT (clinic_id, slot_start) DO NOTHING
       RETURNING slot_start
     ), reserved AS (
       SELECT slot_start FROM counted UNION ALL SELECT slot_start FROM first
     ), booked AS (
       INSERT INTO callbacks (id, clinic_id, phone_e164, personal_identity_number, patient_name, reason, channel,
         requested_at, slot_start, slot_end, status, requested_before_cutoff, same_day_slot_free,
         patient_chose_later_day, token_hash, idempotency_key, request_hash, due_at)
       SELECT $6, $5, $7, $8, $9, $10, $11, $12, k.slot_start, k.slot_end, 'booked', $13, $14, $15, $16, $17, $18, k.due_at
         FROM reserved, candidate k
       RETURNING ${CALLBACK_COLUMNS.join(', ')}
     ), sms AS (
       INSERT INTO sms_messages (id, callback_id, kind, slot_start, slot_end) SELECT $19, id, 'booking_confirmation', slot_start, slot_end FROM booked
       RETURNING id
     )
     SELECT candidate.ord::int AS picked, booked.*, sms.id AS sms_id
       FROM candidate LEFT JOIN booked ON true LEFT JOIN sms ON true`,
    [
      candidates.map((k) => iso(k.start)),
      candidates.map((k) => iso(k.end)),
      candidates.map((k) => k.capacity),
      candidates.map((k) => iso(k.dueAt)),
      c.clinicId,
      c.id,
      c.phoneE164,
      c.personalIdentityNumber,
      c.patientName,
      c.reason,
      c.channel,
      iso(c.requestedAt),
      c.requestedBeforeCutoff,
      c.sameDaySlotFree,
      c.patientChoseLaterDay,
      c.tokenHash,
      c.idempotencyKey,
      c.requestHash,
      smsId,
    ],
    'insert_booking',
  );
  const row = rows[0];
  if (!row) return { kind: 'full' };
  if (!row.id) return { kind: 'lost', index: row.picked - 1 };
  return { kind: 'booked', callback: fromRow(row), smsId: row.sms_id! };
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

const CALLER_LOCK_CLASS = 7_270_011;

/**
 * The statement that serialises the bookings of one phone number until the transaction ends, so two simultaneous
 * requests from the same caller cannot both pass the one-open-callback check. Always taken before any slot's row
 * lock. Parameterless, so it can travel with BEGIN in one simple query: the key is a number computed here (the
 * two-key form, in a class of its own, never the same lock as the migration or refresh locks); no caller text
 * reaches the SQL.
 */
export function callerLockStatement(phoneE164: string): string {
  const key = createHash('sha256').update(phoneE164).digest().readInt32BE(0);
  return `SELECT pg_advisory_xact_lock(${CALLER_LOCK_CLASS}, ${key})`;
}

// The open statuses inlined, not a parameter: a prepared statement's generic plan can then still use the partial
// index callbacks_open_by_phone, whose predicate it must prove from the query text.
const OPEN_STATUS_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** What a booking reads under its caller's lock, in one statement. */
export interface CallerState {
  /** The phone number's open callbacks at every clinic, each with its clinic's time zone (rule 11). */
  open: (StoredCallback & { timezone: string })[];
  /** The clinic's callback booked under the Idempotency-Key, if a key was given and one was. */
  byKey: StoredCallback | null;
}

/** The phone number ($1)'s open callbacks at every clinic, each with its clinic's time zone. */
const OPEN_OF_PHONE_SQL = `SELECT ${columnsOf('c')}, k.timezone AS clinic_timezone, false AS by_key
    FROM callbacks c JOIN clinics k ON k.id = c.clinic_id
   WHERE c.phone_e164 = $1 AND c.status IN (${OPEN_STATUS_LIST})`;

/** The clinic's callback booked under an Idempotency-Key, the two given as parameter references ('$2'). */
const byKeySql = (clinicId: string, key: string) => `SELECT ${columnsOf('c')}
    FROM callbacks c WHERE c.clinic_id = ${clinicId} AND c.idempotency_key = ${key}`;

// Each branch its own index (callbacks_open_by_phone, the idempotency key's unique index); an OR of both could make
// the planner scan all of the clinic's callbacks. The key's branch needs no time zone (NULL), only its callback.
const CALLER_OPEN_AND_KEY_SQL = `${OPEN_OF_PHONE_SQL}
  UNION ALL
  SELECT b.*, NULL, true FROM (${byKeySql('$2', '$3')}) b`;

export async function readCallerState(db: Queryable, phoneE164: string, clinicId: string, idempotencyKey: string | null): Promise<CallerState> {
  type Row = CallbackRow & { clinic_timezone: string; by_key: boolean };
  const { rows } = idempotencyKey
    ? await db.query<Row>(CALLER_OPEN_AND_KEY_SQL, [phoneE164, clinicId, idempotencyKey], 'caller_open_and_key')
    : await db.query<Row>(OPEN_OF_PHONE_SQL, [phoneE164], 'caller_open');
  const byKey = rows.find((r) => r.by_key);
  return {
    // Earliest first, as callerRefusal reports the first it finds.
    open: rows
      .filter((r) => !r.by_key)
      .sort((a, b) => a.slot_start.getTime() - b.slot_start.getTime())
      .map((r) => ({ ...fromRow(r), timezone: r.clinic_timezone })),
    byKey: byKey ? fromRow(byKey) : null,
  };
}

/** The phone number's open callbacks at every clinic, each with its clinic's time zone. */
export async function listOpenCallbacksOfPhone(db: Queryable, phoneE164: string): Promise<(StoredCallback & { timezone: string })[]> {
  const { rows } = await db.query<CallbackRow & { clinic_timezone: string }>(`${OPEN_OF_PHONE_SQL} ORDER BY c.slot_start`, [phoneE164]);
  return rows.map((r) => ({ ...fromRow(r), timezone: r.clinic_timezone }));
}

export async function findByIdempotencyKey(
  db: Queryable,
  clinicId: string,
  key: string,
): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(byKeySql('$1', '$2'), [clinicId, key]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Marks a booked callback cancelled. Returns it when this call did the cancelling, null when it was
 * not (or no longer) booked: two simultaneous cancels cannot both succeed.
 */
export async function markCancelled(db: Queryable, id: string, at: DateTime): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET status = 'cancelled', cancelled_at = $2
      WHERE id = $1 AND status = ANY($3::text[])
      RETURNING *`,
    [id, at.toISO(), CANCELLABLE_STATUSES],
  );
  return rows[0] ? fromRow(rows[0]) : null;
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
 * Rule 12 (isMissed in src/domain/missedCallback.ts) in SQL, for an open callback: its slot lies before the
 * start of the clinic's local day (`dayStart`, from startOfClinicDay) and no nurse holds a live claim on it.
 * Open callbacks matching it are missed even before the sweep has marked them.
 */
const missedSql = (now: string, dayStart: string) =>
  `(slot_start < ${dayStart} AND NOT (status = 'claimed' AND claim_expires_at IS NOT NULL AND claim_expires_at > ${now}))`;

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

/** Reads a callback and locks it for the rest of the transaction. */
export async function lockCallback(db: Queryable, id: string): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>('SELECT * FROM callbacks WHERE id = $1 FOR UPDATE', [id]);
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

/** Where a page of waiting callbacks ended: the next page starts after it. */
export interface WaitingCursor {
  scheduledAt: string;
  id: string;
}

/**
 * A callback whose due job reconciliation makes sure of: booked, scheduled no later than the grace edge (`to`), and
 * its slot not on a day that has ended (`zones`/`dayStarts`: each clinic time zone's start of today). Parameters
 * are given by placeholder, as the queries using it number theirs.
 */
const waitingForDueJob = (to: string, zones: string, dayStarts: string) =>
  `c.status = 'booked' AND c.scheduled_at <= ${to}
        AND c.slot_start >= (SELECT d.day_start FROM clinics k JOIN unnest(${zones}::text[], ${dayStarts}::timestamptz[]) AS d(timezone, day_start)
                              ON d.timezone = k.timezone WHERE k.id = c.clinic_id)`;

/**
 * Booked callbacks waiting for a due job (for reconciliation), in pages ordered by when they were scheduled:
 * those scheduled after `from` (null: since ever) and no later than `to` (the grace period's edge), after
 * `cursor`. Not those whose day has ended in their clinic's zone (`dayStarts`: each zone's startOfClinicDay):
 * they are missed, not due (rule 12).
 */
export async function listWaitingCallbacks(
  db: Queryable,
  window: { from: DateTime | null; to: DateTime; cursor: WaitingCursor | null },
  limit: number,
  dayStarts: ReadonlyMap<string, DateTime>,
): Promise<{ callbacks: { id: string; dueAt: DateTime; attemptCount: number }[]; cursor: WaitingCursor | null }> {
  // One keyset bound, so the scan walks callbacks_booked_by_scheduled in order from where the last page ended
  // (an OR of optional bounds made PostgreSQL scan and sort every booked callback for each page). The day's
  // start is looked up per row: joined, the planner drove the query from the slot index instead.
  const after = window.cursor ?? (window.from ? { scheduledAt: window.from.toISO()!, id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' } : { scheduledAt: '-infinity', id: '00000000-0000-0000-0000-000000000000' });
  const { rows } = await db.query<{ id: string; due_at: Date; attempt_count: number; scheduled_at: string }>(
    `SELECT c.id, c.due_at, c.attempt_count, c.scheduled_at::text AS scheduled_at FROM callbacks c
      WHERE ${waitingForDueJob('$3', '$5', '$6')} AND (c.scheduled_at, c.id) > ($1::timestamptz, $2::uuid)
      ORDER BY c.scheduled_at, c.id LIMIT $4`,
    [after.scheduledAt, after.id, window.to.toISO(), limit, [...dayStarts.keys()], [...dayStarts.values()].map((d) => d.toISO())],
  );
  const last = rows[rows.length - 1];
  return {
    callbacks: rows.map((r) => ({ id: r.id, dueAt: instant(r.due_at), attemptCount: r.attempt_count })),
    // The cursor keeps the database's microseconds (as text): a JS Date would round them and skip or repeat rows.
    cursor: rows.length === limit && last ? { scheduledAt: last.scheduled_at, id: last.id } : null,
  };
}

/**
 * Of these callbacks, those still waiting for the same attempt's due job by the same rule as listWaitingCallbacks
 * (reconciliation's re-read), keyed `id/attempt`, with their due time as it is now.
 */
export async function stillWaiting(
  db: Queryable,
  callbacks: readonly { callbackId: string; attemptCount: number }[],
  to: DateTime,
  dayStarts: ReadonlyMap<string, DateTime>,
): Promise<Map<string, DateTime>> {
  const { rows } = await db.query<{ key: string; due_at: Date }>(
    `SELECT c.id || '/' || c.attempt_count AS key, c.due_at FROM callbacks c
      WHERE c.id = ANY($1::uuid[]) AND ${waitingForDueJob('$2', '$3', '$4')}`,
    [callbacks.map((c) => c.callbackId), to.toISO(), [...dayStarts.keys()], [...dayStarts.values()].map((d) => d.toISO())],
  );
  return new Map(rows.map((r) => [r.key, instant(r.due_at)]));
}

/** The database's clock, the one that stamps scheduled_at (reconciliation's incremental passes follow it). */
export async function databaseNow(db: Queryable): Promise<DateTime> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  return instant(rows[0]!.now);
}

/** Moves a booked callback to another slot; it waits for its new due time. */
export async function moveCallbackSlot(
  db: Queryable,
  id: string,
  slot: { start: DateTime; end: DateTime },
  dueAt: DateTime,
  patientChoseLaterDay: boolean,
): Promise<StoredCallback> {
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET slot_start = $2, slot_end = $3, due_at = $4, status = 'booked', patient_chose_later_day = $5
      WHERE id = $1 RETURNING *`,
    [id, slot.start.toISO(), slot.end.toISO(), dueAt.toISO(), patientChoseLaterDay],
  );
  return fromRow(rows[0]!);
}

/** The time zones clinics are in (one in practice: Europe/Stockholm); rule 12's day boundary is per zone. */
export async function listClinicTimezones(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ timezone: string }>('SELECT DISTINCT timezone FROM clinics ORDER BY timezone');
  return rows.map((r) => r.timezone);
}

/**
 * Marks up to `limit` of the zone's open callbacks missed whose day has ended (rule 12, the same SQL as the
 * queue's). One conditional UPDATE: a callback a nurse is logging right now is locked and skipped until the
 * next sweep, and a second sweep finds nothing left to mark. The claim, if any had lapsed, goes with it.
 */
export async function markMissed(
  db: Queryable,
  timezone: string,
  now: DateTime,
  dayStart: DateTime,
  limit: number,
): Promise<{ id: string; clinicId: string }[]> {
  const { rows } = await db.query<{ id: string; clinic_id: string }>(
    `UPDATE callbacks SET status = 'missed', missed_at = $2, claimed_by = NULL, claim_expires_at = NULL
      WHERE id IN (
        SELECT id FROM callbacks
         WHERE status = ANY($4::text[]) AND ${missedSql('$2', '$3')}
           AND clinic_id IN (SELECT id FROM clinics WHERE timezone = $1)
         ORDER BY slot_start
         LIMIT $5
         FOR UPDATE SKIP LOCKED)
        AND status = ANY($4::text[])
      RETURNING id, clinic_id`,
    [timezone, now.toISO(), dayStart.toISO(), OPEN_STATUSES, limit],
  );
  return rows.map((r) => ({ id: r.id, clinicId: r.clinic_id }));
}

/** A clinic's missed callbacks nobody has followed up yet, oldest promise first. */
export async function listMissedForFollowUp(db: Queryable, clinicId: string, limit: number): Promise<StoredCallback[]> {
  const { rows } = await db.query<CallbackRow>(
    `SELECT * FROM callbacks WHERE clinic_id = $1 AND status = 'missed' AND followed_up_at IS NULL
      ORDER BY slot_start, id LIMIT $2`,
    [clinicId, limit],
  );
  return rows.map(fromRow);
}

/** Records a nurse's follow-up of a missed callback; null when it is not missed, or was followed up already. */
export async function recordFollowUp(
  db: Queryable,
  id: string,
  staffId: string,
  at: DateTime,
  note: string | null,
): Promise<StoredCallback | null> {
  const { rows } = await db.query<CallbackRow>(
    `UPDATE callbacks SET followed_up_at = $3, followed_up_by = $2, follow_up_note = $4
      WHERE id = $1 AND status = 'missed' AND followed_up_at IS NULL
      RETURNING *`,
    [id, staffId, at.toISO(), note],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}
