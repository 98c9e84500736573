// SQL for the turned-away callers (rule 13): refused web bookings written, and both refusal tables
// (incoming_calls, web_booking_refusals) read per clinic and local date through their (clinic_id, local_date) indexes.
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import { emptyTurnedAway, TURNED_AWAY_REASONS, type TurnedAwayCounts, type TurnedAwayReason } from '../domain/turnedAway.js';
import type { Queryable } from './database.js';

export async function insertWebRefusal(db: Queryable, r: { clinicId: string; at: DateTime; localDate: string; reason: TurnedAwayReason }): Promise<void> {
  await db.query('INSERT INTO web_booking_refusals (id, clinic_id, refused_at, local_date, reason) VALUES ($1, $2, $3, $4, $5)', [
    randomUUID(),
    r.clinicId,
    r.at.toISO(),
    r.localDate,
    r.reason,
  ]);
}

const reasonColumns = (column: string) => TURNED_AWAY_REASONS.map((r) => `count(*) FILTER (WHERE ${column} = '${r}')::int AS ${r}`).join(', ');

type ReasonRow = Record<TurnedAwayReason, number>;
const reasonsOf = (row: ReasonRow) => Object.fromEntries(TURNED_AWAY_REASONS.map((r) => [r, row[r]])) as Record<TurnedAwayReason, number>;

/**
 * The day's calls and refusals per clinic and local date in [from, to], keyed `${clinicId}|${date}`.
 * `requests` is left 0: the callbacks requested come from the measure rollups. A call answered the same day
 * is one that booked a callback the same-day measure classified 'reached' on the call's own date.
 */
export async function sumTurnedAwayByDay(db: Queryable, q: { clinicIds: string[]; from: string; to: string }): Promise<Map<string, TurnedAwayCounts>> {
  const params = [q.clinicIds, q.from, q.to];
  const [calls, web] = await Promise.all([
    db.query<{ clinic_id: string; date: string; received: number; booked: number; answered: number; failed: number; same_day: number } & ReasonRow>(
      `SELECT i.clinic_id, i.local_date::text AS date, count(*)::int AS received,
              count(*) FILTER (WHERE i.outcome = 'booked')::int AS booked,
              count(*) FILTER (WHERE i.outcome = 'answered')::int AS answered,
              count(*) FILTER (WHERE i.outcome = 'failed')::int AS failed,
              count(*) FILTER (WHERE m.same_day = 'reached' AND m.request_date = i.local_date)::int AS same_day,
              ${reasonColumns('i.outcome')}
         FROM incoming_calls i LEFT JOIN callback_measures m ON m.callback_id = i.callback_id
        WHERE i.clinic_id = ANY($1) AND i.local_date BETWEEN $2 AND $3
        GROUP BY i.clinic_id, i.local_date`,
      params,
    ),
    db.query<{ clinic_id: string; date: string } & ReasonRow>(
      `SELECT clinic_id, local_date::text AS date, ${reasonColumns('reason')}
         FROM web_booking_refusals WHERE clinic_id = ANY($1) AND local_date BETWEEN $2 AND $3
        GROUP BY clinic_id, local_date`,
      params,
    ),
  ]);
  const out = new Map<string, TurnedAwayCounts>();
  const cell = (clinicId: string, date: string) => {
    const key = `${clinicId}|${date}`;
    let c = out.get(key);
    if (!c) out.set(key, (c = emptyTurnedAway()));
    return c;
  };
  for (const r of calls.rows) {
    const c = cell(r.clinic_id, r.date);
    c.callsReceived = r.received;
    c.callsBooked = r.booked;
    c.callsLeftWithoutBooking = r.answered;
    c.callsFailed = r.failed;
    c.callsAnsweredSameDay = r.same_day;
    c.phone = reasonsOf(r);
  }
  for (const r of web.rows) cell(r.clinic_id, r.date).web = reasonsOf(r);
  return out;
}

/** One booking attempt behind a turned-away figure: when, how and why, never who. */
export interface AttemptFact {
  /** 'phone:<provider call id>' or 'web:<refusal id>': unique, and the keyset order within a date. */
  key: string;
  clinicId: string;
  date: string;
  at: Date;
  channel: 'phone' | 'web';
  /** A call's outcome, or a web refusal's reason. */
  outcome: string;
  /** Phone only: the caller withheld their number. */
  callerHidden: boolean | null;
  callbackId: string | null;
}

/** The attempts with one of `outcomes`, phone calls and/or web refusals, in (local date, key) order. */
export async function listAttemptFacts(
  db: Queryable,
  page: { clinicIds: string[]; from: string; to: string; after: { date: string; key: string } | null; limit: number },
  filter: { phone: readonly string[]; web: readonly string[]; answeredSameDay?: boolean },
): Promise<AttemptFact[]> {
  const { rows } = await db.query<{
    key: string;
    clinic_id: string;
    date: string;
    at: Date;
    channel: 'phone' | 'web';
    outcome: string;
    caller_hidden: boolean | null;
    callback_id: string | null;
  }>(
    `SELECT * FROM (
       SELECT 'phone:' || call_id AS key, clinic_id, local_date::text AS date, received_at AS at, 'phone' AS channel,
              outcome, caller_hidden, callback_id::text AS callback_id
         FROM incoming_calls i WHERE clinic_id = ANY($1) AND local_date BETWEEN $2 AND $3 AND outcome = ANY($4)
          AND (NOT $9::boolean OR EXISTS (SELECT 1 FROM callback_measures m
                WHERE m.callback_id = i.callback_id AND m.same_day = 'reached' AND m.request_date = i.local_date))
       UNION ALL
       SELECT 'web:' || id::text, clinic_id, local_date::text, refused_at, 'web', reason, NULL, NULL
         FROM web_booking_refusals WHERE clinic_id = ANY($1) AND local_date BETWEEN $2 AND $3 AND reason = ANY($5)
     ) attempts
     WHERE ($6::text IS NULL OR (date, key) > ($6::text, $7::text))
     ORDER BY date, key
     LIMIT $8`,
    [page.clinicIds, page.from, page.to, filter.phone, filter.web, page.after?.date ?? null, page.after?.key ?? null, page.limit, filter.answeredSameDay ?? false],
  );
  return rows.map((r) => ({
    key: r.key,
    clinicId: r.clinic_id,
    date: r.date,
    at: r.at,
    channel: r.channel,
    outcome: r.outcome,
    callerHidden: r.caller_hidden,
    callbackId: r.callback_id,
  }));
}
