// Expands a clinic's wall-clock rules into instants for one local date (DST-safe).
import { DateTime, IANAZone, Info, type Zone } from 'luxon';
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
  return instant.isValid ? showInstantAt(rules.timezone, instant.toMillis()) : instant.setZone(rules.timezone).toISO({ suppressMilliseconds: true })!;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
// Local times in years 0000–9999: toISOString and luxon write them alike.
const MIN_FAST_MS = Date.parse('0000-01-01T00:00:00Z');
const MAX_FAST_MS = Date.parse('9999-12-31T23:59:59.999Z') + 1;
/** Remembered hours per zone before the memory is dropped: a year of hours, far more than any listing touches. */
const MAX_REMEMBERED_HOURS = 10_000;

interface ZoneOffsets {
  zone: Zone;
  /** Offset (minutes) per UTC hour when it holds the whole hour; null: the hour holds a switch, ask per instant. */
  byUtcHour: Map<number, number | null>;
  /** "+01:00" per offset, or "Z" for a fixed zero offset, as luxon writes them. */
  suffixes: Map<number, string>;
  /** The last local hour written and its "YYYY-MM-DDTHH:": a listing writes hundreds of instants in a few hours. */
  lastLocalHour: number;
  lastPrefix: string;
}

/** "00".."59": minutes and seconds without padStart per instant. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const zoneOffsets = new Map<string, ZoneOffsets | null>();

function offsetsOf(timezone: string): ZoneOffsets | null {
  let cached = zoneOffsets.get(timezone);
  if (cached === undefined) {
    // The zone luxon's setZone() would use, so offsets (and "Z" for UTC) come out the same.
    const zone = Info.normalizeZone(timezone);
    cached = zone.isValid ? { zone, byUtcHour: new Map(), suffixes: new Map(), lastLocalHour: NaN, lastPrefix: '' } : null;
    zoneOffsets.set(timezone, cached);
  }
  return cached;
}

function offsetSuffix(z: ZoneOffsets, offset: number): string {
  let suffix = z.suffixes.get(offset);
  if (suffix === undefined) {
    const abs = Math.abs(offset);
    const hhmm = `${String(Math.trunc(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    suffix = z.zone.isUniversal && offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${hhmm}`;
    z.suffixes.set(offset, suffix);
  }
  return suffix;
}

/**
 * showInstant from epoch milliseconds: the same string as luxon's setZone().toISO({ suppressMilliseconds: true }),
 * without building a DateTime. Asking a zone for its offset goes through Intl and is slow, so each UTC hour's
 * offset is remembered when it holds the whole hour (every hour but the one with a DST switch, which asks per
 * instant). Instants luxon writes differently (years outside 0–9999, offsets of seconds) are left to luxon.
 */
export function showInstantAt(timezone: string, epochMs: number): string {
  const z = offsetsOf(timezone);
  if (!z || !Number.isInteger(epochMs)) return DateTime.fromMillis(epochMs, { zone: timezone }).toISO({ suppressMilliseconds: true })!;
  let offset: number | null | undefined;
  if (z.zone.isUniversal) offset = z.zone.offset(epochMs);
  else {
    const hour = Math.floor(epochMs / HOUR_MS);
    offset = z.byUtcHour.get(hour);
    if (offset === undefined) {
      const first = z.zone.offset(hour * HOUR_MS);
      offset = first === z.zone.offset((hour + 1) * HOUR_MS - 1) ? first : null;
      if (z.byUtcHour.size >= MAX_REMEMBERED_HOURS) z.byUtcHour.clear();
      z.byUtcHour.set(hour, offset);
    }
    offset ??= z.zone.offset(epochMs);
  }
  const local = epochMs + offset * MINUTE_MS;
  if (!Number.isInteger(offset) || local < MIN_FAST_MS || local >= MAX_FAST_MS) {
    return DateTime.fromMillis(epochMs, { zone: timezone }).toISO({ suppressMilliseconds: true })!;
  }
  const localHour = Math.floor(local / HOUR_MS);
  if (localHour !== z.lastLocalHour) {
    z.lastPrefix = new Date(localHour * HOUR_MS).toISOString().slice(0, 14); // YYYY-MM-DDTHH:
    z.lastLocalHour = localHour;
  }
  const inHour = local - localHour * HOUR_MS;
  const minute = Math.floor(inHour / MINUTE_MS);
  const inMinute = inHour - minute * MINUTE_MS;
  const second = Math.floor(inMinute / 1000);
  const milli = inMinute - second * 1000;
  const time = `${z.lastPrefix}${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}`;
  return (milli === 0 ? time : `${time}.${String(milli).padStart(3, '0')}`) + offsetSuffix(z, offset);
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

