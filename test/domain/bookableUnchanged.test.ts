// bookableUnchangedUntilMs (issue 11) decides how long a cached slot listing may be served: the listed days' set of
// bookable slots must be the same at every instant in [now, until), and (unless `until` is the end of today, when
// the horizon moves on) differ at `until`, else listings are recomputed for nothing. Checked against an oracle of
// rule 3 made with luxon in the clinic's zone (not bookableRange), on the days where local time is hard: the DST
// switches, midsommarafton, julafton, nyårsafton, a month end, around the 16:00 cut-off, with and without notice.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { clinicRules, WEEKDAYS, type ClinicRules, type ClinicRulesInput } from '../../src/domain/clinic.js';
import { bookableUnchangedUntilMs, slotDaysBetween } from '../../src/domain/slots.js';

const ZONE = 'Europe/Stockholm';
const MINUTE_MS = 60_000;

/** Local midnights in Stockholm from December 2026 to mid-2028, stepped by luxon's calendar days (23 or 25 hours on DST). */
const MIDNIGHTS: number[] = [];
for (let d = DateTime.fromISO('2026-12-01', { zone: ZONE }); d.year < 2029; d = d.plus({ days: 1 }).startOf('day')) MIDNIGHTS.push(d.toMillis());

/** The index in MIDNIGHTS of the local day holding `ms`. */
function localDayIndex(ms: number): number {
  let lo = 0;
  let hi = MIDNIGHTS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (MIDNIGHTS[mid]! <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rule 3 at `nowMs`, from luxon's local days alone: slots at least the notice ahead, on today or the horizon's next days. */
function oracle(rules: ClinicRules) {
  expect(rules.timezone).toBe(ZONE);
  const afterHorizonMs = (nowMs: number) => MIDNIGHTS[localDayIndex(nowMs) + rules.bookingHorizonDays]!;
  const endOfTodayMs = (nowMs: number) => MIDNIGHTS[localDayIndex(nowMs) + 1]!;
  /** The bookable slots among `starts` (ascending) at `nowMs`, as a key: which indexes, one by one (no interval assumed). */
  const bookable = (starts: readonly number[], nowMs: number): string => {
    const earliest = nowMs + rules.minNoticeMinutes * MINUTE_MS;
    const after = afterHorizonMs(nowMs);
    let key = '';
    for (let i = 0; i < starts.length; i++) if (starts[i]! >= earliest && starts[i]! < after) key += `${i},`;
    return key;
  };
  return { bookable, endOfTodayMs };
}

function rulesWith(overrides: Partial<ClinicRulesInput>): ClinicRules {
  return clinicRules({ id: 'vc-dst', name: 'DST', ...overrides });
}

/** Slots around the clock on every working day: slots right after midnight test the horizon's edge. */
const AROUND_THE_CLOCK: Partial<ClinicRulesInput> = {
  bookingWindow: Object.fromEntries(WEEKDAYS.map((d) => [String(d), { open: '00:00', close: '24:00' }])),
  capacityRules: [{ weekdays: [...WEEKDAYS], from: '00:00', to: '24:00', capacity: 1 }],
};

const RULES: { name: string; rules: ClinicRules }[] = [];
for (const minNoticeMinutes of [0, 30]) {
  for (const bookingHorizonDays of [1, 14]) {
    RULES.push({ name: `06–17, notice ${minNoticeMinutes}, horizon ${bookingHorizonDays}`, rules: rulesWith({ minNoticeMinutes, bookingHorizonDays }) });
    RULES.push({
      name: `00–24, notice ${minNoticeMinutes}, horizon ${bookingHorizonDays}`,
      rules: rulesWith({ ...AROUND_THE_CLOCK, minNoticeMinutes, bookingHorizonDays }),
    });
  }
}

// DST starts on Easter Sunday 28 March 2027 (Good Friday and Easter Monday around it are holidays, so 25 and 30 March
// are the working days either side) and ends on Sunday 31 October; the eves and 30 April (a month end) are Fridays.
const HARD_DATES = ['2027-03-25', '2027-03-28', '2027-03-30', '2027-04-30', '2027-06-24', '2027-06-25', '2027-10-29', '2027-10-31', '2027-11-01', '2027-12-23', '2027-12-24', '2027-12-31'];

const plusDays = (isoDate: string, days: number) => DateTime.fromISO(isoDate, { zone: 'UTC' }).plus({ days }).toISODate()!;

/** The instants of a local date to ask at: every 20 minutes, and around every slot's notice edge, 16:00 and midnight. */
function instantsOn(rules: ClinicRules, isoDate: string): number[] {
  const startMs = DateTime.fromISO(isoDate, { zone: ZONE }).toMillis();
  const endMs = DateTime.fromISO(plusDays(isoDate, 1), { zone: ZONE }).toMillis();
  const at = new Set<number>();
  for (let t = startMs; t < endMs; t += 20 * MINUTE_MS) at.add(t);
  const cutoffMs = DateTime.fromISO(`${isoDate}T16:00`, { zone: ZONE }).toMillis();
  for (const edge of [startMs, cutoffMs, endMs]) for (const d of [-1, 0, 1]) at.add(edge + d);
  for (const day of slotDaysBetween(rules, isoDate, plusDays(isoDate, 1))) {
    for (const slot of day.slots) for (const d of [-1, 0, 1]) at.add(slot.start - rules.minNoticeMinutes * MINUTE_MS + d);
  }
  return [...at].filter((t) => t >= startMs && t < endMs).sort((a, b) => a - b);
}

function listing(rules: ClinicRules, from: string, to: string) {
  const days = slotDaysBetween(rules, from, to);
  return { days, starts: days.flatMap((d) => d.slots.map((s) => s.start)), ...oracle(rules) };
}

/**
 * Checks the property at `nowMs` for the listing of `from`..`to`; returns a description of the first breach, or null.
 * Besides sampled instants, every instant where the oracle's set can change (a slot's notice edge, a local midnight)
 * inside [now, until) is asked: between those the set is constant, so this covers the whole interval. `early`: also
 * require the set to differ at `until` (a listing kept no shorter than it could be).
 */
function breach(rules: ClinicRules, from: string, to: string, nowMs: number, check: { early: boolean }, listed = listing(rules, from, to)): string | null {
  const { days, starts, bookable, endOfTodayMs } = listed;
  const until = bookableUnchangedUntilMs(rules, DateTime.fromMillis(nowMs, { zone: 'utc' }), days);
  const show = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISO();
  const where = `listing ${from}..${to} at ${show(nowMs)}, until ${show(until)}`;
  if (!(until > nowMs)) return `${where}: until is not after now`;
  const atNow = bookable(starts, nowMs);
  const samples = new Set([nowMs, until - 1, Math.floor((nowMs + until) / 2), nowMs + 1]);
  for (const start of starts) {
    const edge = start - rules.minNoticeMinutes * MINUTE_MS + 1;
    if (edge > nowMs && edge < until) samples.add(edge);
  }
  for (let m = endOfTodayMs(nowMs); m < until; m = endOfTodayMs(m)) samples.add(m);
  for (const t of samples) {
    if (t < nowMs || t >= until) continue;
    if (bookable(starts, t) !== atNow) return `${where}: the bookable slots differ at ${show(t)}`;
  }
  if (check.early && until !== endOfTodayMs(nowMs) && bookable(starts, until) === atNow) {
    return `${where}: nothing changes at until, which is not the end of today (a listing recomputed for nothing)`;
  }
  return null;
}

function breachesOn(rules: ClinicRules, date: string, check: { early: boolean }): string[] {
  const ranges: [string, string][] = [
    [date, date],
    [date, plusDays(date, 1)],
    [plusDays(date, 1), plusDays(date, 3)],
    // Up to the first day past the horizon, which is never bookable today.
    [date, plusDays(date, rules.bookingHorizonDays)],
    // A day listed before today: its slots are all in the past.
    [plusDays(date, -1), date],
  ];
  const breaches: string[] = [];
  const instants = instantsOn(rules, date);
  for (const [from, to] of ranges) {
    const listed = listing(rules, from, to);
    for (const nowMs of instants) {
      const found = breach(rules, from, to, nowMs, check, listed);
      if (found) breaches.push(found);
    }
  }
  return breaches;
}

describe('bookableUnchangedUntilMs', () => {
  describe.each(RULES)('$name', ({ rules }) => {
    it.each(HARD_DATES)('keeps the bookable slots exactly until they change, asked on %s', (date) => {
      const breaches = breachesOn(rules, date, { early: true });
      expect(breaches.slice(0, 5), `${breaches.length} breaches`).toEqual([]);
    });
  });

  // A slot past the horizon is not bookable, so it coming within the notice changes nothing: a listing holds on to
  // midnight (it once stopped there: an extra recompute, never a stale listing).
  it('does not end a listing early for a slot past the horizon coming within the notice', () => {
    const rules = rulesWith({ ...AROUND_THE_CLOCK, minNoticeMinutes: 30, bookingHorizonDays: 1 });
    const now = DateTime.fromISO('2027-11-01T12:00', { zone: ZONE });
    const until = bookableUnchangedUntilMs(rules, now, slotDaysBetween(rules, '2027-11-02', '2027-11-02'));
    expect(DateTime.fromMillis(until, { zone: ZONE }).toISO()).toBe('2027-11-02T00:00:00.000+01:00');
  });

  it('holds for any instant of 2027, notice and horizon', () => {
    const START = Date.parse('2027-01-01T00:00:00+01:00');
    const END = Date.parse('2028-01-01T00:00:00+01:00');
    const byKey = new Map<string, ClinicRules>();
    fc.assert(
      fc.property(
        fc.integer({ min: START, max: END }),
        fc.integer({ min: 0, max: 24 * 60 }),
        fc.integer({ min: 1, max: 90 }),
        fc.boolean(),
        fc.integer({ min: -2, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (nowMs, minNoticeMinutes, bookingHorizonDays, aroundTheClock, fromOffset, length) => {
          const key = `${minNoticeMinutes}/${bookingHorizonDays}/${aroundTheClock}`;
          let rules = byKey.get(key);
          if (!rules) {
            rules = rulesWith({ minNoticeMinutes, bookingHorizonDays, ...(aroundTheClock ? AROUND_THE_CLOCK : {}) });
            byKey.set(key, rules);
          }
          const today = DateTime.fromMillis(nowMs, { zone: ZONE }).toISODate()!;
          const from = plusDays(today, fromOffset);
          expect(breach(rules, from, plusDays(from, length), nowMs, { early: true })).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('catches an until one millisecond too late or too early (the checker can fail)', () => {
    // The same property against a deliberately wrong until: proves the checker above is not vacuous.
    const rules = rulesWith({ minNoticeMinutes: 30, bookingHorizonDays: 14 });
    const now = DateTime.fromISO('2027-03-30T08:00', { zone: ZONE });
    const days = slotDaysBetween(rules, '2027-03-30', '2027-03-30');
    const until = bookableUnchangedUntilMs(rules, now, days);
    const { bookable } = oracle(rules);
    const starts = days[0]!.slots.map((s) => s.start);
    expect(bookable(starts, until - 1)).toBe(bookable(starts, now.toMillis()));
    expect(bookable(starts, until)).not.toBe(bookable(starts, now.toMillis()));
    // 08:30 is the first slot bookable at 08:00 with 30 minutes' notice: it stops being bookable just after 08:00.
    expect(DateTime.fromMillis(until, { zone: ZONE }).toISO()).toBe('2027-03-30T08:00:00.001+02:00');
  });
});
