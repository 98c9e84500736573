// The tracker's per-callback measures (rules 5, 6): contact the same day (kontakt samma dag) and time
// deviation (tidsavvikelse). Pure: a callback and its attempts in, its classification out. Instants are
// epoch milliseconds here, not luxon DateTimes: these rules run over millions of callbacks.
import { reachedAt, type AttemptReach } from './callAttempt.js';
import { clinicDayStatus } from './calendar.js';
import type { ClinicRules } from './clinic.js';
import { localDateAt } from './schedule.js';

const MINUTE_MS = 60_000;

/**
 * Where a callback request lands in "contact the same day" = A / B.
 * The first four are in B (the denominator); only `reached` is in A. The rest are outside B, each shown
 * on its own.
 */
export const SAME_DAY_CLASSES = [
  'reached', // A: answered on the request's local date
  'no_same_day_slot', // in B, fails: every same-day slot was full when the patient asked
  'attempted_unanswered', // in B, fails: called that day but not reached that day
  'not_called_same_day', // in B, fails: not called at all that day (or still waiting, today)
  'after_cutoff', // requested at or after the clinic's cut-off (16:00)
  'closed_day', // requested on a weekend, holiday or clinic-closed date
  'cancelled_before_slot', // the patient cancelled before the promised slot began
  'chose_later_day', // the patient picked a later day although a same-day slot was free
  'missed', // in B, fails: not called at all on its day, and marked missed when the day ended (rule 12)
] as const;
export type SameDayClass = (typeof SAME_DAY_CLASSES)[number];

export const SAME_DAY_DENOMINATOR: readonly SameDayClass[] = ['reached', 'no_same_day_slot', 'attempted_unanswered', 'not_called_same_day', 'missed'];

export const SAME_DAY_REASONS: Record<SameDayClass, string> = {
  reached: 'Counts: requested before the cut-off on a working day and reached the same day.',
  no_same_day_slot: 'Fails: every same-day slot was full when the patient asked, so the callback was on a later day.',
  attempted_unanswered: 'Fails: called on the day of the request but not reached that day.',
  not_called_same_day: 'Fails: not called on the day of the request (or, today, not yet reached).',
  after_cutoff: 'Not in the measure: requested at or after the clinic’s same-day cut-off.',
  closed_day: 'Not in the measure: requested on a weekend, public holiday or a day the clinic was closed.',
  cancelled_before_slot: 'Excluded: the patient cancelled before the promised slot.',
  chose_later_day: 'Excluded: the patient chose a later day although a same-day slot was offered.',
  missed: 'Fails: missed: not called on its day. Marked missed when the clinic’s day ended and listed for follow-up (rule 12).',
};

/** Instants in epoch milliseconds. */
export type MeasuredAttempt = AttemptReach<number>;

export interface MeasuredCallback {
  requestedAt: number;
  slot: { start: number; end: number };
  /** Facts fixed when the patient booked (src/domain/booking.ts). */
  requestedBeforeCutoff: boolean;
  sameDaySlotFree: boolean;
  patientChoseLaterDay: boolean;
  cancelledAt: number | null;
  /** When rule 12 marked it missed (its day ended without a call); null otherwise. */
  missedAt: number | null;
  attempts: readonly MeasuredAttempt[];
}

export function contactSameDay(rules: ClinicRules, callback: MeasuredCallback): SameDayClass {
  const requestDate = localDateAt(rules.timezone, callback.requestedAt);
  if (!clinicDayStatus(requestDate, rules.dateExceptions).working) return 'closed_day';
  if (!callback.requestedBeforeCutoff) return 'after_cutoff';
  if (callback.cancelledAt !== null && callback.cancelledAt < callback.slot.start) return 'cancelled_before_slot';
  if (callback.patientChoseLaterDay) return 'chose_later_day';
  const sameDay = (at: number | null) => at !== null && localDateAt(rules.timezone, at) === requestDate;
  if (callback.attempts.some((a) => sameDay(reachedAt(a)))) return 'reached';
  if (!callback.sameDaySlotFree) return 'no_same_day_slot';
  if (callback.attempts.some((a) => sameDay(a.startedAt))) return 'attempted_unanswered';
  // Not called that day: missed once rule 12 has marked it so; before that (today) it may still be called.
  return callback.missedAt !== null ? 'missed' : 'not_called_same_day';
}

