// The managers' reports: the three measures and the turned-away callers (rule 13) per clinic, several clinics
// or the region, by day, week or month; the records behind each figure; CSV. The national file: nationalReports.ts.
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { listClinics, type ClinicSummary } from '../db/clinics.js';
import type { Database } from '../db/database.js';
import { countPendingCallbacks, listCallbackFacts, listCaseFacts, sumDailyRollups, type Page } from '../db/measureReports.js';
import { refreshMeasures } from '../db/measureRollup.js';
import { DRILLDOWN_FIGURES, sameDayVerdict, type DrilldownFigure } from '../domain/drilldown.js';
import { CASE_REASONS, daysBetween, deadline, openCaseState, pendingFrom, type ExclusionReason, type GuaranteeStartBasis } from '../domain/guaranteeCase.js';
import { addRollup, emptyRollup, figures, isPendingSameDay, PENDING_SAME_DAY, type Figures } from '../domain/measureRollup.js';
import { PUNCTUALITY_REASONS, SAME_DAY_REASONS, type Punctuality, type SameDayClass } from '../domain/measures.js';
import { listAttemptFacts, sumTurnedAwayByDay } from '../db/turnedAway.js';
import {
  attemptVerdict,
  isTurnedAwayFigure,
  sumTurnedAway,
  TURNED_AWAY_FIGURES,
  turnedAwayFigures,
  type AttemptChannel,
  type CallOutcome,
  type TurnedAwayCounts,
  type TurnedAwayFigure,
} from '../domain/turnedAway.js';
import { MAX_PERIODS, periodCount, periodsOf, type ReportRange } from '../domain/reportPeriod.js';
import { regionDate, showInstant } from '../domain/schedule.js';
import { ClinicNotFound, ValidationFailed } from '../errors.js';
import { authorize, type StaffMember } from './staffAuth.js';
import { measuresCsv } from '../domain/measuresCsv.js';
import { decodeAttemptCursor, decodeCallbackCursor, encodeCursor } from '../domain/drilldownCursor.js';
import type { MeasureReport, ReportFigures } from '../domain/measureReport.js';

/** Who reads reports: managers of their clinics, admins of the region. */
export const REPORT_ROLES = ['manager', 'admin'] as const;
/** Longest report range: three years of days. */
export const MAX_REPORT_DAYS = 3 * 366;

export interface ReportQuery extends ReportRange {
  /** Omitted: every clinic the caller may see (the region, for region-wide staff). */
  clinicIds?: string[];
}


/** Every figure that can be listed: the measures' records, and the booking attempts behind the turned-away figures. */
export type ReportFigure = DrilldownFigure | TurnedAwayFigure;


export interface DrilldownQuery extends ReportQuery {
  figure: ReportFigure;
  /** turnedAway figures: only phone calls or only web refusals. */
  channel?: AttemptChannel;
  profession?: string;
  mode?: string;
  exclusionReason?: ExclusionReason;
  /** timeDeviation figures: only deviations in [from, to) minutes, e.g. one histogram bin. */
  deviationFromMinutes?: number;
  deviationToMinutes?: number;
  cursor?: string;
  limit: number;
}

export interface DrilldownRecord {
  /** Null for a booking attempt that made no callback. */
  callbackId: string | null;
  /** turnedAway figures: the attempt, 'phone:<call id>' or 'web:<refusal id>'. */
  attemptId?: string;
  clinicId: string;
  date: string;
  verdict: 'counts' | 'fails' | 'excluded' | 'outside' | 'pending';
  classification: string;
  reason: string;
  details: Record<string, string | number | null>;
}

export interface ReportService {
  basis: GuaranteeStartBasis;
  measures(staff: StaffMember, q: ReportQuery): Promise<MeasureReport>;
  drilldown(staff: StaffMember, q: DrilldownQuery): Promise<{ figure: ReportFigure; records: DrilldownRecord[]; nextCursor: string | null }>;
  measuresCsv(staff: StaffMember, q: ReportQuery): Promise<string>;
}

const SAME_DAY_PENDING_REASON = 'Pending: requested today and not yet reached, but its promised time has not yet passed; not counted until then.';

/** The measures with the turned-away figures beside them; bookings are the callbacks requested (every channel). */
function withTurnedAway(f: Figures, counts: TurnedAwayCounts): ReportFigures {
  return { ...f, turnedAway: turnedAwayFigures({ ...counts, requests: f.contactSameDay.requests }, f.contactSameDay) };
}

