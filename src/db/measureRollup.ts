// Keeps the measure facts (callback_measures, guarantee_measures) and the daily rollups (daily_measures)
// equal to a recomputation from the raw records. Writers only append change markers (triggers in
// migration 003); this module consumes them. One refresher at a time (advisory lock), so an older
// computation never overwrites a newer one.
import { reportRefreshDuration } from '../ops/metrics.js';
import type { ClinicRules } from '../domain/clinic.js';
import { classifyCase, type GuaranteeStartBasis } from '../domain/guaranteeCase.js';
import { addCallback, addCase, emptyRollup, type Rollup } from '../domain/measureRollup.js';
import { contactSameDay, timeDeviation, type MeasuredCallback } from '../domain/measures.js';
import { addDays, endOfLocalDate, startOfLocalDate } from '../domain/schedule.js';
import { findClinicRules } from './clinics.js';
import type { Database, Queryable } from './database.js';
import { caseFromRow, START_COLUMN, type GuaranteeCaseRow } from './guaranteeCases.js';

const REFRESH_LOCK_KEY = 7_270_002;
/** Dates per load: a month of one clinic's callbacks is a few thousand rows. */
const DATES_PER_BATCH = 31;

/** Reads the start basis the stored facts use; null before the first start. */
export async function storedBasis(db: Queryable): Promise<GuaranteeStartBasis | null> {
  const { rows } = await db.query<{ guarantee_start: GuaranteeStartBasis }>('SELECT guarantee_start FROM measure_settings');
  return rows[0]?.guarantee_start ?? null;
}

/**
 * Makes the stored facts follow the configured basis: on the first start, or when the region changes its
 * setting, every cell is marked for recomputation. Safe from several processes at once.
 */
export async function ensureMeasureBasis(db: Database, basis: GuaranteeStartBasis): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK_KEY]);
    if ((await storedBasis(tx)) === basis) return false;
    await tx.query(
      `INSERT INTO measure_changes (clinic_id, date)
       SELECT DISTINCT cb.clinic_id, (cb.requested_at AT TIME ZONE c.timezone)::date
         FROM callbacks cb JOIN clinics c ON c.id = cb.clinic_id
       UNION SELECT clinic_id, decision_date FROM guarantee_cases`,
    );
    await setMeasureBasis(tx, basis);
    return true;
  });
}

/**
 * Consumes the change markers and recomputes their cells. Markers committed while this runs stay for
 * the next refresh; a marker is deleted in the same transaction that writes its recomputation.
 * `wait: false` returns at once (0) when another process is refreshing.
 */
export async function refreshMeasures(db: Database, opts: { wait: boolean } = { wait: true }): Promise<number> {
  const end = reportRefreshDuration.startTimer();
  return db.transaction(async (tx) => {
    if (opts.wait) {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK_KEY]);
    } else {
      const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [REFRESH_LOCK_KEY]);
      if (!rows[0]?.locked) return 0;
    }
    const basis = (await storedBasis(tx)) ?? 'contact';
    const { rows } = await tx.query<{ clinic_id: string; date: string }>('DELETE FROM measure_changes RETURNING clinic_id, date');
    const byClinic = new Map<string, Set<string>>();
    for (const r of rows) byClinic.set(r.clinic_id, (byClinic.get(r.clinic_id) ?? new Set()).add(r.date));
    let cells = 0;
    for (const [clinicId, dates] of byClinic) {
      const rules = await findClinicRules(tx, clinicId);
      if (!rules) continue;
      const sorted = [...dates].sort();
      for (let i = 0; i < sorted.length; i += DATES_PER_BATCH) {
        await recomputeCells(tx, rules, basis, sorted.slice(i, i + DATES_PER_BATCH));
      }
      cells += sorted.length;
    }
    return cells;
  }).finally(() => end());
}

/** Recomputes every cell of every clinic from the raw records (demo seeding, and the tests' reference). */
export async function rebuildAllMeasures(db: Database, basis: GuaranteeStartBasis): Promise<void> {
  const clinics = await db.query<{ id: string }>('SELECT id FROM clinics ORDER BY id');
  for (const { id } of clinics.rows) await rebuildClinicMeasures(db, id, basis);
  await setMeasureBasis(db, basis);
}

/** Records which start basis the stored facts use (after a full rebuild with it). */
export async function setMeasureBasis(db: Queryable, basis: GuaranteeStartBasis): Promise<void> {
  await db.query(
    `INSERT INTO measure_settings (guarantee_start) VALUES ($1) ON CONFLICT (only_row) DO UPDATE SET guarantee_start = EXCLUDED.guarantee_start`,
    [basis],
  );
}

