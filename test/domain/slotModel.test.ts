// The epoch-ms slot model (cached per rules and date) against the luxon implementation it replaced, kept here as
// the oracle: every slot, capacity, availability, cut-off and same-day decision must stay the same, on DST days,
// holidays and clinic exceptions included.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { clinicRules, minutesOfDay, type ClinicRules, type Weekday } from '../../src/domain/clinic.js';
import { choseLaterDay, freePlaces, isBeforeCutoff, planBooking, type BookingPlan } from '../../src/domain/booking.js';
import { addDays, bookingWindowOn, endOfLocalDate, localDate, showInstant } from '../../src/domain/schedule.js';
import { bookingHorizon, slotsOnDate, type Slot } from '../../src/domain/slots.js';
import { slotsBetween } from '../support/slots.js';
import { AppError, BookingClosed, NoFreeSlot, SlotFull, SlotUnavailable } from '../../src/errors.js';

// ---- The oracle: the luxon implementation before the epoch-ms model (issue 11), unchanged but for names. ----
function oracleSlotsOnDate(rules: ClinicRules, isoDate: string): Slot[] {
  const window = bookingWindowOn(rules, isoDate);
  if (!window) return [];
  const exceptionCapacity = rules.dateExceptions.find((e) => e.date === isoDate)?.capacity ?? null;
  const weekday = window.opens.setZone(rules.timezone).weekday as Weekday;
  const zone = IANAZone.create(rules.timezone);
  const stepMs = rules.slotMinutes * 60_000;
  const slots: Slot[] = [];
  for (let startMs = window.opens.toMillis(); startMs + stepMs <= window.closes.toMillis(); startMs += stepMs) {
    const localMinute = (((Math.floor(startMs / 60_000) + zone.offset(startMs)) % 1440) + 1440) % 1440;
    let capacity = 0;
    for (const rule of rules.capacityRules) {
      if (rule.weekdays.includes(weekday) && localMinute >= minutesOfDay(rule.from) && localMinute < minutesOfDay(rule.to)) capacity = rule.capacity;
    }
    capacity = exceptionCapacity ?? capacity;
    if (capacity > 0) slots.push({ start: DateTime.fromMillis(startMs, { zone: 'utc' }), end: DateTime.fromMillis(startMs + stepMs, { zone: 'utc' }), capacity });
  }
  return slots;
}

function isBookingOpen(rules: ClinicRules, now: DateTime): boolean {
  const window = bookingWindowOn(rules, localDate(rules, now));
  return window !== null && now >= window.opens && now < window.closes;
}

function nextBookingOpening(rules: ClinicRules, now: DateTime): DateTime | null {
  let date = localDate(rules, now);
  for (let i = 0; i < 370; i++, date = addDays(date, 1)) {
    const window = bookingWindowOn(rules, date);
    if (window && window.opens > now) return window.opens;
  }
  return null;
}

function oraclePlan(rules: ClinicRules, now: DateTime, bookings: ReadonlyMap<number, number>, requestedStart?: DateTime): BookingPlan {
  if (!isBookingOpen(rules, now)) {
    const opensAt = nextBookingOpening(rules, now);
    throw new BookingClosed(opensAt ? showInstant(rules, opensAt) : null);
  }
  const { firstDate, lastDate } = bookingHorizon(rules, now);
  const all: Slot[] = [];
  for (let d = firstDate; d <= lastDate; d = addDays(d, 1)) all.push(...oracleSlotsOnDate(rules, d));
  const earliest = now.plus({ minutes: rules.minNoticeMinutes }).toMillis();
  const afterHorizon = endOfLocalDate(rules, lastDate).toMillis();
  const bookable = all
    .filter((s) => s.start.toMillis() >= earliest && s.start.toMillis() < afterHorizon)
    .map((s) => ({ ...s, booked: bookings.get(s.start.toMillis()) ?? 0 }));
  const free = bookable.filter((s) => freePlaces(s) > 0);
  const tomorrow = endOfLocalDate(rules, localDate(rules, now)).toMillis();
  const requestedBeforeCutoff = isBeforeCutoff(rules, now);
  const sameDaySlotFree = free.some((s) => s.start.toMillis() < tomorrow);
  if (!requestedStart) {
    if (free.length === 0) throw new NoFreeSlot(lastDate);
    return { candidates: free, requestedBeforeCutoff, sameDaySlotFree, patientChoseLaterDay: false };
  }
  const requested = bookable.find((s) => s.start.toMillis() === requestedStart.toMillis());
  if (!requested) throw new SlotUnavailable(showInstant(rules, requestedStart), 'unavailable');
  if (freePlaces(requested) === 0) throw new SlotFull(showInstant(rules, requestedStart));
  return { candidates: [requested], requestedBeforeCutoff, sameDaySlotFree, patientChoseLaterDay: choseLaterDay(rules, now, requested.start, sameDaySlotFree) };
}

