// SQL for the reports: sums of the daily rollups, and the per-record facts behind each figure.
import { ROLLUP_ARRAY_LENGTHS, OPEN_CASES_INDEX, type Rollup } from '../domain/measureRollup.js';
import type { Queryable } from './database.js';

const COLUMNS: Record<keyof Rollup, string> = {
  counts: 'counts',
  absDeviationHistogram: 'abs_deviation_histogram',
  deviationBins: 'deviation_bins',
  assessedWithin: 'assessed_within',
  assessedLate: 'assessed_late',
};

/** Element-wise sums, e.g. ARRAY[sum(counts[1])::int, sum(counts[2])::int, …] AS counts. */
const SUMS = (Object.keys(COLUMNS) as (keyof Rollup)[])
  .map((key) => {
    const column = COLUMNS[key];
    const elements = Array.from({ length: ROLLUP_ARRAY_LENGTHS[key] }, (_, i) => `coalesce(sum(${column}[${i + 1}]), 0)::int`);
    return `ARRAY[${elements.join(', ')}] AS ${column}`;
  })
  .join(',\n');

type SumRow = Record<string, number[]> & { pending: number };

function rollupOf(row: SumRow): Rollup {
  return {
    counts: row.counts!,
    absDeviationHistogram: row.abs_deviation_histogram!,
    deviationBins: row.deviation_bins!,
    assessedWithin: row.assessed_within!,
    assessedLate: row.assessed_late!,
  };
}

export interface RollupSum {
  rollup: Rollup;
  /** Open guarantee cases starting on or after `pendingFrom`: still before their deadline. */
  pending: number;
}

/**
 * Sums the daily rollups of the clinics over [from, to], once grouped by date and once by clinic.
 * Both scan only the (clinic, date) rows in range, so the cost follows clinics × days, not callbacks.
 */
export async function sumDailyRollups(
  db: Queryable,
  q: { clinicIds: string[]; from: string; to: string; pendingFrom: string },
): Promise<{ byDate: Map<string, RollupSum>; byClinic: Map<string, RollupSum> }> {
  const params = [q.clinicIds, q.from, q.to, q.pendingFrom];
  const where = 'WHERE clinic_id = ANY($1) AND date BETWEEN $2 AND $3';
  const pending = `coalesce(sum(counts[${OPEN_CASES_INDEX + 1}]) FILTER (WHERE date >= $4), 0)::int AS pending`;
  const [byDate, byClinic] = await Promise.all([
    db.query<SumRow & { date: string }>(`SELECT date, ${SUMS}, ${pending} FROM daily_measures ${where} GROUP BY date`, params),
    db.query<SumRow & { clinic_id: string }>(`SELECT clinic_id, ${SUMS}, ${pending} FROM daily_measures ${where} GROUP BY clinic_id`, params),
  ]);
  return {
    byDate: new Map(byDate.rows.map((r) => [r.date, { rollup: rollupOf(r), pending: r.pending }])),
    byClinic: new Map(byClinic.rows.map((r) => [r.clinic_id, { rollup: rollupOf(r), pending: r.pending }])),
  };
}

/**
 * Callbacks pending in "contact the same day" (isPendingSameDay in src/domain/measureRollup.ts, the same rule in
 * SQL): requested on or after `today`, in a pendable class, still booked, promised slot ending after `now`.
 * Counted at read time, because whether a slot has ended moves with the clock, not with a change marker.
 */
export async function countPendingCallbacks(
  db: Queryable,
  q: { clinicIds: string[]; from: string; to: string; today: string; now: string; classes: readonly string[] },
): Promise<{ byDate: Map<string, number>; byClinic: Map<string, number> }> {
  const { rows } = await db.query<{ clinic_id: string; date: string; n: number }>(
    `SELECT m.clinic_id, m.request_date::text AS date, count(*)::int AS n
       FROM callback_measures m JOIN callbacks c ON c.id = m.callback_id
      WHERE m.clinic_id = ANY($1) AND m.request_date BETWEEN $2 AND $3 AND m.request_date >= $4
        AND m.same_day = ANY($6) AND c.cancelled_at IS NULL AND c.slot_end > $5
      GROUP BY m.clinic_id, m.request_date`,
    [q.clinicIds, q.from, q.to, q.today, q.now, q.classes],
  );
  const byDate = new Map<string, number>();
  const byClinic = new Map<string, number>();
  for (const r of rows) {
    byDate.set(r.date, (byDate.get(r.date) ?? 0) + r.n);
    byClinic.set(r.clinic_id, (byClinic.get(r.clinic_id) ?? 0) + r.n);
  }
  return { byDate, byClinic };
}

export interface CallbackFact {
  callbackId: string;
  clinicId: string;
  requestDate: string;
  requestedAt: Date;
  slotStart: Date;
  slotEnd: Date;
  cancelledAt: Date | null;
  sameDay: string;
  deviationMinutes: number | null;
  punctuality: string | null;
}