/** Recomputes every cell of one clinic, a month of dates per transaction. */
export async function rebuildClinicMeasures(db: Database, clinicId: string, basis: GuaranteeStartBasis): Promise<void> {
  const range = await db.query<{ first: string | null; last: string | null }>(
    `SELECT min(d)::text AS first, max(d)::text AS last FROM (
       SELECT (cb.requested_at AT TIME ZONE c.timezone)::date AS d FROM callbacks cb JOIN clinics c ON c.id = cb.clinic_id WHERE cb.clinic_id = $1
       UNION ALL SELECT decision_date FROM guarantee_cases WHERE clinic_id = $1) dates`,
    [clinicId],
  );
  const { first, last } = range.rows[0] ?? { first: null, last: null };
  const rules = await findClinicRules(db, clinicId);
  if (!first || !last || !rules) return;
  for (let from = first; from <= last; from = addDays(from, DATES_PER_BATCH)) {
    const dates = Array.from({ length: DATES_PER_BATCH }, (_, k) => addDays(from, k)).filter((d) => d <= last);
    // A shared lock: rebuilding clinics side by side is fine, but never beside an incremental refresh.
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [REFRESH_LOCK_KEY]);
      await recomputeCells(tx, rules, basis, dates);
    });
  }
}

interface CallbackFactRow {
  id: string;
  requested_at: Date;
  slot_start: Date;
  slot_end: Date;
  requested_before_cutoff: boolean;
  same_day_slot_free: boolean;
  patient_chose_later_day: boolean;
  cancelled_at: Date | null;
  missed_at: Date | null;
  request_date: string;
}

/** Classifies the callbacks requested on, and the cases starting on, the given local dates of one clinic. */
export async function recomputeCells(tx: Queryable, rules: ClinicRules, basis: GuaranteeStartBasis, dates: string[]): Promise<void> {
  if (dates.length === 0) return;
  const sorted = [...dates].sort();
  const from = startOfLocalDate(rules, sorted[0]!).toISO();
  const to = endOfLocalDate(rules, sorted[sorted.length - 1]!).toISO();
  const inCells = `clinic_id = $1 AND requested_at >= $2 AND requested_at < $3 AND (requested_at AT TIME ZONE $4)::date = ANY($5::date[])`;
  const params = [rules.id, from, to, rules.timezone, sorted];

  const callbacks = await tx.query<CallbackFactRow>(
    `SELECT id, requested_at, slot_start, slot_end, requested_before_cutoff, same_day_slot_free, patient_chose_later_day,
            cancelled_at, missed_at, (requested_at AT TIME ZONE $4)::date AS request_date
       FROM callbacks WHERE ${inCells}`,
    params,
  );
  const attempts = await tx.query<{ callback_id: string; started_at: Date; answered_at: Date | null; outcome: string | null }>(
    `SELECT a.callback_id, a.started_at, a.answered_at, a.outcome FROM call_attempts a
      WHERE a.callback_id IN (SELECT id FROM callbacks WHERE ${inCells})`,
    params,
  );
  const attemptsOf = new Map<string, MeasuredCallback['attempts'][number][]>();
  for (const a of attempts.rows) {
    const list = attemptsOf.get(a.callback_id) ?? [];
    list.push({ startedAt: a.started_at.getTime(), answeredAt: a.answered_at ? a.answered_at.getTime() : null, outcome: a.outcome });
    attemptsOf.set(a.callback_id, list);
  }

  const rollups = new Map<string, Rollup>(sorted.map((d) => [d, emptyRollup()]));
  const facts = { id: [] as string[], date: [] as string[], sameDay: [] as string[], minutes: [] as (number | null)[], punctuality: [] as (string | null)[] };
  for (const row of callbacks.rows) {
    const measured: MeasuredCallback = {
      requestedAt: row.requested_at.getTime(),
      slot: { start: row.slot_start.getTime(), end: row.slot_end.getTime() },
      requestedBeforeCutoff: row.requested_before_cutoff,
      sameDaySlotFree: row.same_day_slot_free,
      patientChoseLaterDay: row.patient_chose_later_day,
      cancelledAt: row.cancelled_at ? row.cancelled_at.getTime() : null,
      missedAt: row.missed_at ? row.missed_at.getTime() : null,
      attempts: attemptsOf.get(row.id) ?? [],
    };
    const sameDay = contactSameDay(rules, measured);
    const deviation = timeDeviation(rules, measured);
    addCallback(rollups.get(row.request_date)!, sameDay, deviation);
    facts.id.push(row.id);
    facts.date.push(row.request_date);
    facts.sameDay.push(sameDay);
    facts.minutes.push(deviation?.minutes ?? null);
    facts.punctuality.push(deviation?.punctuality ?? null);
  }
  if (facts.id.length) {
    await tx.query(
      `INSERT INTO callback_measures (callback_id, clinic_id, request_date, same_day, deviation_minutes, punctuality)
       SELECT f.id, $1, f.date, f.same_day, f.minutes, f.punctuality
         FROM unnest($2::uuid[], $3::date[], $4::text[], $5::int[], $6::text[]) AS f(id, date, same_day, minutes, punctuality)
       ON CONFLICT (callback_id) DO UPDATE SET request_date = EXCLUDED.request_date, same_day = EXCLUDED.same_day,
         deviation_minutes = EXCLUDED.deviation_minutes, punctuality = EXCLUDED.punctuality`,
      [rules.id, facts.id, facts.date, facts.sameDay, facts.minutes, facts.punctuality],
    );
  }

  const cases = await tx.query<GuaranteeCaseRow>(
    `SELECT * FROM guarantee_cases WHERE clinic_id = $1 AND ${START_COLUMN[basis]} = ANY($2::date[])`,
    [rules.id, sorted],
  );
  const caseFacts = { id: [] as string[], start: [] as string[], result: [] as string[], days: [] as (number | null)[], profession: [] as (string | null)[], mode: [] as (string | null)[], exclusion: [] as (string | null)[] };
  for (const row of cases.rows) {
    const c = caseFromRow(row);
    const { start, result, daysToAssessment } = classifyCase(c, basis);
    const classified = { result, profession: c.assessment?.profession ?? null, mode: c.assessment?.mode ?? null, exclusionReason: c.exclusionReason };
    addCase(rollups.get(start)!, classified);
    caseFacts.id.push(c.callbackId);
    caseFacts.start.push(start);
    caseFacts.result.push(result);
    caseFacts.days.push(daysToAssessment);
    caseFacts.profession.push(classified.profession);
    caseFacts.mode.push(classified.mode);
    caseFacts.exclusion.push(classified.exclusionReason);
  }
  if (caseFacts.id.length) {
    await tx.query(
      `INSERT INTO guarantee_measures (callback_id, clinic_id, start_date, result, days_to_assessment, profession, mode, exclusion_reason)
       SELECT f.id, $1, f.start, f.result, f.days, f.profession, f.mode, f.exclusion
         FROM unnest($2::uuid[], $3::date[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
           AS f(id, start, result, days, profession, mode, exclusion)
       ON CONFLICT (callback_id) DO UPDATE SET start_date = EXCLUDED.start_date, result = EXCLUDED.result,
         days_to_assessment = EXCLUDED.days_to_assessment, profession = EXCLUDED.profession, mode = EXCLUDED.mode,
         exclusion_reason = EXCLUDED.exclusion_reason`,
      [rules.id, caseFacts.id, caseFacts.start, caseFacts.result, caseFacts.days, caseFacts.profession, caseFacts.mode, caseFacts.exclusion],
    );
  }

  await writeDailyRollups(tx, rules.id, rollups);
}

