// SQL for the sweeps over callbacks: reconciliation's reads of those waiting for their due job, rule 12's marking of
// missed callbacks and their follow-up, and the clocks and zones the sweeps go by.
import { DateTime } from 'luxon';
import { OPEN_STATUSES } from '../domain/callback.js';
import { fromRow, instant, missedSql, type CallbackRow, type StoredCallback } from './callbacks.js';
import type { Queryable } from './database.js';

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