export function createReportService(deps: { db: Database; clock: Clock; basis: GuaranteeStartBasis }): ReportService {
  const { db, clock, basis } = deps;
  const today = () => regionDate(clock.now());

  /** The clinics a query covers, checked against what the caller may see. */
  async function scopeOf(staff: StaffMember, q: ReportQuery): Promise<ClinicSummary[]> {
    authorize(staff, REPORT_ROLES);
    if (q.from > q.to) throw new ValidationFailed([{ field: 'query.to', message: 'must not be before from' }]);
    if (daysBetween(q.from, q.to) >= MAX_REPORT_DAYS) {
      throw new ValidationFailed([{ field: 'query.to', message: `the range may cover at most ${MAX_REPORT_DAYS} days` }]);
    }
    if (periodCount(q) > MAX_PERIODS) {
      throw new ValidationFailed([
        { field: 'query.groupBy', message: `the range has ${periodCount(q)} periods; at most ${MAX_PERIODS} (group by week or month)` },
      ]);
    }
    const all = await listClinics(db);
    const exists = (id: string) => all.some((c) => c.id === id);
    // Unasked, the scope is the caller's clinics that exist (a sign-in token's claim may name others).
    const ids = q.clinicIds ?? staff.clinicIds.filter(exists);
    for (const id of ids) {
      // Authorised first: a clinic that does not exist and one you may not see answer the same 403.
      authorize(staff, REPORT_ROLES, id);
      if (!exists(id)) throw new ClinicNotFound(id);
    }
    return all.filter((c) => ids.includes(c.id));
  }

  async function measures(staff: StaffMember, q: ReportQuery): Promise<MeasureReport> {
    const clinics = await scopeOf(staff, q);
    await refreshMeasures(db);
    const now = today();
    const clinicIds = clinics.map((c) => c.id);
    const sums = await sumDailyRollups(db, { clinicIds, from: q.from, to: q.to, pendingFrom: pendingFrom(now) });
    const waiting = await countPendingCallbacks(db, { clinicIds, from: q.from, to: q.to, today: now, now: clock.now().toISO()!, classes: PENDING_SAME_DAY });
    const turned = await sumTurnedAwayByDay(db, { clinicIds, from: q.from, to: q.to });
    const total = emptyRollup();
    let totalPending = 0;
    let totalWaiting = 0;
    const periods = periodsOf(q).map((p) => {
      const rollup = emptyRollup();
      let pending = 0;
      for (const [date, sum] of sums.byDate) {
        if (date < p.from || date > p.to) continue;
        addRollup(rollup, sum.rollup);
        pending += sum.pending;
      }
      let pendingCallbacks = 0;
      for (const [date, n] of waiting.byDate) if (date >= p.from && date <= p.to) pendingCallbacks += n;
      addRollup(total, rollup);
      totalPending += pending;
      totalWaiting += pendingCallbacks;
      const turnedAway = sumTurnedAway(turned, (_, date) => date >= p.from && date <= p.to);
      return { period: p.label, from: p.from, to: p.to, ...withTurnedAway(figures(rollup, pending, pendingCallbacks), turnedAway) };
    });
    return {
      scope: { clinicIds: clinics.map((c) => c.id), from: q.from, to: q.to, groupBy: q.groupBy, today: now, guaranteeStart: basis },
      total: withTurnedAway(figures(total, totalPending, totalWaiting), sumTurnedAway(turned, () => true)),
      periods,
      clinics: clinics.map((c) => {
        const sum = sums.byClinic.get(c.id);
        const own = figures(sum?.rollup ?? emptyRollup(), sum?.pending ?? 0, waiting.byClinic.get(c.id) ?? 0);
        return { clinicId: c.id, name: c.name, ...withTurnedAway(own, sumTurnedAway(turned, (clinicId) => clinicId === c.id)) };
      }),
    };
  }

  /** The booking attempts behind a turned-away figure: when, which channel, how it ended; never who called. */
  /** Every drill-down is audited with the callbacks it showed (an attempt that booked nothing shows none). */
  async function auditDrilldown(staff: StaffMember, clinics: ClinicSummary[], records: { callbackId: string | null }[]) {
    await recordAudit(db, {
      at: clock.now(),
      staffId: staff.id,
      action: 'report.drilldown',
      clinicId: clinics.length === 1 ? clinics[0]!.id : null,
      callbackIds: records.flatMap((r) => (r.callbackId ? [r.callbackId] : [])),
    });
  }

  async function attemptDrilldown(staff: StaffMember, q: DrilldownQuery, figure: TurnedAwayFigure, clinics: ClinicSummary[]) {
    const filter = TURNED_AWAY_FIGURES[figure];
    const after = q.cursor ? decodeAttemptCursor(q.cursor) : null;
    const facts = await listAttemptFacts(
      db,
      { clinicIds: clinics.map((c) => c.id), from: q.from, to: q.to, after: after ? { date: after[0], key: after[1] } : null, limit: q.limit },
      {
        phone: q.channel === 'web' ? [] : filter.phone,
        web: q.channel === 'phone' ? [] : filter.web,
        ...('answeredSameDay' in filter ? { answeredSameDay: true } : {}),
      },
    );
    const zones = new Map(clinics.map((c) => [c.id, { timezone: c.timezone }]));
    const records: DrilldownRecord[] = facts.map((f) => ({
      callbackId: f.callbackId,
      attemptId: f.key,
      clinicId: f.clinicId,
      date: f.date,
      ...attemptVerdict(f.outcome as CallOutcome),
      details: {
        at: showInstant(zones.get(f.clinicId)!, DateTime.fromJSDate(f.at)),
        channel: f.channel,
        callerHidden: f.callerHidden === null ? null : f.callerHidden ? 'yes' : 'no',
      },
    }));
    await auditDrilldown(staff, clinics, records);
    const last = facts[facts.length - 1];
    return { figure, records, nextCursor: facts.length === q.limit && last ? encodeCursor(last.date, last.key) : null };
  }

  return {
    basis,
    measures,

    async drilldown(staff, q) {
      const clinics = await scopeOf(staff, q);
      await refreshMeasures(db);
      if (isTurnedAwayFigure(q.figure)) return attemptDrilldown(staff, q, q.figure, clinics);
      if (q.channel) throw new ValidationFailed([{ field: 'query.channel', message: 'narrows only the turnedAway figures' }]);
      const filter = DRILLDOWN_FIGURES[q.figure];
      const page: Page = { clinicIds: clinics.map((c) => c.id), from: q.from, to: q.to, after: q.cursor ? decodeCallbackCursor(q.cursor) : null, limit: q.limit };
      const now = today();
      // Instants as the API promises them: with the clinic's own offset, never as UTC 'Z'.
      const zones = new Map(clinics.map((c) => [c.id, { timezone: c.timezone }]));
      const shown = (clinicId: string, at: Date) => showInstant(zones.get(clinicId)!, DateTime.fromJSDate(at));
      let records: DrilldownRecord[];
      if (filter.kind === 'callback') {
        const facts = await listCallbackFacts(db, page, {
          ...('sameDay' in filter ? { sameDay: filter.sameDay } : {}),
          ...('punctuality' in filter ? { punctuality: filter.punctuality } : {}),
          ...(q.deviationFromMinutes !== undefined ? { deviationFrom: q.deviationFromMinutes } : {}),
          ...(q.deviationToMinutes !== undefined ? { deviationTo: q.deviationToMinutes } : {}),
        });
        const deviation = q.figure.startsWith('timeDeviation.');
        records = facts.map((f) => {
          const details = {
            requestedAt: shown(f.clinicId, f.requestedAt),
            promisedSlotStart: shown(f.clinicId, f.slotStart),
            promisedSlotEnd: shown(f.clinicId, f.slotEnd),
            deviationMinutes: f.deviationMinutes,
          };
          if (deviation) {
            const p = f.punctuality as Punctuality;
            return { callbackId: f.callbackId, clinicId: f.clinicId, date: f.requestDate, verdict: p === 'on_time' ? 'counts' : 'fails', classification: p, reason: PUNCTUALITY_REASONS[p], details };
          }
          const c = f.sameDay as SameDayClass;
          const pending = isPendingSameDay(
            { sameDay: c, requestDate: f.requestDate, slotEnd: f.slotEnd.getTime(), cancelled: f.cancelledAt !== null },
            now,
            clock.now().toMillis(),
          );
          if (pending) return { callbackId: f.callbackId, clinicId: f.clinicId, date: f.requestDate, verdict: 'pending', classification: c, reason: SAME_DAY_PENDING_REASON, details };
          return { callbackId: f.callbackId, clinicId: f.clinicId, date: f.requestDate, verdict: sameDayVerdict(c), classification: c, reason: SAME_DAY_REASONS[c], details };
        });
      } else {
        const facts = await listCaseFacts(db, page, {
          results: filter.results,
          ...('open' in filter ? { open: filter.open } : {}),
          pendingFrom: pendingFrom(now),
          ...(q.exclusionReason ? { exclusionReason: q.exclusionReason } : {}),
          ...(q.profession ? { profession: q.profession } : {}),
          ...(q.mode ? { mode: q.mode } : {}),
        });
        records = facts.map((f) => {
          const last = deadline(f.startDate);
          const details = {
            deadline: last,
            assessedAt: f.assessedAt ? shown(f.clinicId, f.assessedAt) : null,
            daysToAssessment: f.daysToAssessment,
            profession: f.profession,
            mode: f.mode,
            exclusionReason: f.exclusionReason,
          };
          const base = { callbackId: f.callbackId, clinicId: f.clinicId, date: f.startDate, details };
          if (f.result === 'within') return { ...base, verdict: 'counts', classification: 'within', reason: CASE_REASONS.within(f.daysToAssessment!) };
          if (f.result === 'late') return { ...base, verdict: 'fails', classification: 'late', reason: CASE_REASONS.late(f.daysToAssessment!) };
          if (f.result === 'excluded') {
            return { ...base, verdict: 'excluded', classification: 'excluded', reason: CASE_REASONS.excluded[f.exclusionReason as ExclusionReason] };
          }
          return openCaseState(f.startDate, now) === 'pending'
            ? { ...base, verdict: 'pending', classification: 'pending', reason: CASE_REASONS.pending(last) }
            : { ...base, verdict: 'fails', classification: 'overdue', reason: CASE_REASONS.overdue(last) };
        });
      }
      const last = records[records.length - 1];
      await auditDrilldown(staff, clinics, records);
      return { figure: q.figure, records, nextCursor: records.length === q.limit && last?.callbackId ? encodeCursor(last.date, last.callbackId) : null };
    },

    async measuresCsv(staff, q) {
      return measuresCsv(await measures(staff, q));
    },
  };
}