function isEmpty(r: Rollup): boolean {
  return r.counts.every((n) => n === 0);
}

async function writeDailyRollups(tx: Queryable, clinicId: string, rollups: Map<string, Rollup>): Promise<void> {
  const dates = [...rollups.keys()];
  await tx.query('DELETE FROM daily_measures WHERE clinic_id = $1 AND date = ANY($2::date[])', [clinicId, dates]);
  const kept = [...rollups].filter(([, r]) => !isEmpty(r));
  if (kept.length === 0) return;
  // Arrays of arrays travel as JSON: node-pg has no two-dimensional array parameter.
  await tx.query(
    `INSERT INTO daily_measures (clinic_id, date, counts, abs_deviation_histogram, deviation_bins, assessed_within, assessed_late)
     SELECT $1, (r->>'date')::date,
            ARRAY(SELECT jsonb_array_elements_text(r->'counts')::int),
            ARRAY(SELECT jsonb_array_elements_text(r->'absDeviationHistogram')::int),
            ARRAY(SELECT jsonb_array_elements_text(r->'deviationBins')::int),
            ARRAY(SELECT jsonb_array_elements_text(r->'assessedWithin')::int),
            ARRAY(SELECT jsonb_array_elements_text(r->'assessedLate')::int)
       FROM jsonb_array_elements($2::jsonb) AS r`,
    [clinicId, JSON.stringify(kept.map(([date, r]) => ({ date, ...r })))],
  );
}

/** The stored daily rollups of the given clinics, for comparison with a recomputation. */
export async function readDailyRollups(db: Queryable, clinicIds: string[]): Promise<Map<string, Rollup>> {
  const { rows } = await db.query<{ clinic_id: string; date: string } & Record<string, number[]>>(
    'SELECT * FROM daily_measures WHERE clinic_id = ANY($1) ORDER BY clinic_id, date',
    [clinicIds],
  );
  return new Map(
    rows.map((r) => [
      `${r.clinic_id} ${r.date}`,
      {
        counts: r.counts!,
        absDeviationHistogram: r.abs_deviation_histogram!,
        deviationBins: r.deviation_bins!,
        assessedWithin: r.assessed_within!,
        assessedLate: r.assessed_late!,
      },
    ]),
  );
}
