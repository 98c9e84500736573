// Callback slots (telefontider): fixed-length intervals with a capacity, generated per local date.
import { DateTime, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
import { minutesOfDay, type ClinicRules, type Weekday } from './clinic.js';
import { addDays, bookingWindowOn, endOfLocalDate, localDate } from './schedule.js';

export interface Slot {
  /** Instants (in UTC); show them with showInstant() in the clinic's zone. */
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
  return ruleCapacity(rules, localStart.weekday as Weekday, localStart.hour * 60 + localStart.minute);
}

function ruleCapacity(rules: ClinicRules, weekday: Weekday, minuteOfDay: number): number {
  let capacity = 0;
  for (const rule of rules.capacityRules) {
    if (rule.weekdays.includes(weekday) && minuteOfDay >= minutesOfDay(rule.from) && minuteOfDay < minutesOfDay(rule.to)) {
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
  const exceptionCapacity = rules.dateExceptions.find((e) => e.date === isoDate)?.capacity ?? null;
  const weekday = window.opens.setZone(rules.timezone).weekday as Weekday;
  const zone = IANAZone.create(rules.timezone);
  const stepMs = rules.slotMinutes * MINUTE_MS;
  const opensMs = window.opens.toMillis();
  const closesMs = window.closes.toMillis();
  // Asking the zone for its offset is slow (Intl); on all but two days a year one answer serves the whole window.
  const offsetAtOpen = zone.offset(opensMs);
  const uniformOffset = offsetAtOpen === zone.offset(closesMs - 1) ? offsetAtOpen : null;

  const slots: Slot[] = [];
  for (let startMs = opensMs; startMs + stepMs <= closesMs; startMs += stepMs) {
    const offsetMinutes = uniformOffset ?? zone.offset(startMs);
    const localMinute = (((Math.floor(startMs / MINUTE_MS) + offsetMinutes) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
    const capacity = exceptionCapacity ?? ruleCapacity(rules, weekday, localMinute);
    if (capacity > 0) {
      slots.push({
        start: DateTime.fromMillis(startMs, { zone: 'utc' }),
        end: DateTime.fromMillis(startMs + stepMs, { zone: 'utc' }),
        capacity,
      });
    }
  }
  return slots;
}

/** Slots over an inclusive range of local dates. */
export function slotsBetween(rules: ClinicRules, fromDate: string, toDate: string): Slot[] {
  const slots: Slot[] = [];
  for (let date = fromDate; date <= toDate; date = addDays(date, 1)) slots.push(...slotsOnDate(rules, date));
  return slots;
}

/** The first and last local dates a patient may book into, counted from today. */
export function bookingHorizon(rules: ClinicRules, now: DateTime): { firstDate: string; lastDate: string } {
  const today = localDate(rules, now);
  return { firstDate: today, lastDate: addDays(today, rules.bookingHorizonDays - 1) };
}

/**
 * Whether a slot can be booked at `now`: it starts at least the minimum notice from now and lies
 * within the horizon. Returns a predicate so a list of slots is checked without recomputing the bounds.
 */
export function bookableAt(rules: ClinicRules, now: DateTime): (slot: Slot) => boolean {
  const earliest = now.plus({ minutes: rules.minNoticeMinutes }).toMillis();
  const afterHorizon = endOfLocalDate(rules, bookingHorizon(rules, now).lastDate).toMillis();
  return (slot) => {
    const start = slot.start.toMillis();
    return start >= earliest && start < afterHorizon;
  };
}

export function isBookableAt(rules: ClinicRules, slot: Slot, now: DateTime): boolean {
  return bookableAt(rules, now)(slot);
}
