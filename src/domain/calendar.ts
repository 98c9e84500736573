// Working days (vardagar) in Sweden: which local dates a clinic takes bookings and calls patients.
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { DateException } from './clinic.js';

export type ClosedReason =
  | 'weekend'
  | 'public_holiday' // allmän helgdag
  | 'sunday_equivalent' // midsommarafton, julafton, nyårsafton: treated as Sundays in working life
  | 'clinic_closed';

export type DayStatus =
  | { working: true }
  | { working: false; reason: ClosedReason; name: string };

const swedishHolidays = new Holidays('SE');
const publicHolidaysByYear = new Map<number, Map<string, string>>();

/**
 * Public holidays only. date-holidays also lists observances (skärtorsdagen, annandag pingst,
 * which are working days) and types the eves as "bank", so we filter by type and add the eves ourselves.
 */
function publicHolidays(year: number): Map<string, string> {
  let byDate = publicHolidaysByYear.get(year);
  if (!byDate) {
    byDate = new Map();
    for (const h of swedishHolidays.getHolidays(year)) {
      if (h.type === 'public') byDate.set(h.date.slice(0, 10), h.name);
    }
    publicHolidaysByYear.set(year, byDate);
  }
  return byDate;
}

/** Midsommarafton is the Friday between 19 and 25 June; julafton and nyårsafton are fixed. */
function sundayEquivalentName(date: DateTime): string | null {
  if (date.month === 6 && date.day >= 19 && date.day <= 25 && date.weekday === 5) return 'midsommarafton';
  if (date.month === 12 && date.day === 24) return 'julafton';
  if (date.month === 12 && date.day === 31) return 'nyårsafton';
  return null;
}

const dayStatusByDate = new Map<string, DayStatus>();

/** Whether a local date (YYYY-MM-DD) is a Swedish working day, before any clinic exception. */
export function nationalDayStatus(isoDate: string): DayStatus {
  let status = dayStatusByDate.get(isoDate);
  if (!status) dayStatusByDate.set(isoDate, (status = computeDayStatus(isoDate)));
  return status;
}

function computeDayStatus(isoDate: string): DayStatus {
  const date = DateTime.fromISO(isoDate, { zone: 'UTC' });
  const holiday = publicHolidays(date.year).get(isoDate);
  if (holiday) return { working: false, reason: 'public_holiday', name: holiday };
  const eve = sundayEquivalentName(date);
  if (eve) return { working: false, reason: 'sunday_equivalent', name: eve };
  if (date.weekday >= 6) return { working: false, reason: 'weekend', name: date.weekday === 6 ? 'lördag' : 'söndag' };
  return { working: true };
}

/** A clinic's view of a date: its own closed dates override the national calendar. */
export function clinicDayStatus(isoDate: string, exceptions: readonly DateException[]): DayStatus {
  const exception = exceptions.find((e) => e.date === isoDate);
  if (exception?.closed) return { working: false, reason: 'clinic_closed', name: exception.note ?? 'closed by the clinic' };
  return nationalDayStatus(isoDate);
}