export interface Page {
  clinicIds: string[];
  from: string;
  to: string;
  /** Keyset: the (date, callback id) after which this page starts. */
  after: { date: string; callbackId: string } | null;
  limit: number;
}

/** Callbacks behind a contact-same-day or time-deviation figure, in (request date, id) order. */
export async function listCallbackFacts(
  db: Queryable,
  page: Page,
  filter: { sameDay?: readonly string[]; punctuality?: readonly string[]; deviationFrom?: number; deviationTo?: number },
): Promise<CallbackFact[]> {
  const { rows } = await db.query<{
    callback_id: string;
    clinic_id: string;
    request_date: string;
    requested_at: Date;
    slot_start: Date;
    slot_end: Date;
    cancelled_at: Date | null;
    same_day: string;
    deviation_minutes: number | null;
    punctuality: string | null;
  }>(
    `SELECT m.callback_id, m.clinic_id, m.request_date, c.requested_at, c.slot_start, c.slot_end, c.cancelled_at, m.same_day,
            m.deviation_minutes, m.punctuality
       FROM callback_measures m JOIN callbacks c ON c.id = m.callback_id
      WHERE m.clinic_id = ANY($1) AND m.request_date BETWEEN $2 AND $3
        AND ($4::text[] IS NULL OR m.same_day = ANY($4))
        AND ($5::text[] IS NULL OR m.punctuality = ANY($5))
        AND ($6::date IS NULL OR (m.request_date, m.callback_id) > ($6::date, $7::uuid))
        AND ($9::int IS NULL OR m.deviation_minutes >= $9)
        AND ($10::int IS NULL OR m.deviation_minutes < $10)
      ORDER BY m.request_date, m.callback_id
      LIMIT $8`,
    [
      page.clinicIds,
      page.from,
      page.to,
      filter.sameDay ?? null,
      filter.punctuality ?? null,
      page.after?.date ?? null,
      page.after?.callbackId ?? null,
      page.limit,
      filter.deviationFrom ?? null,
      filter.deviationTo ?? null,
    ],
  );
  return rows.map((r) => ({
    callbackId: r.callback_id,
    clinicId: r.clinic_id,
    requestDate: r.request_date,
    requestedAt: r.requested_at,
    slotStart: r.slot_start,
    slotEnd: r.slot_end,
    cancelledAt: r.cancelled_at,
    sameDay: r.same_day,
    deviationMinutes: r.deviation_minutes,
    punctuality: r.punctuality,
  }));
}

export interface CaseFact {
  callbackId: string;
  clinicId: string;
  startDate: string;
  result: string;
  daysToAssessment: number | null;
  profession: string | null;
  mode: string | null;
  exclusionReason: string | null;
  assessedAt: Date | null;
}

/**
 * Guarantee cases behind a figure. `open` splits by `pendingFrom`: pending cases start on or after it,
 * overdue ones before it.
 */
export async function listCaseFacts(
  db: Queryable,
  page: Page,
  filter: { results: readonly string[]; open?: 'pending' | 'overdue'; pendingFrom: string; exclusionReason?: string; profession?: string; mode?: string },
): Promise<CaseFact[]> {
  const { rows } = await db.query<{
    callback_id: string;
    clinic_id: string;
    start_date: string;
    result: string;
    days_to_assessment: number | null;
    profession: string | null;
    mode: string | null;
    exclusion_reason: string | null;
    assessed_at: Date | null;
  }>(
    `SELECT m.callback_id, m.clinic_id, m.start_date, m.result, m.days_to_assessment, m.profession, m.mode,
            m.exclusion_reason, g.assessed_at
       FROM guarantee_measures m JOIN guarantee_cases g ON g.callback_id = m.callback_id
      WHERE m.clinic_id = ANY($1) AND m.start_date BETWEEN $2 AND $3 AND m.result = ANY($4)
        AND (m.result <> 'open' OR $5::text IS NULL OR ($5 = 'pending') = (m.start_date >= $6::date))
        AND ($7::text IS NULL OR m.exclusion_reason = $7)
        AND ($8::text IS NULL OR m.profession = $8)
        AND ($9::text IS NULL OR m.mode = $9)
        AND ($10::date IS NULL OR (m.start_date, m.callback_id) > ($10::date, $11::uuid))
      ORDER BY m.start_date, m.callback_id
      LIMIT $12`,
    [
      page.clinicIds,
      page.from,
      page.to,
      filter.results,
      filter.open ?? null,
      filter.pendingFrom,
      filter.exclusionReason ?? null,
      filter.profession ?? null,
      filter.mode ?? null,
      page.after?.date ?? null,
      page.after?.callbackId ?? null,
      page.limit,
    ],
  );
  return rows.map((r) => ({
    callbackId: r.callback_id,
    clinicId: r.clinic_id,
    startDate: r.start_date,
    result: r.result,
    daysToAssessment: r.days_to_assessment,
    profession: r.profession,
    mode: r.mode,
    exclusionReason: r.exclusion_reason,
    assessedAt: r.assessed_at,
  }));
}