// ---- Comparable outcomes: instants as epoch ms, errors as code and details. ----
const slotKey = (s: Slot) => [s.start.toMillis(), s.end.toMillis(), s.capacity];

function outcome(plan: () => BookingPlan) {
  try {
    const p = plan();
    return { candidates: p.candidates.map(slotKey), before: p.requestedBeforeCutoff, sameDay: p.sameDaySlotFree, later: p.patientChoseLaterDay };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, details: error.details };
  }
}

// Dates around the DST switches of 2026 (29 March, 25 October), Easter 2026 (3–6 April), midsommar and Christmas.
// Jerusalem and Cairo switch on working days (Fridays, Thursdays), so their switches fall inside booking windows.
const DATES = [
  '2026-03-25', '2026-03-27', '2026-03-29', '2026-03-30', '2026-04-02', '2026-04-24', '2026-06-18',
  '2026-10-22', '2026-10-25', '2026-10-26', '2026-10-29', '2026-12-22',
];
const ZONES = ['Europe/Stockholm', 'Europe/Stockholm', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Jerusalem', 'Africa/Cairo'];
const TIMES = ['00:00', '00:30', '01:00', '02:00', '02:30', '03:00', '05:00', '06:00', '08:00', '12:00', '13:00', '16:00', '16:30', '17:00', '20:00', '23:00', '24:00'];

const arbTime = fc.constantFrom(...TIMES);
const arbWindow = fc
  .tuple(fc.constantFrom('00:00', '02:00', '02:30', '05:00', '06:00'), fc.constantFrom('17:00', '20:00', '23:00', '24:00'))
  .map(([open, close]) => ({ open, close }));
const arbCapacityRule = fc
  .tuple(fc.subarray([1, 2, 3, 4, 5, 6, 7] as Weekday[], { minLength: 1 }), arbTime, arbTime, fc.integer({ min: 0, max: 4 }))
  .filter(([, from, to]) => minutesOfDay(from) < minutesOfDay(to))
  .map(([weekdays, from, to, capacity]) => ({ weekdays, from, to, capacity }));
const arbException = fc.oneof(
  fc.record({ date: fc.constantFrom(...DATES.map((d) => addDays(d, 1))), closed: fc.constant(true), capacity: fc.constant(null) }),
  fc.record({ date: fc.constantFrom(...DATES), closed: fc.constant(false), capacity: fc.integer({ min: 0, max: 3 }) }),
);

const arbRules = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    weekday: arbWindow,
    weekend: fc.option(arbWindow),
    slotMinutes: fc.constantFrom(5, 10, 15, 20, 25, 30, 45, 60, 120),
    capacityRules: fc.array(arbCapacityRule, { maxLength: 4 }),
    exceptions: fc.uniqueArray(arbException, { maxLength: 3, selector: (e) => e.date }),
    minNoticeMinutes: fc.constantFrom(0, 5, 30, 240),
    bookingHorizonDays: fc.integer({ min: 1, max: 16 }),
    sameDayCutoff: fc.constantFrom('00:00', '12:00', '16:00', '17:00', '24:00'),
  })
  .map((r) =>
    clinicRules({
      id: 'vc-oracle',
      name: 'Oracle',
      timezone: r.timezone,
      bookingWindow: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), d <= 5 ? r.weekday : r.weekend]).filter(([, w]) => w)),
      slotMinutes: r.slotMinutes,
      capacityRules: r.capacityRules.length ? r.capacityRules : undefined,
      dateExceptions: r.exceptions,
      minNoticeMinutes: r.minNoticeMinutes,
      bookingHorizonDays: r.bookingHorizonDays,
      sameDayCutoff: r.sameDayCutoff,
    }),
  );

