// Rule 11: one open callback per caller (a clinic setting, on by default), and a cap on a phone number's open
// callbacks across clinics, so one person, or one script, cannot take many places.
import type { DateTime } from 'luxon';
import { slotDayHasEnded } from './missedCallback.js';

/** Open callbacks one phone number may hold across all clinics unless configured otherwise. */
export const DEFAULT_MAX_OPEN_PER_PHONE = 3;

/** A caller's open callback, as the policy needs to see it. */
export interface OpenCallbackOfCaller {
  clinicId: string;
  /** The clinic's time zone: the callback's day is a local date there. */
  timezone: string;
  slot: { start: DateTime; end: DateTime };
}

/**
 * Only a callback still to come holds a place in the policy: one whose day has passed without a call is not
 * the caller's booking any more (rule 12 marks it missed, by the same test), and must not lock them out the next day.
 */
export function isStillToCome(c: OpenCallbackOfCaller, now: DateTime): boolean {
  return !slotDayHasEnded(c.timezone, c.slot.start, now);
}

export type CallerRefusal =
  | { kind: 'already_booked'; existing: OpenCallbackOfCaller }
  | { kind: 'too_many_bookings'; max: number };

/** Why this caller may not book another callback at this clinic now; null when they may. */
export function callerRefusal(
  clinic: { id: string; oneOpenCallbackPerCaller: boolean },
  openOfCaller: readonly OpenCallbackOfCaller[],
  maxOpenPerPhone: number,
  now: DateTime,
): CallerRefusal | null {
  const toCome = openOfCaller.filter((c) => isStillToCome(c, now));
  if (clinic.oneOpenCallbackPerCaller) {
    const existing = toCome.find((c) => c.clinicId === clinic.id);
    if (existing) return { kind: 'already_booked', existing };
  }
  if (toCome.length >= maxOpenPerPhone) return { kind: 'too_many_bookings', max: maxOpenPerPhone };
  return null;
}