export const PUNCTUALITIES = ['on_time', 'early', 'late'] as const;
export type Punctuality = (typeof PUNCTUALITIES)[number];

export interface TimeDeviation {
  /** First attempt's start minus the promised slot start, in whole minutes truncated toward zero. */
  minutes: number;
  punctuality: Punctuality;
}

/**
 * Rule 6 for a callback with at least one attempt; null without one. On time = the first attempt starts
 * inside the promised slot widened by the clinic's tolerances: [start − early, end + late).
 */
export function timeDeviation(rules: ClinicRules, callback: MeasuredCallback): TimeDeviation | null {
  if (callback.attempts.length === 0) return null;
  const first = Math.min(...callback.attempts.map((a) => a.startedAt));
  // Tolerances are durations of real time, so instant arithmetic is right across DST switches.
  const minutes = Math.trunc((first - callback.slot.start) / MINUTE_MS) || 0;
  const earliest = callback.slot.start - rules.earlyToleranceMinutes * MINUTE_MS;
  const latest = callback.slot.end + rules.lateToleranceMinutes * MINUTE_MS;
  const punctuality: Punctuality = first < earliest ? 'early' : first >= latest ? 'late' : 'on_time';
  return { minutes, punctuality };
}

export const PUNCTUALITY_REASONS: Record<Punctuality, string> = {
  on_time: 'On time: the first call started inside the promised slot (with the clinic’s tolerances).',
  early: 'Early: the first call started before the promised slot.',
  late: 'Late: the first call started after the promised slot ended.',
};

/**
 * The absolute deviation is kept per whole minute up to 119, then in three bands; percentiles falling
 * in a band report its lower bound. Index = bucket.
 */
export const ABS_DEVIATION_BANDS = [120, 180, 240] as const;
export const ABS_DEVIATION_BUCKETS = 120 + ABS_DEVIATION_BANDS.length;

export function absDeviationBucket(minutes: number): number {
  const abs = Math.abs(minutes);
  if (abs < 120) return abs;
  let band = 0;
  ABS_DEVIATION_BANDS.forEach((lower, i) => {
    if (abs >= lower) band = i;
  });
  return 120 + band;
}

export function bucketLowerBound(bucket: number): number {
  return bucket < 120 ? bucket : ABS_DEVIATION_BANDS[bucket - 120]!;
}

/** Nearest-rank percentile (the smallest value with at least p of the calls at or below it); null when empty. */
export function percentileFromHistogram(histogram: readonly number[], p: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let bucket = 0; bucket < histogram.length; bucket++) {
    seen += histogram[bucket]!;
    if (seen >= rank) return bucketLowerBound(bucket);
  }
  return null;
}

/** The signed deviation histogram shown to managers: minutes from the promised slot start, [from, to). */
export const DEVIATION_BINS: readonly { from: number | null; to: number | null }[] = [
  { from: null, to: -60 },
  { from: -60, to: -30 },
  { from: -30, to: -15 },
  { from: -15, to: -5 },
  { from: -5, to: 0 },
  { from: 0, to: 15 },
  { from: 15, to: 30 },
  { from: 30, to: 60 },
  { from: 60, to: 120 },
  { from: 120, to: null },
];

export function deviationBin(minutes: number): number {
  return DEVIATION_BINS.findIndex((b) => (b.from === null || minutes >= b.from) && (b.to === null || minutes < b.to));
}

/** numerator / denominator, or null when there is nothing to divide. */
export function share(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