describe('the epoch-ms slot model against the luxon oracle', () => {
  it('gives the same slots on every date around DST switches, holidays and exceptions', () => {
    fc.assert(
      fc.property(arbRules, fc.constantFrom(...DATES), fc.integer({ min: -2, max: 2 }), (rules, date, shift) => {
        const d = addDays(date, shift);
        expect(slotsOnDate(rules, d).map(slotKey)).toEqual(oracleSlotsOnDate(rules, d).map(slotKey));
        // Asked again (now from the cache) and over a range: still the same.
        expect(slotsOnDate(rules, d).map(slotKey)).toEqual(oracleSlotsOnDate(rules, d).map(slotKey));
        const to = addDays(d, 3);
        const oracle: Slot[] = [];
        for (let x = d; x <= to; x = addDays(x, 1)) oracle.push(...oracleSlotsOnDate(rules, x));
        expect(slotsBetween(rules, d, to).map(slotKey)).toEqual(oracle.map(slotKey));
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('plans the same booking: candidates, cut-off, same-day slot, later day, and the same refusals', () => {
    fc.assert(
      fc.property(
        arbRules,
        fc.constantFrom(...DATES),
        // Often on a slot boundary, where the notice, the window and the cut-off are decided to the millisecond.
        fc.oneof(
          fc.integer({ min: -6 * 60, max: 30 * 60 }),
          fc.integer({ min: -72, max: 360 }).map((m) => m * 5),
          fc.constantFrom(...TIMES.filter((t) => t !== '24:00')),
        ),
        fc.constantFrom(0, 0, 0, 1, 59),
        fc.array(fc.tuple(fc.nat(400), fc.integer({ min: 0, max: 5 })), { maxLength: 60 }),
        fc.option(fc.tuple(fc.nat(400), fc.boolean())),
        (rules, date, minutes, second, booked, pick) => {
          const now =
            typeof minutes === 'string'
              ? DateTime.fromISO(`${date}T${minutes}`, { zone: rules.timezone }).plus({ seconds: second === 59 ? -1 : second })
              : DateTime.fromISO(date, { zone: rules.timezone }).plus({ minutes, seconds: second });
          const horizon = slotsBetween(rules, localDate(rules, now), addDays(localDate(rules, now), rules.bookingHorizonDays));
          const bookings = new Map<number, number>();
          for (const [i, n] of booked) if (horizon.length) bookings.set(horizon[i % horizon.length]!.start.toMillis(), n);
          let requested: DateTime | undefined;
          if (pick) {
            const [i, onSlot] = pick;
            requested = onSlot && horizon.length ? horizon[i % horizon.length]!.start : now.plus({ minutes: i * 7 });
          }
          const actual = outcome(() => planBooking(rules, now, bookings, requested));
          const expected = outcome(() => oraclePlan(rules, now, bookings, requested));
          if ('code' in expected && expected.code === 'slot_unavailable') {
            expect(actual).toMatchObject({ code: 'slot_unavailable' });
          } else {
            expect(actual).toEqual(expected);
          }
        },
      ),
      { numRuns: 800, seed: 11 },
    );
  });

  it('hand-checked: a switch on a working day gives an all-day window one hour less or more of slots', () => {
    const allDay = { open: '00:00', close: '24:00' };
    const inZone = (timezone: string) =>
      clinicRules({
        id: 'vc-dst',
        name: 'DST',
        timezone,
        bookingWindow: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), allDay])),
        capacityRules: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00', capacity: 1 }],
      });
    // Stockholm switches on Sundays (2026-03-29, 2026-10-25): no bookings either way.
    expect(slotsOnDate(inZone('Europe/Stockholm'), '2026-03-29')).toEqual([]);
    expect(slotsOnDate(inZone('Europe/Stockholm'), '2026-10-25')).toEqual([]);
    expect(slotsOnDate(inZone('Europe/Stockholm'), '2026-03-30')).toHaveLength(96);
    // Jerusalem springs forward on Friday 27 March 2026: 23 hours. Cairo falls back at the end of Thursday 29 October: 25.
    const jerusalem = slotsOnDate(inZone('Asia/Jerusalem'), '2026-03-27');
    expect(jerusalem).toHaveLength(92);
    expect(jerusalem.map((s) => showInstant({ timezone: 'Asia/Jerusalem' }, s.start)).slice(7, 9)).toEqual([
      '2026-03-27T01:45:00+02:00',
      '2026-03-27T03:00:00+03:00',
    ]);
    expect(slotsOnDate(inZone('Africa/Cairo'), '2026-10-29')).toHaveLength(100);
  });
});
