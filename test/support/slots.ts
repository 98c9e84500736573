// Slot helpers for tests and benches only (src has no use for them).
import type { DateTime } from 'luxon';
import { minutesOfDay, type ClinicRules, type Weekday } from '../../src/domain/clinic.js';
import { slotDaysBetween, slotsOnDate, type Slot } from '../../src/domain/slots.js';

/** The model's slots over an inclusive range of local dates. */
export function slotsBetween(rules: ClinicRules, fromDate: string, toDate: string): Slot[] {
  return slotDaysBetween(rules, fromDate, toDate).flatMap((day) => slotsOnDate(rules, day.date));
}

/**
 * An oracle of a slot's capacity, independent of the slot model: from its local weekday and start time, later
 * capacity rules overriding earlier ones (e.g. lunch), a date exception overriding them all. The benches check
 * stored bookings against it.
 */
export function slotCapacity(rules: ClinicRules, localStart: DateTime): number {
  const exception = rules.dateExceptions.find((e) => e.date === localStart.toISODate());
  if (exception && exception.capacity !== null) return exception.capacity;
  const weekday = localStart.weekday as Weekday;
  const minuteOfDay = localStart.hour * 60 + localStart.minute;
  let capacity = 0;
  for (const rule of rules.capacityRules) {
    if (rule.weekdays.includes(weekday) && minuteOfDay >= minutesOfDay(rule.from) && minuteOfDay < minutesOfDay(rule.to)) capacity = rule.capacity;
  }
  return capacity;
}
