// What happens after a call attempt (samtalsförsök): reached, tried again later, or given up (rules 3, 4).
import type { DateTime } from 'luxon';
import type { ClinicRules } from './clinic.js';
import { bookingWindowOn, localDate } from './schedule.js';

export const CALL_OUTCOMES = ['answered', 'no_answer', 'busy', 'voicemail', 'wrong_number'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export type AfterAttempt =
  | { kind: 'reached' }
  /** Back to the queue at `dueAt`. */
  | { kind: 'retry'; dueAt: DateTime }
  /** No more attempts; tell the patient we tried, unless the number was wrong. */
  | { kind: 'unreachable'; notifyPatient: boolean; reason: 'wrong_number' | 'max_attempts' | 'booking_window_closed' };

/**
 * Decides the callback's next state. `attemptCount` includes this attempt. A retry is only planned
 * while it still falls inside the clinic's booking window that day: a callback never rolls over to tomorrow.
 */
export function afterAttempt(rules: ClinicRules, attemptCount: number, outcome: CallOutcome, endedAt: DateTime): AfterAttempt {
  if (outcome === 'answered') return { kind: 'reached' };
  if (outcome === 'wrong_number') return { kind: 'unreachable', notifyPatient: false, reason: 'wrong_number' };
  if (attemptCount >= rules.maxAttempts) return { kind: 'unreachable', notifyPatient: true, reason: 'max_attempts' };
  const dueAt = endedAt.plus({ minutes: rules.retryDelayMinutes });
  const window = bookingWindowOn(rules, localDate(rules, endedAt));
  if (!window || dueAt >= window.closes) {
    return { kind: 'unreachable', notifyPatient: true, reason: 'booking_window_closed' };
  }
  return { kind: 'retry', dueAt };
}

/**
 * How far ahead of our clock a reported call time may lie: the telephone system's and the nurses' clocks
 * drift a little from ours, but a call cannot have happened minutes from now.
 */
export const CLOCK_SKEW_MINUTES = 2;

/**
 * Why a reported call time cannot be true, or null when it can: not later than now (plus the clock skew),
 * not before the patient booked the callback (nobody calls back a request not yet made).
 */
export function callTimeProblem(at: DateTime, bookedAt: DateTime, now: DateTime): string | null {
  if (at > now.plus({ minutes: CLOCK_SKEW_MINUTES })) return `must not be more than ${CLOCK_SKEW_MINUTES} minutes in the future`;
  if (at < bookedAt) return 'must not be before the callback was booked';
  return null;
}

/**
 * The parts of a call attempt that say whether and when it reached the patient. Instants are luxon
 * DateTimes in the services and epoch milliseconds in the measures, which run over millions of attempts.
 */
export interface AttemptReach<Instant> {
  startedAt: Instant;
  answeredAt: Instant | null;
  outcome: string | null;
}

/**
 * When this attempt reached the patient, or null when it did not: the moment they answered, even while
 * the call goes on, never when it ended (a call answered at 23:55 and ended at 00:10 reached the patient
 * the day before). A nurse logs an answered call without an answer time: it was answered as it started.
 * The one rule for "reached": a callback's reached_at, the same-day measure and an in-call assessment's
 * time all come from it.
 */
export function reachedAt<Instant>(attempt: AttemptReach<Instant>): Instant | null {
  if (attempt.answeredAt !== null) return attempt.answeredAt;
  return attempt.outcome === 'answered' ? attempt.startedAt : null;
}
