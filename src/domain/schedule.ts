// Expands a clinic's wall-clock rules into instants for one local date (DST-safe).
import { DateTime, IANAZone } from 'luxon';
import { clinicDayStatus } from './calendar.js';
import { minutesOfDay, type ClinicRules, type Weekday } from './clinic.js';

/** The region's zone: region-wide dates (today, reporting months) are taken here. */
export const REGION_TIMEZONE = 'Europe/Stockholm';

/** The region's local date at an instant: "today" for region-wide reports and jobs. */
export function regionDate(instant: DateTime): string {
  return localDateAt(REGION_TIMEZONE, instant.toMillis());
}

/** The local date (YYYY-MM-DD) in the clinic's zone at an instant. */
export function localDate(rules: Pick<ClinicRules, 'timezone'>, instant: DateTime): string {
  return localDateAt(rules.timezone, instant.toMillis());
}

const DAY_MS = 86_400_000;
const zoneCache = new Map<string, { zone: IANAZone; byUtcDay: Map<number, number | null> }>();

/**
 * localDate for an instant in epoch milliseconds, for the reports' millions of callbacks. Asking a zone
 * for its offset goes through Intl and is slow, so each UTC day's offset is remembered when it is the
 * same all day (every day but the two DST switches); on those two days each instant asks again.
 */
export function localDateAt(timezone: string, epochMs: number): string {
  let cached = zoneCache.get(timezone);
  if (!cached) zoneCache.set(timezone, (cached = { zone: IANAZone.create(timezone), byUtcDay: new Map() }));
  const day = Math.floor(epochMs / DAY_MS);
  let offset = cached.byUtcDay.get(day);
  if (offset === undefined) {
    const first = cached.zone.offset(day * DAY_MS);
    offset = first === cached.zone.offset((day + 1) * DAY_MS - 1) ? first : null;
    cached.byUtcDay.set(day, offset);
  }
  const minutes = offset ?? cached.zone.offset(epochMs);
  return new Date(epochMs + minutes * 60_000).toISOString().slice(0, 10);
}

/** An instant as patients and staff read it: ISO 8601 in the clinic's zone with its offset. */
export function showInstant(rules: Pick<ClinicRules, 'timezone'>, instant: DateTime): string {
  return instant.setZone(rules.timezone).toISO({ suppressMilliseconds: true })!;
}

/** The local date `days` after another: arithmetic on the date alone, never on instants. */
export function addDays(isoDate: string, days: number): string {
  return DateTime.fromISO(isoDate, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/** Midnight starting a local date, in the clinic's zone (01:00 in zones whose DST switch skips midnight). */
export function startOfLocalDate(rules: Pick<ClinicRules, 'timezone'>, isoDate: string): DateTime {
  return DateTime.fromISO(isoDate, { zone: rules.timezone }).startOf('day');
}

/** The first instant after a local date: the start of the next one. */
export function endOfLocalDate(rules: Pick<ClinicRules, 'timezone'>, isoDate: string): DateTime {
  return startOfLocalDate(rules, addDays(isoDate, 1));
}

/** The instant a wall-clock time falls on a local date; "24:00" is the next midnight. */
export function atLocalTime(rules: Pick<ClinicRules, 'timezone'>, isoDate: string, localTime: string): DateTime {
  if (localTime === '24:00') return endOfLocalDate(rules, isoDate);
  const midnight = startOfLocalDate(rules, isoDate);
  const minutes = minutesOfDay(localTime);
  // Set the wall-clock fields (not "+N minutes from midnight") so a DST switch in the night does not shift opening hours.
  return midnight.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
}

export interface Opening {
  opens: DateTime;
  closes: DateTime;
}

/** The booking window on a local date, or null when the clinic takes no bookings that day (rule 1, rule 2). */
export function bookingWindowOn(rules: ClinicRules, isoDate: string): Opening | null {
  if (!clinicDayStatus(isoDate, rules.dateExceptions).working) return null;
  const weekday = startOfLocalDate(rules, isoDate).weekday as Weekday;
  const window = rules.bookingWindow[String(weekday) as '1'];
  if (!window) return null;
  return { opens: atLocalTime(rules, isoDate, window.open), closes: atLocalTime(rules, isoDate, window.close) };
}

/** Booking requests are accepted from the window's opening up to (not including) its close. */
export function isBookingOpen(rules: ClinicRules, now: DateTime): boolean {
  const window = bookingWindowOn(rules, localDate(rules, now));
  return window !== null && now >= window.opens && now < window.closes;
}

const OPENING_SEARCH_DAYS = 370;

/** The next instant booking opens after `now`, searching a year ahead; null if the clinic never opens. */
export function nextBookingOpening(rules: ClinicRules, now: DateTime): DateTime | null {
  let date = localDate(rules, now);
  for (let i = 0; i < OPENING_SEARCH_DAYS; i++, date = addDays(date, 1)) {
    const window = bookingWindowOn(rules, date);
    if (window && window.opens > now) return window.opens;
  }
  return null;
}
