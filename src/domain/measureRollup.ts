// The daily rollup (one per clinic and local date) that the reports sum, and the figures a summed
// rollup yields. Layout is fixed here; src/db/measureRollup.ts stores it as integer arrays.
import { rating, REFERENCE_LINES, type CaseResult, type ExclusionReason } from './guaranteeCase.js';
import {
  ABS_DEVIATION_BUCKETS,
  absDeviationBucket,
  DEVIATION_BINS,
  deviationBin,
  percentileFromHistogram,
  SAME_DAY_DENOMINATOR,
  share,
  type Punctuality,
  type SameDayClass,
  type TimeDeviation,
} from './measures.js';
import { CONTACT_MODES, PROFESSIONS, type ContactMode, type Profession } from './profession.js';

/** Positions in `counts`. Append only: stored rows keep their meaning. */
export const COUNTS = [
  'requests',
  'reached',
  'no_same_day_slot',
  'attempted_unanswered',
  'not_called_same_day',
  'after_cutoff',
  'closed_day',
  'cancelled_before_slot',
  'chose_later_day',
  'with_attempt',
  'on_time',
  'early',
  'late',
  'cases',
  'open',
  'excluded_patient_chose_later',
  'excluded_medically_motivated_wait',
  'excluded_not_covered',
  'missed',
] as const;
export type CountName = (typeof COUNTS)[number];
const at = (name: CountName) => COUNTS.indexOf(name);
export const OPEN_CASES_INDEX = at('open');

/** Index into the profession × mode matrices. */
export const MATRIX_SIZE = PROFESSIONS.length * CONTACT_MODES.length;
export function matrixIndex(profession: Profession, mode: ContactMode): number {
  return PROFESSIONS.indexOf(profession) * CONTACT_MODES.length + CONTACT_MODES.indexOf(mode);
}

export interface Rollup {
  counts: number[];
  absDeviationHistogram: number[];
  deviationBins: number[];
  assessedWithin: number[];
  assessedLate: number[];
}

export const ROLLUP_ARRAY_LENGTHS: Record<keyof Rollup, number> = {
  counts: COUNTS.length,
  absDeviationHistogram: ABS_DEVIATION_BUCKETS,
  deviationBins: DEVIATION_BINS.length,
  assessedWithin: MATRIX_SIZE,
  assessedLate: MATRIX_SIZE,
};

export function emptyRollup(): Rollup {
  return {
    counts: new Array(COUNTS.length).fill(0),
    absDeviationHistogram: new Array(ABS_DEVIATION_BUCKETS).fill(0),
    deviationBins: new Array(DEVIATION_BINS.length).fill(0),
    assessedWithin: new Array(MATRIX_SIZE).fill(0),
    assessedLate: new Array(MATRIX_SIZE).fill(0),
  };
}

export function addCallback(r: Rollup, sameDay: SameDayClass, deviation: TimeDeviation | null): void {
  r.counts[at('requests')]!++;
  r.counts[at(sameDay)]!++;
  if (!deviation) return;
  r.counts[at('with_attempt')]!++;
  r.counts[at(deviation.punctuality)]!++;
  r.absDeviationHistogram[absDeviationBucket(deviation.minutes)]!++;
  r.deviationBins[deviationBin(deviation.minutes)]!++;
}

export interface ClassifiedCase {
  result: CaseResult;
  profession: Profession | null;
  mode: ContactMode | null;
  exclusionReason: ExclusionReason | null;
}

export function addCase(r: Rollup, c: ClassifiedCase): void {
  r.counts[at('cases')]!++;
  if (c.result === 'open') r.counts[at('open')]!++;
  if (c.result === 'excluded') r.counts[at(`excluded_${c.exclusionReason!}`)]!++;
  if (c.result === 'within') r.assessedWithin[matrixIndex(c.profession!, c.mode!)]!++;
  if (c.result === 'late') r.assessedLate[matrixIndex(c.profession!, c.mode!)]!++;
}

