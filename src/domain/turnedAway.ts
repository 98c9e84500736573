// Turned-away callers, "the hidden queue" (rule 13): refused booking attempts per clinic and day by reason,
// beside calls received and bookings made, and the flag for a clinic whose same-day share looks good only
// because the callers it could not take appear in no denominator.
import { AlreadyBooked, BookingClosed, NoFreeSlot, TooManyBookings } from '../errors.js';
import { REFERENCE_LINES } from './guaranteeCase.js';
import { share } from './measures.js';
import { SUPPRESSION_THRESHOLD } from './nationalReport.js';

/** Why an attempt to book was refused, as incoming_calls.outcome and web_booking_refusals.reason store it. */
export const TURNED_AWAY_REASONS = ['booking_closed', 'no_time_today', 'no_free_time', 'duplicate'] as const;
export type TurnedAwayReason = (typeof TURNED_AWAY_REASONS)[number];

/** How a call to a booking number ended ('answered' after the call: the caller hung up without booking). */
export const CALL_OUTCOMES = ['answered', 'booked', ...TURNED_AWAY_REASONS, 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** The report's names of the reasons (camelCase, like every other report field). */
export const REASON_FIELDS = {
  booking_closed: 'bookingClosed',
  no_time_today: 'noTimeToday',
  no_free_time: 'noFreeTime',
  duplicate: 'duplicate',
} as const satisfies Record<TurnedAwayReason, string>;
export type ReasonField = (typeof REASON_FIELDS)[TurnedAwayReason];

/**
 * Refusals that would have been callbacks had there been a time: they belong in the same-day denominator.
 * Closed booking is left out because it is mostly evenings and weekends, outside the measure anyway, and a
 * duplicate caller's existing callback is already counted.
 */
export const WANTED_A_TIME: readonly TurnedAwayReason[] = ['no_time_today', 'no_free_time'];

/**
 * The hidden-queue flag: a same-day share at or above the "poor" line (the dashboard's 85 %) while at least
 * one attempt in ten was refused. Below 20 attempts (booked + turned away) a share moves by 5 points per
 * caller, and 20 is also the threshold under which published cells are suppressed (rule 10), so a flag
 * there would be noise.
 */
export const HIDDEN_QUEUE_MIN_TURNED_AWAY_SHARE = 0.1;
export const HIDDEN_QUEUE_MIN_ATTEMPTS = SUPPRESSION_THRESHOLD;
export const HIDDEN_QUEUE_SAME_DAY_TARGET = REFERENCE_LINES.poorBelow;

/** Counts for one clinic and day (or a sum of them): what the SQL aggregates return. */
export interface TurnedAwayCounts {
  /** Calls to the clinic's booking numbers. */
  callsReceived: number;
  /** Calls that booked a callback. */
  callsBooked: number;
  /** Calls still 'answered' after the call: hung up without booking. */
  callsLeftWithoutBooking: number;
  callsFailed: number;
  /** Calls that booked a callback classified 'reached' (contact the same day) on the call's date. */
  callsAnsweredSameDay: number;
  /** Every callback requested that day, any channel (contactSameDay.requests). */
  requests: number;
  phone: Record<TurnedAwayReason, number>;
  web: Record<TurnedAwayReason, number>;
}

const zeroReasons = (): Record<TurnedAwayReason, number> => ({ booking_closed: 0, no_time_today: 0, no_free_time: 0, duplicate: 0 });

export function emptyTurnedAway(): TurnedAwayCounts {
  return { callsReceived: 0, callsBooked: 0, callsLeftWithoutBooking: 0, callsFailed: 0, callsAnsweredSameDay: 0, requests: 0, phone: zeroReasons(), web: zeroReasons() };
}

export function addTurnedAway(into: TurnedAwayCounts, other: TurnedAwayCounts): void {
  into.callsReceived += other.callsReceived;
  into.callsBooked += other.callsBooked;
  into.callsLeftWithoutBooking += other.callsLeftWithoutBooking;
  into.callsFailed += other.callsFailed;
  into.callsAnsweredSameDay += other.callsAnsweredSameDay;
  into.requests += other.requests;
  for (const r of TURNED_AWAY_REASONS) {
    into.phone[r] += other.phone[r];
    into.web[r] += other.web[r];
  }
}

export type ReasonCounts = { total: number } & Record<ReasonField, number>;

export interface TurnedAwayFigures {
  callsReceived: number;
  /** Bookings: by a call to a booking number (phone), otherwise (web: the patient pages and the API). */
  booked: { total: number; phone: number; web: number };
  /** Refused attempts, phone and web together, by reason. */
  total: number;
  bookingClosed: number;
  noTimeToday: number;
  noFreeTime: number;
  duplicate: number;
  byChannel: { phone: ReasonCounts; web: ReasonCounts };
  leftWithoutBooking: number;
  callsFailed: number;
  callsAnsweredSameDay: number;
  /** total / (booked.total + total); null without attempts. */
  share: number | null;
  /** Contact the same day with the callers refused for want of a time added to its denominator: A / (B + those). */
  contactSameDayShareWithTurnedAway: number | null;
  /** The hidden queue: the same-day share looks good while many callers are turned away. */
  hiddenQueue: boolean;
}

function reasonCounts(counts: Record<TurnedAwayReason, number>): ReasonCounts {
  const out = { total: 0 } as ReasonCounts;
  for (const r of TURNED_AWAY_REASONS) {
    out[REASON_FIELDS[r]] = counts[r];
    out.total += counts[r];
  }
  return out;
}

/** The figures of summed counts, read beside the same scope's contact-same-day A and B. */
export function turnedAwayFigures(c: TurnedAwayCounts, sameDay: { numerator: number; denominator: number; share: number | null }): TurnedAwayFigures {
  const phone = reasonCounts(c.phone);
  const web = reasonCounts(c.web);
  const both = (r: TurnedAwayReason) => c.phone[r] + c.web[r];
  const total = phone.total + web.total;
  // Phone bookings are callbacks too: the rest of the day's callbacks were booked some other way.
  const booked = { total: c.requests, phone: c.callsBooked, web: Math.max(0, c.requests - c.callsBooked) };
  const turnedAwayShare = share(total, booked.total + total);
  const wanted = WANTED_A_TIME.reduce((n, r) => n + both(r), 0);
  return {
    callsReceived: c.callsReceived,
    booked,
    total,
    bookingClosed: both('booking_closed'),
    noTimeToday: both('no_time_today'),
    noFreeTime: both('no_free_time'),
    duplicate: both('duplicate'),
    byChannel: { phone, web },
    leftWithoutBooking: c.callsLeftWithoutBooking,
    callsFailed: c.callsFailed,
    callsAnsweredSameDay: c.callsAnsweredSameDay,
    share: turnedAwayShare,
    contactSameDayShareWithTurnedAway: share(sameDay.numerator, sameDay.denominator + wanted),
    hiddenQueue: isHiddenQueue({ sameDayShare: sameDay.share, turnedAway: total, attempts: booked.total + total }),
  };
}

/** Rule 13: a clinic meeting the same-day target while it turns away at least one attempt in ten. */
export function isHiddenQueue(f: { sameDayShare: number | null; turnedAway: number; attempts: number }): boolean {
  if (f.sameDayShare === null || f.attempts < HIDDEN_QUEUE_MIN_ATTEMPTS) return false;
  return f.sameDayShare >= HIDDEN_QUEUE_SAME_DAY_TARGET && f.turnedAway / f.attempts >= HIDDEN_QUEUE_MIN_TURNED_AWAY_SHARE;
}

/**
 * Why a web booking's refusal turns the patient away, or null when it does not (bad input, a chosen time
 * taken meanwhile: the patient can pick another at once). A full horizon counts only when no time was chosen:
 * with a chosen time the patient is refused that time, not every time.
 */
export function webRefusalReason(error: unknown, slotChosen: boolean): TurnedAwayReason | null {
  if (error instanceof BookingClosed) return 'booking_closed';
  if (error instanceof NoFreeSlot && !slotChosen) return 'no_free_time';
  if (error instanceof AlreadyBooked || error instanceof TooManyBookings) return 'duplicate';
  return null;
}

/**
 * The turned-away figures' drill-downs: which call outcomes and which web refusal reasons each lists.
 * `answeredSameDay` narrows booked calls to those whose callback reached the patient on the call's date.
 */
export interface AttemptFilter {
  phone: readonly CallOutcome[];
  web: readonly TurnedAwayReason[];
  answeredSameDay?: true;
}

export const TURNED_AWAY_FIGURES = {
  'turnedAway.callsReceived': { phone: CALL_OUTCOMES, web: [] },
  'turnedAway.callsBooked': { phone: ['booked'], web: [] },
  'turnedAway.callsAnsweredSameDay': { phone: ['booked'], web: [], answeredSameDay: true },
  'turnedAway.leftWithoutBooking': { phone: ['answered'], web: [] },
  'turnedAway.callsFailed': { phone: ['failed'], web: [] },
  'turnedAway.total': { phone: TURNED_AWAY_REASONS, web: TURNED_AWAY_REASONS },
  'turnedAway.bookingClosed': { phone: ['booking_closed'], web: ['booking_closed'] },
  'turnedAway.noTimeToday': { phone: ['no_time_today'], web: ['no_time_today'] },
  'turnedAway.noFreeTime': { phone: ['no_free_time'], web: ['no_free_time'] },
  'turnedAway.duplicate': { phone: ['duplicate'], web: ['duplicate'] },
} as const satisfies Record<string, AttemptFilter>;

export type TurnedAwayFigure = keyof typeof TURNED_AWAY_FIGURES;
export const TURNED_AWAY_FIGURE_NAMES = Object.keys(TURNED_AWAY_FIGURES) as [TurnedAwayFigure, ...TurnedAwayFigure[]];
export const isTurnedAwayFigure = (figure: string): figure is TurnedAwayFigure => Object.hasOwn(TURNED_AWAY_FIGURES, figure);

export const ATTEMPT_CHANNELS = ['phone', 'web'] as const;
export type AttemptChannel = (typeof ATTEMPT_CHANNELS)[number];

/** An attempt's verdict, classification and reason in the drill-down: refusals and failures fail, bookings count. */
export function attemptVerdict(outcome: CallOutcome): { verdict: 'counts' | 'fails' | 'outside'; classification: string; reason: string } {
  switch (outcome) {
    case 'booked':
      return { verdict: 'counts', classification: 'booked', reason: 'Booked a callback during the call.' };
    case 'answered':
      return { verdict: 'outside', classification: 'left_without_booking', reason: 'The caller hung up without booking.' };
    case 'failed':
      return { verdict: 'fails', classification: 'failed', reason: 'The call failed before the caller could book; they heard the fallback number.' };
    default:
      return { verdict: 'fails', classification: outcome, reason: TURNED_AWAY_REASON_TEXTS[outcome] };
  }
}

const TURNED_AWAY_REASON_TEXTS: Record<TurnedAwayReason, string> = {
  booking_closed: 'Turned away: booking was closed; told when it opens.',
  no_time_today: 'Turned away: no time was left today and the caller did not take the later day offered.',
  no_free_time: 'Turned away: no time was free up to the booking horizon.',
  duplicate: 'Turned away: the caller already had a booked callback (rule 11).',
};

/** Sums the turned-away counts of the clinic-days that pass `keep`. */
export function sumTurnedAway(byDay: Map<string, TurnedAwayCounts>, keep: (clinicId: string, date: string) => boolean): TurnedAwayCounts {
  const sum = emptyTurnedAway();
  for (const [key, counts] of byDay) {
    const [clinicId = '', date = ''] = key.split('|');
    if (keep(clinicId, date)) addTurnedAway(sum, counts);
  }
  return sum;
}
