// Which slot a callback request gets (rules 1, 3, 5): pure, given the slots' current bookings.
import type { DateTime } from 'luxon';
import { BookingClosed, NoFreeSlot, SlotFull, SlotUnavailable } from '../errors.js';
import type { ClinicRules } from './clinic.js';
import { atLocalTime, endOfLocalDate, isBookingOpen, localDate, nextBookingOpening, showInstant } from './schedule.js';
import { bookableAt, bookingHorizon, slotsBetween, type Slot } from './slots.js';

export interface SlotWithBookings extends Slot {
  booked: number;
}

export function freePlaces(slot: SlotWithBookings): number {
  return Math.max(0, slot.capacity - slot.booked);
}

export interface BookingPlan {
  /** Slots to try, in order, until one place is reserved. */
  candidates: Slot[];
  /** The request came before the same-day cut-off (rule 5: it counts in "contact the same day"). */
  requestedBeforeCutoff: boolean;
  /** A same-day slot had a free place when the request came. */
  sameDaySlotFree: boolean;
  /** The patient named a later day although a same-day slot was free (patientvald senare dag). */
  patientChoseLaterDay: boolean;
}

/**
 * Rule 5's exclusion: the patient took a slot on a later local date than the request although a
 * same-day slot was free when they asked (patientvald senare dag).
 */
export function choseLaterDay(rules: ClinicRules, requestedAt: DateTime, slotStart: DateTime, sameDaySlotFree: boolean): boolean {
  return sameDaySlotFree && localDate(rules, slotStart) > localDate(rules, requestedAt);
}

/** Rule 5: a request before the clinic's cut-off (16:00 local) is owed a same-day slot and counts in the measure. */
export function isBeforeCutoff(rules: Pick<ClinicRules, 'timezone' | 'sameDayCutoff'>, at: DateTime): boolean {
  return at < cutoffOn(rules, localDate(rules, at));
}

/** The instant of the clinic's same-day cut-off on a local date. */
export function cutoffOn(rules: Pick<ClinicRules, 'timezone' | 'sameDayCutoff'>, isoDate: string): DateTime {
  return atLocalTime(rules, isoDate, rules.sameDayCutoff);
}

/** Refuses with the next opening instant when the clinic's booking window is closed (rule 1). */
export function assertBookingOpen(rules: ClinicRules, now: DateTime): void {
  if (isBookingOpen(rules, now)) return;
  const opensAt = nextBookingOpening(rules, now);
  throw new BookingClosed(opensAt ? showInstant(rules, opensAt) : null);
}

/** The local dates whose bookings a plan needs: today through the end of the booking horizon. */
export function planningRange(rules: ClinicRules, now: DateTime): { fromDate: string; toDate: string } {
  const { firstDate, lastDate } = bookingHorizon(rules, now);
  return { fromDate: firstDate, toDate: lastDate };
}

/**
 * Plans a booking. Without a named slot the patient gets the earliest free slot, which is
 * always the same day when one is free. A named slot must be one the clinic offers and bookable now.
 * `bookings` holds booked counts by slot start (epoch millis) for the planning range.
 */
export function planBooking(
  rules: ClinicRules,
  now: DateTime,
  bookings: ReadonlyMap<number, number>,
  requestedStart?: DateTime,
): BookingPlan {
  assertBookingOpen(rules, now);
  const { fromDate, toDate } = planningRange(rules, now);
  const bookable: SlotWithBookings[] = slotsBetween(rules, fromDate, toDate)
    .filter(bookableAt(rules, now))
    .map((slot) => ({ ...slot, booked: bookings.get(slot.start.toMillis()) ?? 0 }));
  const free = bookable.filter((slot) => freePlaces(slot) > 0);

  const today = localDate(rules, now);
  const tomorrow = endOfLocalDate(rules, today).toMillis();
  const requestedBeforeCutoff = isBeforeCutoff(rules, now);
  const sameDaySlotFree = free.some((slot) => slot.start.toMillis() < tomorrow);

  if (!requestedStart) {
    if (free.length === 0) throw new NoFreeSlot(toDate);
    return { candidates: free, requestedBeforeCutoff, sameDaySlotFree, patientChoseLaterDay: false };
  }

  const requested = bookable.find((slot) => slot.start.toMillis() === requestedStart.toMillis());
  const shown = showInstant(rules, requestedStart);
  if (!requested) throw new SlotUnavailable(shown, explainUnavailable(rules, now, requestedStart));
  if (freePlaces(requested) === 0) throw new SlotFull(shown);
  return {
    candidates: [requested],
    requestedBeforeCutoff,
    sameDaySlotFree,
    patientChoseLaterDay: choseLaterDay(rules, now, requested.start, sameDaySlotFree),
  };
}

function explainUnavailable(rules: ClinicRules, now: DateTime, start: DateTime): string {
  if (start < now.plus({ minutes: rules.minNoticeMinutes })) {
    return `it starts too soon; slots must start at least ${rules.minNoticeMinutes} minutes from now.`;
  }
  if (localDate(rules, start) > bookingHorizon(rules, now).lastDate) {
    return `it is beyond the ${rules.bookingHorizonDays}-day booking horizon.`;
  }
  return 'the clinic offers no callback slot starting at that time.';
}
