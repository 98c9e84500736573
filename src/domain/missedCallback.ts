// Rule 12: a callback not called on its day is not carried over. Once the clinic's local date of its promised
// slot has ended (local midnight, whatever the DST switch did to that day's length), an open callback is missed.
import type { DateTime } from 'luxon';
import { OPEN_STATUSES, type Callback } from './callback.js';
import { endOfLocalDate, localDate, startOfLocalDate } from './schedule.js';

/**
 * The first instant of the clinic's current local date. A promised slot starting before it belongs to a day
 * that has ended: this is the rule's one parameter in SQL (`slot_start < $startOfClinicDay`).
 */
export function startOfClinicDay(timezone: string, now: DateTime): DateTime {
  return startOfLocalDate({ timezone }, localDate({ timezone }, now));
}

/** When a callback promised at `slotStart` is missed if nobody has called it: the local midnight ending the slot's date. */
export function missedFrom(timezone: string, slotStart: DateTime): DateTime {
  return endOfLocalDate({ timezone }, localDate({ timezone }, slotStart));
}

/** Whether the local date of the promised slot has ended. Rule 11 uses the same test (src/domain/callerPolicy.ts). */
export function slotDayHasEnded(timezone: string, slotStart: DateTime, now: DateTime): boolean {
  return slotStart < startOfClinicDay(timezone, now);
}

/** A nurse holds it right now (the same reading of a claim as queueState in src/domain/callQueue.ts). */
export function hasLiveClaim(c: Pick<Callback, 'status' | 'claimExpiresAt'>, now: DateTime): boolean {
  return c.status === 'claimed' && c.claimExpiresAt !== null && c.claimExpiresAt > now;
}

/**
 * An open callback (booked, due, or claimed) whose slot's local date has ended is missed, except while a nurse
 * holds a live claim on it: she may be on the phone at 23:55 (a call reaching the patient before midnight counts
 * for that day), and the call must be able to end and be logged. Once that claim lapses unlogged, it is missed
 * too. src/db/callbacks.ts holds the same rule in SQL (MISSED_SQL); test/db/missedCallbacks.test.ts checks both agree.
 */
export function isMissed(c: Pick<Callback, 'status' | 'slot' | 'claimExpiresAt'>, timezone: string, now: DateTime): boolean {
  if (!OPEN_STATUSES.includes(c.status)) return false;
  return slotDayHasEnded(timezone, c.slot.start, now) && !hasLiveClaim(c, now);
}