export function addRollup(into: Rollup, other: Rollup): void {
  for (const key of Object.keys(ROLLUP_ARRAY_LENGTHS) as (keyof Rollup)[]) {
    other[key].forEach((n, i) => (into[key][i]! += n));
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export interface ContactSameDayFigures {
  numerator: number;
  denominator: number;
  share: number | null;
  requests: number;
  afterCutoff: number;
  closedDay: number;
  noSameDaySlot: number;
  attemptedUnanswered: number;
  notCalledSameDay: number;
  /** Rule 12: in B and failed, not called at all on its day and marked missed when the day ended. */
  missed: number;
  cancelledBeforeSlot: number;
  patientChoseLaterDay: number;
  /**
   * Today's requests not yet reached whose promised slot has not ended (isPendingSameDay): counted in their
   * class above but left out of the denominator, so a callback not yet due is not a failure.
   */
  pending: number;
}

/** The failure classes a callback of today can still leave by being reached before the day ends. */
export const PENDING_SAME_DAY: readonly SameDayClass[] = ['not_called_same_day', 'attempted_unanswered'];

/**
 * Whether a callback is pending in "contact the same day" rather than failing: requested today (the local
 * date `today`), not reached yet, not cancelled, and its promised slot has not yet ended.
 */
export function isPendingSameDay(c: { sameDay: SameDayClass; requestDate: string; slotEnd: number; cancelled: boolean }, today: string, now: number): boolean {
  return PENDING_SAME_DAY.includes(c.sameDay) && c.requestDate >= today && !c.cancelled && c.slotEnd > now;
}

export function contactSameDayFigures(r: Rollup, pending = 0): ContactSameDayFigures {
  const c = (name: CountName) => r.counts[at(name)]!;
  const denominator = sum(SAME_DAY_DENOMINATOR.map((name) => c(name))) - pending;
  return {
    numerator: c('reached'),
    denominator,
    share: share(c('reached'), denominator),
    requests: c('requests'),
    afterCutoff: c('after_cutoff'),
    closedDay: c('closed_day'),
    noSameDaySlot: c('no_same_day_slot'),
    attemptedUnanswered: c('attempted_unanswered'),
    notCalledSameDay: c('not_called_same_day'),
    missed: c('missed'),
    cancelledBeforeSlot: c('cancelled_before_slot'),
    patientChoseLaterDay: c('chose_later_day'),
    pending,
  };
}

export interface TimeDeviationFigures {
  callbacksWithAttempt: number;
  onTime: number;
  early: number;
  late: number;
  shareOnTime: number | null;
  shareEarly: number | null;
  shareLate: number | null;
  medianAbsMinutes: number | null;
  p90AbsMinutes: number | null;
  histogram: { fromMinutes: number | null; toMinutes: number | null; count: number }[];
}

export function timeDeviationFigures(r: Rollup): TimeDeviationFigures {
  const c = (name: CountName) => r.counts[at(name)]!;
  const n = c('with_attempt');
  const of = (p: Punctuality) => share(c(p), n);
  return {
    callbacksWithAttempt: n,
    onTime: c('on_time'),
    early: c('early'),
    late: c('late'),
    shareOnTime: of('on_time'),
    shareEarly: of('early'),
    shareLate: of('late'),
    medianAbsMinutes: percentileFromHistogram(r.absDeviationHistogram, 0.5),
    p90AbsMinutes: percentileFromHistogram(r.absDeviationHistogram, 0.9),
    histogram: DEVIATION_BINS.map((bin, i) => ({ fromMinutes: bin.from, toMinutes: bin.to, count: r.deviationBins[i]! })),
  };
}

export interface AssessmentBreakdown {
  within: number;
  late: number;
  share: number | null;
}

export interface MedicalAssessmentFigures {
  numerator: number;
  denominator: number;
  share: number | null;
  rating: ReturnType<typeof rating>;
  referenceLines: typeof REFERENCE_LINES;
  cases: number;
  assessedLate: number;
  overdue: number;
  pending: number;
  exclusions: Record<ExclusionReason, number>;
  byProfession: ({ profession: Profession } & AssessmentBreakdown)[];
  byMode: ({ mode: ContactMode } & AssessmentBreakdown)[];
}

/**
 * C / D. D = cases minus exclusions minus those still pending (their deadline has not passed), so a
 * case only counts once it can no longer change from failure to success or back.
 * `pending` is how many of the rollup's open cases are still before their deadline today.
 */
export function medicalAssessmentFigures(r: Rollup, pending: number): MedicalAssessmentFigures {
  const c = (name: CountName) => r.counts[at(name)]!;
  const within = sum(r.assessedWithin);
  const late = sum(r.assessedLate);
  const overdue = c('open') - pending;
  const denominator = within + late + overdue;
  const breakdown = (indices: number[]): AssessmentBreakdown => {
    const w = sum(indices.map((i) => r.assessedWithin[i]!));
    const l = sum(indices.map((i) => r.assessedLate[i]!));
    return { within: w, late: l, share: share(w, w + l) };
  };
  const s = share(within, denominator);
  return {
    numerator: within,
    denominator,
    share: s,
    rating: rating(s),
    referenceLines: REFERENCE_LINES,
    cases: c('cases'),
    assessedLate: late,
    overdue,
    pending,
    exclusions: {
      patient_chose_later: c('excluded_patient_chose_later'),
      medically_motivated_wait: c('excluded_medically_motivated_wait'),
      not_covered: c('excluded_not_covered'),
    },
    byProfession: PROFESSIONS.map((profession) => ({
      profession,
      ...breakdown(CONTACT_MODES.map((mode) => matrixIndex(profession, mode))),
    })).filter((b) => b.within + b.late > 0),
    byMode: CONTACT_MODES.map((mode) => ({ mode, ...breakdown(PROFESSIONS.map((p) => matrixIndex(p, mode))) })),
  };
}

export interface Figures {
  contactSameDay: ContactSameDayFigures;
  timeDeviation: TimeDeviationFigures;
  medicalAssessment: MedicalAssessmentFigures;
}

/** `pendingCallbacks`: of the rollup's same-day failures, those still pending today (isPendingSameDay). */
export function figures(r: Rollup, pendingCases: number, pendingCallbacks = 0): Figures {
  return {
    contactSameDay: contactSameDayFigures(r, pendingCallbacks),
    timeDeviation: timeDeviationFigures(r),
    medicalAssessment: medicalAssessmentFigures(r, pendingCases),
  };
}
