// Which slot a callback request gets (rules 1, 3, 5): pure, given the slots' current bookings.
import type { DateTime } from 'luxon';
import { BookingClosed, NoFreeSlot, SlotFull, SlotUnavailable } from '../errors.js';
import type { ClinicRules } from './clinic.js';
import { atLocalTime, localDate, showInstant, showInstantAt } from './schedule.js';
import { bookableRange, bookingHorizon, type BookableRange, horizonDays, isBookableIn, isBookingOpen, nextBookingOpeningMs, toSlot, type Slot, type SlotDay, type SlotMs } from './slots.js';

export interface SlotWithBookings extends Slot {
  booked: number;
}

export function freePlaces(slot: Pick<SlotWithBookings, 'capacity' | 'booked'>): number {
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
  const opensMs = nextBookingOpeningMs(rules, now);
  throw new BookingClosed(opensMs === null ? null : showInstantAt(rules.timezone, opensMs));
}

/** The local dates whose bookings a plan needs: today through the end of the booking horizon. */
export function planningRange(rules: ClinicRules, now: DateTime): { fromDate: string; toDate: string } {
  const { firstDate, lastDate } = bookingHorizon(rules, now);
  return { fromDate: firstDate, toDate: lastDate };
}

/** The free slots a request sees now (rules 1, 3, 5), in epoch ms: what planBooking and the booking offer share. */
export interface FreeSlots extends BookableRange {
  /** Today through the last date of the booking horizon. */
  days: readonly SlotDay[];
  /** Bookable slots with a free place, in time order (shared, read-only). */
  free: SlotMs[];
  requestedBeforeCutoff: boolean;
  sameDaySlotFree: boolean;
}

/**
 * The free slots at `now` given booked counts by slot start (epoch millis); BookingClosed outside the window.
 * Computed on the cached epoch-ms slots of src/domain/slots.ts: no DateTime per slot.
 */
export function freeSlots(rules: ClinicRules, now: DateTime, bookings: ReadonlyMap<number, number>): FreeSlots {
  const nowMs = now.toMillis();
  assertBookingOpen(rules, now);
  const days = horizonDays(rules, now);
  const today = days[0]!;
  const range = bookableRange(rules, now, days);
  const free: SlotMs[] = [];
  for (const day of days) {
    for (const slot of day.slots) {
      if (isBookableIn(range, slot.start) && slot.capacity - (bookings.get(slot.start) ?? 0) > 0) free.push(slot);
    }
  }
  return {
    days,
    free,
    ...range,
    requestedBeforeCutoff: nowMs < today.cutoffMs,
    sameDaySlotFree: free.length > 0 && free[0]!.start < today.endMs,
  };
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
  const found = freeSlots(rules, now, bookings);
  const { requestedBeforeCutoff, sameDaySlotFree } = found;

  if (!requestedStart) {
    if (found.free.length === 0) throw new NoFreeSlot(found.days.at(-1)!.date);
    return { candidates: found.free.map(toSlot), requestedBeforeCutoff, sameDaySlotFree, patientChoseLaterDay: false };
  }

  const requestedMs = requestedStart.toMillis();
  const requested =
    isBookableIn(found, requestedMs)
      ? found.days.flatMap((d) => d.slots).find((slot) => slot.start === requestedMs)
      : undefined;
  const shown = showInstant(rules, requestedStart);
  if (!requested) throw new SlotUnavailable(shown, explainUnavailable(rules, now, requestedStart));
  if (requested.capacity - (bookings.get(requested.start) ?? 0) <= 0) throw new SlotFull(shown);
  const slot = toSlot(requested);
  return {
    candidates: [slot],
    requestedBeforeCutoff,
    sameDaySlotFree,
    patientChoseLaterDay: choseLaterDay(rules, now, slot.start, sameDaySlotFree),
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
