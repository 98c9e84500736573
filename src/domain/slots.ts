// Callback slots (telefontider): fixed-length intervals with a capacity, generated per local date.
import { DateTime } from 'luxon';
import { minutesOfDay, type ClinicRules, type Weekday } from './clinic.js';
import { bookingWindowOn, localDate, startOfLocalDate } from './schedule.js';

export interface Slot {
  /** Instants; format with toISO() in the clinic's zone to show the offset. */
  start: DateTime;
  end: DateTime;
  /** How many patients can be called in this slot (from staffing). */
  capacity: number;
}

/**
 * Capacity of a slot from its local weekday and start time. Later rules override earlier ones,
 * so a general rule can be followed by exceptions (e.g. lunch); a date exception overrides them all.
 */
export function slotCapacity(rules: ClinicRules, localStart: DateTime): number {
  const exception = rules.dateExceptions.find((e) => e.date === localStart.toISODate());
  if (exception && exception.capacity !== null) return exception.capacity;
  const minute = localStart.hour * 60 + localStart.minute;
  let capacity = 0;
  for (const rule of rules.capacityRules) {
    if (
      rule.weekdays.includes(localStart.weekday as Weekday) &&
      minute >= minutesOfDay(rule.from) &&
      minute < minutesOfDay(rule.to)
    ) {
      capacity = rule.capacity;
    }
  }
  return capacity;
}

/**
 * All slots with capacity > 0 on a local date, inside that day's booking window.
 * Slots step in absolute minutes from the window's opening, so on a DST switch day
 * no slot is lost or doubled: the day simply holds one hour more or less of them.
 */
export function slotsOnDate(rules: ClinicRules, isoDate: string): Slot[] {
  const window = bookingWindowOn(rules, isoDate);
  if (!window) return [];
  const slots: Slot[] = [];
  for (let start = window.opens; ; start = start.plus({ minutes: rules.slotMinutes })) {
    const end = start.plus({ minutes: rules.slotMinutes });
    if (end > window.closes) break;
    const capacity = slotCapacity(rules, start.setZone(rules.timezone));
    if (capacity > 0) slots.push({ start, end, capacity });
  }
  return slots;
}

/** Slots over an inclusive range of local dates. */
export function slotsBetween(rules: ClinicRules, fromDate: string, toDate: string): Slot[] {
  const slots: Slot[] = [];
  const last = startOfLocalDate(rules, toDate);
  for (let day = startOfLocalDate(rules, fromDate); day <= last; day = day.plus({ days: 1 })) {
    slots.push(...slotsOnDate(rules, day.toISODate()!));
  }
  return slots;
}

/** The first and last local dates a patient may book into, counted from today. */
export function bookingHorizon(rules: ClinicRules, now: DateTime): { firstDate: string; lastDate: string } {
  const today = localDate(rules, now);
  const last = startOfLocalDate(rules, today).plus({ days: rules.bookingHorizonDays - 1 });
  return { firstDate: today, lastDate: last.toISODate()! };
}

/** A slot can be booked when it starts at least the minimum notice from now and lies within the horizon. */
export function isBookableAt(rules: ClinicRules, slot: Slot, now: DateTime): boolean {
  const { lastDate } = bookingHorizon(rules, now);
  return slot.start >= now.plus({ minutes: rules.minNoticeMinutes }) && localDate(rules, slot.start) <= lastDate;
}
