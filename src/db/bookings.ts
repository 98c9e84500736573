// SQL for bookings: a caller's booking in its own transaction (the caller's lock, the first free place of the
// candidates, the callback and its confirmation SMS in one statement), what the caller holds already (rule 11),
// cancelling, and moving a booking to another slot.
import { createHash, randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import { CANCELLABLE_STATUSES, OPEN_STATUSES, type Callback } from '../domain/callback.js';
import { CALLBACK_COLUMNS, columnsOf, fromRow, type CallbackRow, type StoredCallback } from './callbacks.js';
import { transactionStartingWith, type Database, type Queryable } from './database.js';

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
 * Set right after the caller's lock, in the query that begins the booking's transaction: each try of insertBooking
 * runs after it, and a lost one is rolled back to it (undoLostTry).
 */
const BOOKING_SAVEPOINT = 'SAVEPOINT booking_try';

/**
 * Undoes a 'lost' try: releases the row lock its re-check took on the full slot (row locks taken after a savepoint
 * go when it is rolled back to), keeps the caller's advisory lock (taken before it) and the savepoint for the next
 * try. Nothing else was written.
 */
async function undoLostTry(tx: Queryable): Promise<void> {
  await tx.exec('ROLLBACK TO SAVEPOINT booking_try');
}

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

const CALLER_LOCK_CLASS = 7_270_011;

/**
 * The statement that serialises the bookings of one phone number until the transaction ends, so two simultaneous
 * requests from the same caller cannot both pass the one-open-callback check. Always taken before any slot's row
 * lock. Parameterless, so it can travel with BEGIN in one simple query: the key is a number computed here (the
 * two-key form, in a class of its own, never the same lock as the migration or refresh locks); no caller text
 * reaches the SQL.
 */
function callerLockStatement(phoneE164: string): string {
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

/**
 * Candidates sent in one booking statement: enough that a busy slot filling up rarely costs another statement,
 * few enough that the arrays stay small (the plan lists every free slot of the horizon).
 */
const CANDIDATES_PER_TRY = 8;

/**
 * A booking's transaction: it begins, in the same round trip, with the caller's lock (one booking per caller at a
 * time, so rule 11 and an Idempotency-Key sent twice at once are decided under it) and the savepoint each try of
 * bookFirstFreePlace is undone to. Round trips: BEGIN with those, what the caller holds, the writes (repeated only
 * when another booking took the place first), COMMIT, which releases the locks before the WAL flush is waited for.
 */
export function inCallersBookingTransaction<T>(db: Database, phoneE164: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return transactionStartingWith(db, `${callerLockStatement(phoneE164)}; ${BOOKING_SAVEPOINT}`, work, { releaseLocksBeforeFlush: true });
}

/**
 * Books the first of `candidates` (in order) with a place left: a few per statement (insertBooking), so the callback,
 * its place and its confirmation SMS row are written together or not at all; a confirmation is never lost, even if
 * the process dies right after. Null when every candidate filled up. Inside inCallersBookingTransaction only.
 */
export async function bookFirstFreePlace(
  tx: Queryable,
  callback: Omit<NewCallback, 'slot' | 'dueAt'>,
  candidates: readonly { start: DateTime; end: DateTime; capacity: number }[],
  dueAt: (slotStart: DateTime) => DateTime,
): Promise<Extract<BookingWrite, { kind: 'booked' }> | null> {
  let next = 0;
  let lastLost = -1;
  while (next < candidates.length) {
    const window = candidates.slice(next, next + CANDIDATES_PER_TRY).map((slot) => ({ start: slot.start, end: slot.end, capacity: slot.capacity, dueAt: dueAt(slot.start) }));
    const write = await insertBooking(tx, callback, window, randomUUID());
    if (write.kind === 'booked') return write;
    if (write.kind === 'full') {
      next += window.length;
    } else {
      // Lost to a simultaneous booking: free the lost slot's row at once (its lock would otherwise be held until
      // COMMIT), then try that slot again (a fresh snapshot shows whether a place is left), unless it was lost just
      // before, so every other try advances.
      await undoLostTry(tx);
      const lost = next + write.index;
      next = lost === lastLost ? lost + 1 : lost;
      lastLost = lost;
    }
  }
  return null;
}
