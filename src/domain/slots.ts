// Callback slots (telefontider): fixed-length intervals with a capacity, generated per local date.
import { DateTime, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
import { minutesOfDay, type ClinicRules, type Weekday } from './clinic.js';
import { addDays, atLocalTime, bookingWindowOn, localDate, showInstantAt, startOfLocalDate, type Opening } from './schedule.js';

export interface Slot {
  /** Instants (in UTC); show them with showInstant() in the clinic's zone. */
  start: DateTime;
  end: DateTime;
  /** How many patients can be called in this slot (from staffing). */
  capacity: number;
}

/** Later capacity rules override earlier ones, so a general rule can be followed by exceptions (e.g. lunch). */
function ruleCapacity(rules: ClinicRules, weekday: Weekday, minuteOfDay: number): number {
  let capacity = 0;
  for (const rule of rules.capacityRules) {
    if (rule.weekdays.includes(weekday) && minuteOfDay >= minutesOfDay(rule.from) && minuteOfDay < minutesOfDay(rule.to)) {
      capacity = rule.capacity;
    }
  }
  return capacity;
}

/** A slot as epoch milliseconds: what the domain computes with; DateTimes are made only for what leaves it. */
export interface SlotMs {
  readonly start: number;
  readonly end: number;
  readonly capacity: number;
}

/** One local date of a clinic as instants (epoch ms): built once per rules and date, then shared (read-only). */
export interface SlotDay {
  readonly date: string;
  /** The next local date (YYYY-MM-DD). */
  readonly nextDate: string;
  /** The first instant of the date and of the next one (startOfLocalDate / endOfLocalDate). */
  readonly startMs: number;
  readonly endMs: number;
  /** The same-day cut-off's instant on this date (rule 5). */
  readonly cutoffMs: number;
  /** The booking window, or null when the clinic takes no bookings that day. */
  readonly opensMs: number | null;
  readonly closesMs: number | null;
  /** Slots with capacity > 0, in time order. */
  readonly slots: readonly SlotMs[];
}

/**
 * Dates per rules object. A clinic's rules are immutable values (a change is a new object, see
 * src/services/clinicRulesCache.ts), so a date's slots never change under the same object; a WeakMap lets
 * replaced rules take their dates with them. Bounded per rules (least recently used out): 200 dates hold the
 * longest horizon (90) and the listings around it, while a scan of distant dates cannot grow it (~7 kB a date).
 */
const daysByRules = new WeakMap<ClinicRules, Map<string, SlotDay>>();
const MAX_DAYS_PER_RULES = 200;

/** A local date's slots and bounds as epoch ms, from the cache or built (the only place luxon is used for them). */
export function slotDay(rules: ClinicRules, isoDate: string): SlotDay {
  let days = daysByRules.get(rules);
  if (!days) daysByRules.set(rules, (days = new Map()));
  let day = days.get(isoDate);
  if (day) {
    if (days.size >= MAX_DAYS_PER_RULES / 2) {
      // Recently used last, once the map is big enough for eviction to matter.
      days.delete(isoDate);
      days.set(isoDate, day);
    }
    return day;
  }
  day = buildSlotDay(rules, isoDate);
  if (days.size >= MAX_DAYS_PER_RULES) days.delete(days.keys().next().value!);
  days.set(isoDate, day);
  return day;
}

function buildSlotDay(rules: ClinicRules, isoDate: string): SlotDay {
  const window = bookingWindowOn(rules, isoDate);
  const nextDate = addDays(isoDate, 1);
  return Object.freeze({
    date: isoDate,
    nextDate,
    startMs: startOfLocalDate(rules, isoDate).toMillis(),
    endMs: startOfLocalDate(rules, nextDate).toMillis(),
    cutoffMs: atLocalTime(rules, isoDate, rules.sameDayCutoff).toMillis(),
    opensMs: window ? window.opens.toMillis() : null,
    closesMs: window ? window.closes.toMillis() : null,
    slots: Object.freeze(window ? slotsInWindow(rules, isoDate, window) : []),
  });
}

/**
 * All slots with capacity > 0 inside a date's booking window.
 * Slots step in absolute minutes from the window's opening, so on a DST switch day
 * no slot is lost or doubled: the day simply holds one hour more or less of them.
 */
function slotsInWindow(rules: ClinicRules, isoDate: string, window: Opening): SlotMs[] {
  const exceptionCapacity = rules.dateExceptions.find((e) => e.date === isoDate)?.capacity ?? null;
  const weekday = window.opens.setZone(rules.timezone).weekday as Weekday;
  const zone = IANAZone.create(rules.timezone);
  const stepMs = rules.slotMinutes * MINUTE_MS;
  const opensMs = window.opens.toMillis();
  const closesMs = window.closes.toMillis();
  // Asking the zone for its offset is slow (Intl); on all but two days a year one answer serves the whole window.
  const offsetAtOpen = zone.offset(opensMs);
  const uniformOffset = offsetAtOpen === zone.offset(closesMs - 1) ? offsetAtOpen : null;

  const slots: SlotMs[] = [];
  for (let startMs = opensMs; startMs + stepMs <= closesMs; startMs += stepMs) {
    const offsetMinutes = uniformOffset ?? zone.offset(startMs);
    const localMinute = (((Math.floor(startMs / MINUTE_MS) + offsetMinutes) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
    const capacity = exceptionCapacity ?? ruleCapacity(rules, weekday, localMinute);
    if (capacity > 0) slots.push(Object.freeze({ start: startMs, end: startMs + stepMs, capacity }));
  }
  return slots;
}

/** A day's slot times as patients read them (showInstant in the clinic's zone), written once per day like its slots. */
export interface ShownTimes {
  readonly starts: readonly string[];
  readonly ends: readonly string[];
}
const shownByDay = new WeakMap<SlotDay, ShownTimes>();

/** The day's slots' start and end as shown, index for index with `day.slots`. `day` must be one of `rules`' days. */
export function shownTimes(rules: Pick<ClinicRules, 'timezone'>, day: SlotDay): ShownTimes {
  let shown = shownByDay.get(day);
  if (!shown) {
    shown = Object.freeze({
      starts: Object.freeze(day.slots.map((s) => showInstantAt(rules.timezone, s.start))),
      ends: Object.freeze(day.slots.map((s) => showInstantAt(rules.timezone, s.end))),
    });
    shownByDay.set(day, shown);
  }
  return shown;
}

/**
 * A slot leaving the domain: its DateTimes are made when first read, so unread candidates cost no luxon. A class
 * (getters on the prototype), so a plan of hundreds of candidates allocates one small object each; the service's
 * shown slots extend it.
 */
export class LazySlot implements Slot {
  private startAt: DateTime | undefined;
  private endAt: DateTime | undefined;
  constructor(protected readonly slot: SlotMs) {}
  get start(): DateTime {
    return (this.startAt ??= DateTime.fromMillis(this.slot.start, { zone: 'utc' }));
  }
  get end(): DateTime {
    return (this.endAt ??= DateTime.fromMillis(this.slot.end, { zone: 'utc' }));
  }
  get capacity(): number {
    return this.slot.capacity;
  }
}

export function toSlot(slot: SlotMs): Slot {
  return new LazySlot(slot);
}

/** All slots with capacity > 0 on a local date, inside that day's booking window. */
export function slotsOnDate(rules: ClinicRules, isoDate: string): Slot[] {
  return slotDay(rules, isoDate).slots.map((s) => ({
    start: DateTime.fromMillis(s.start, { zone: 'utc' }),
    end: DateTime.fromMillis(s.end, { zone: 'utc' }),
    capacity: s.capacity,
  }));
}

/** The dates of an inclusive range of local dates, each as its SlotDay. */
export function slotDaysBetween(rules: ClinicRules, fromDate: string, toDate: string): SlotDay[] {
  const days: SlotDay[] = [];
  for (let date = fromDate; date <= toDate; ) {
    const day = slotDay(rules, date);
    days.push(day);
    date = day.nextDate;
  }
  return days;
}

/** The local dates a patient may book into at `now`: today and the following ones, bookingHorizonDays in all. */
export function horizonDays(rules: ClinicRules, now: DateTime): SlotDay[] {
  // Walked on the cached days (each knows the next) rather than with luxon date arithmetic per request.
  const days = [slotDay(rules, localDate(rules, now))];
  for (let i = 1; i < rules.bookingHorizonDays; i++) days.push(slotDay(rules, days[i - 1]!.nextDate));
  return days;
}

/** Rule 3's bounds at an instant: the first start far enough ahead (minimum notice), and the horizon's end. */
export interface BookableRange {
  earliestMs: number;
  afterHorizonMs: number;
}

/**
 * Rule 3: slots starting in [earliestMs, afterHorizonMs) can be booked at `now`: at least the minimum notice from
 * now, and within the horizon (`horizon`: horizonDays at `now`, when the caller has them already).
 */
export function bookableRange(rules: ClinicRules, now: DateTime, horizon: readonly SlotDay[] = horizonDays(rules, now)): BookableRange {
  return { earliestMs: now.toMillis() + rules.minNoticeMinutes * MINUTE_MS, afterHorizonMs: horizon.at(-1)!.endMs };
}

/** Rule 3: whether a slot starting at `startMs` can be booked within `range`. */
export function isBookableIn(range: BookableRange, startMs: number): boolean {
  return startMs >= range.earliestMs && startMs < range.afterHorizonMs;
}

/**
 * Until when (epoch ms, exclusive) rule 3 sorts `days`' slots into bookable and not as it does at `now`: until the
 * first bookable one comes within the minimum notice, or today ends and the horizon moves on. A listing of those
 * days stays the same until then, as long as no place in them is taken or freed.
 */
export function bookableUnchangedUntilMs(rules: ClinicRules, now: DateTime, days: Iterable<SlotDay>): number {
  const range = bookableRange(rules, now);
  const todayEndsMs = slotDay(rules, localDate(rules, now)).endMs;
  for (const day of days) {
    const next = day.slots.find((slot) => slot.start >= range.earliestMs);
    // Past the horizon it is not bookable either side of its notice edge: only midnight changes anything.
    if (next) return isBookableIn(range, next.start) ? Math.min(todayEndsMs, next.start - rules.minNoticeMinutes * MINUTE_MS + 1) : todayEndsMs;
  }
  return todayEndsMs;
}

/** The first and last local dates a patient may book into, counted from today. */
export function bookingHorizon(rules: ClinicRules, now: DateTime): { firstDate: string; lastDate: string } {
  const days = horizonDays(rules, now);
  return { firstDate: days[0]!.date, lastDate: days.at(-1)!.date };
}

/** Rule 1: booking requests are accepted from the window's opening up to (not including) its close. */
export function isBookingOpen(rules: ClinicRules, now: DateTime): boolean {
  const day = slotDay(rules, localDate(rules, now));
  const nowMs = now.toMillis();
  return day.opensMs !== null && day.closesMs !== null && nowMs >= day.opensMs && nowMs < day.closesMs;
}

const OPENING_SEARCH_DAYS = 370;

/** The next instant (epoch ms) booking opens after `now`, searching a year ahead; null if the clinic never opens. */
export function nextBookingOpeningMs(rules: ClinicRules, now: DateTime): number | null {
  const nowMs = now.toMillis();
  let day = slotDay(rules, localDate(rules, now));
  for (let i = 0; i < OPENING_SEARCH_DAYS; i++, day = slotDay(rules, day.nextDate)) {
    if (day.opensMs !== null && day.opensMs > nowMs) return day.opensMs;
  }
  return null;
}

/** nextBookingOpening as a DateTime in the clinic's zone. */
export function nextBookingOpening(rules: ClinicRules, now: DateTime): DateTime | null {
  const opensMs = nextBookingOpeningMs(rules, now);
  return opensMs === null ? null : DateTime.fromMillis(opensMs, { zone: rules.timezone });
}
