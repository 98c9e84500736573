// Rule 3: callback slots with a capacity, generated per local date, and which of them can be booked now.
import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { clinicRules, WEEKDAYS, type ClinicRulesInput } from '../../src/domain/clinic.js';
import { bookingWindowOn } from '../../src/domain/schedule.js';
import { bookableRange, bookingHorizon, slotsOnDate, type Slot } from '../../src/domain/slots.js';
import { slotCapacity, slotsBetween } from '../support/slots.js';

const rules = clinicRules({ id: 'vc-test', name: 'Test' });

function stockholm(localIso: string): DateTime {
  return DateTime.fromISO(localIso, { zone: 'Europe/Stockholm' });
}

function localTimes(slots: Slot[], zone = 'Europe/Stockholm'): string[] {
  return slots.map((s) => s.start.setZone(zone).toFormat('HH:mm'));
}

/** Whether the slot lies in the model's bookable range at `now` (rule 3). */
function isBookableAt(rules: ReturnType<typeof clinicRules>, slot: Slot, now: DateTime): boolean {
  const { earliestMs, afterHorizonMs } = bookableRange(rules, now);
  return slot.start.toMillis() >= earliestMs && slot.start.toMillis() < afterHorizonMs;
}

function rulesWith(overrides: Partial<ClinicRulesInput>) {
  return clinicRules({ id: 'vc-test', name: 'Test', ...overrides });
}

/** Each slot starts where the previous ended, and no two slots share a start. */
function expectContiguousAndDistinct(slots: Slot[]): void {
  for (let i = 1; i < slots.length; i++) {
    expect(slots[i]!.start.toMillis(), `slot ${i} starts where slot ${i - 1} ends`).toBe(slots[i - 1]!.end.toMillis());
  }
  expect(new Set(slots.map((s) => s.start.toMillis())).size).toBe(slots.length);
}

describe('slotsOnDate with the default clinic', () => {
  it('gives 44 fifteen-minute slots from 06:00 to 17:00 on an ordinary weekday', () => {
    const slots = slotsOnDate(rules, '2027-04-14');
    // 11 hours × 4 slots an hour = 44.
    expect(slots).toHaveLength(44);
    expect(slots[0]!.start.setZone('Europe/Stockholm').toISO()).toBe('2027-04-14T06:00:00.000+02:00');
    expect(slots[0]!.end.setZone('Europe/Stockholm').toISO()).toBe('2027-04-14T06:15:00.000+02:00');
    expect(slots[43]!.start.setZone('Europe/Stockholm').toISO()).toBe('2027-04-14T16:45:00.000+02:00');
    expect(slots[43]!.end.setZone('Europe/Stockholm').toISO()).toBe('2027-04-14T17:00:00.000+02:00');
    expectContiguousAndDistinct(slots);
  });

  it('has capacity 2 through the day and 1 over lunch 12:00–13:00', () => {
    const slots = slotsOnDate(rules, '2027-04-14');
    const lunch = slots.filter((s) => s.capacity === 1);
    expect(localTimes(lunch)).toEqual(['12:00', '12:15', '12:30', '12:45']);
    expect(slots.filter((s) => s.capacity === 2)).toHaveLength(40);
    expect(slots.find((s) => localTimes([s])[0] === '11:45')?.capacity).toBe(2);
    expect(slots.find((s) => localTimes([s])[0] === '13:00')?.capacity).toBe(2);
    // 40 × 2 + 4 × 1 = 84 places in the day.
    expect(slots.reduce((sum, s) => sum + s.capacity, 0)).toBe(84);
  });

  it('puts 06:00 on skärtorsdagen 2027-03-25 at 05:00Z (winter time)', () => {
    expect(slotsOnDate(rules, '2027-03-25')[0]!.start.toUTC().toISO()).toBe('2027-03-25T05:00:00.000Z');
  });

  it('puts 06:00 on Tuesday 2027-03-30 at 04:00Z (summer time)', () => {
    expect(slotsOnDate(rules, '2027-03-30')[0]!.start.toUTC().toISO()).toBe('2027-03-30T04:00:00.000Z');
  });

  it('has no slots on the Stockholm DST switch days, which are Sundays', () => {
    expect(slotsOnDate(rules, '2027-03-28')).toEqual([]);
    expect(slotsOnDate(rules, '2027-10-31')).toEqual([]);
  });

  it('has no slots on holidays, julafton or a date the clinic closed', () => {
    expect(slotsOnDate(rules, '2027-03-26')).toEqual([]); // långfredagen
    expect(slotsOnDate(rules, '2027-12-24')).toEqual([]); // julafton
    const closed = rulesWith({ dateExceptions: [{ date: '2027-04-14', closed: true }] });
    expect(slotsOnDate(closed, '2027-04-14')).toEqual([]);
  });

  it('keeps 44 slots on the working days either side of a DST switch', () => {
    for (const date of ['2027-03-25', '2027-03-30', '2027-10-29', '2027-11-01']) {
      const slots = slotsOnDate(rules, date);
      expect(slots, date).toHaveLength(44);
      expectContiguousAndDistinct(slots);
    }
    expect(slotsOnDate(rules, '2027-10-29')[0]!.start.toUTC().toISO()).toBe('2027-10-29T04:00:00.000Z');
    expect(slotsOnDate(rules, '2027-11-01')[0]!.start.toUTC().toISO()).toBe('2027-11-01T05:00:00.000Z');
  });
});

// Stockholm switches on Sundays, which are closed, so the DST invariants are tested in zones that
// switch on a Swedish working day (the calendar is Swedish whatever the zone). Found with luxon:
//   Asia/Jerusalem 2026-03-27 (Fri): 02:00+02 → 03:00+03, a 23-hour day.
//   Africa/Cairo  2027-10-28 (Thu): 24:00+03 → 23:00+02, a 25-hour day.
//   Africa/Cairo  2027-04-30 (Fri, valborgsmässoafton): 00:00+02 → 01:00+03, a 23-hour day without a midnight.
describe('slotsOnDate across a DST switch on a working day (00:00–24:00 window)', () => {
  const allDay = { open: '00:00', close: '24:00' };
  function allDayClinic(timezone: string) {
    return rulesWith({
      timezone,
      bookingWindow: { '1': allDay, '2': allDay, '3': allDay, '4': allDay, '5': allDay },
      capacityRules: [{ weekdays: [...WEEKDAYS], from: '00:00', to: '24:00', capacity: 1 }],
    });
  }

  it('gives 23 × 4 = 92 slots on the spring-forward day in Jerusalem, skipping 02:00–03:00', () => {
    const zone = 'Asia/Jerusalem';
    const slots = slotsOnDate(allDayClinic(zone), '2026-03-27');
    expect(slots).toHaveLength(92);
    expectContiguousAndDistinct(slots);
    expect(slots[0]!.start.setZone(zone).toISO()).toBe('2026-03-27T00:00:00.000+02:00');
    expect(slots[7]!.start.setZone(zone).toISO()).toBe('2026-03-27T01:45:00.000+02:00');
    expect(slots[8]!.start.setZone(zone).toISO()).toBe('2026-03-27T03:00:00.000+03:00');
    expect(slots[91]!.end.setZone(zone).toISO()).toBe('2026-03-28T00:00:00.000+03:00');
    expect(slots[91]!.end.toUTC().toISO()).toBe('2026-03-27T21:00:00.000Z');
  });

  it('gives 25 × 4 = 100 slots on the fall-back day in Cairo, with 23:00–24:00 twice', () => {
    const zone = 'Africa/Cairo';
    const slots = slotsOnDate(allDayClinic(zone), '2027-10-28');
    expect(slots).toHaveLength(100);
    expectContiguousAndDistinct(slots);
    expect(slots[0]!.start.setZone(zone).toISO()).toBe('2027-10-28T00:00:00.000+03:00');
    expect(slots[92]!.start.setZone(zone).toISO()).toBe('2027-10-28T23:00:00.000+03:00');
    expect(slots[96]!.start.setZone(zone).toISO()).toBe('2027-10-28T23:00:00.000+02:00');
    expect(slots[99]!.end.setZone(zone).toISO()).toBe('2027-10-29T00:00:00.000+02:00');
    expect(slots[99]!.end.toUTC().toISO()).toBe('2027-10-28T22:00:00.000Z');
  });

  it('ends the window at the next midnight on a day whose own midnight does not exist (Cairo 2027-04-30)', () => {
    const window = bookingWindowOn(allDayClinic('Africa/Cairo'), '2027-04-30');
    // The day runs from 01:00+03 (00:00+02 never happens) to the next midnight, 00:00+03 on 1 May.
    expect(window?.opens.setZone('Africa/Cairo').toISO()).toBe('2027-04-30T01:00:00.000+03:00');
    expect(window?.closes.setZone('Africa/Cairo').toISO()).toBe('2027-05-01T00:00:00.000+03:00');
  });

  it('gives 23 × 4 = 92 slots on the spring-forward day in Cairo, all on that local date', () => {
    const zone = 'Africa/Cairo';
    const slots = slotsOnDate(allDayClinic(zone), '2027-04-30');
    expect(slots).toHaveLength(92);
    expectContiguousAndDistinct(slots);
    expect(slots.every((s) => s.start.setZone(zone).toISODate() === '2027-04-30')).toBe(true);
    expect(slots[0]!.start.setZone(zone).toISO()).toBe('2027-04-30T01:00:00.000+03:00');
    expect(slots.at(-1)!.end.setZone(zone).toISO()).toBe('2027-05-01T00:00:00.000+03:00');
  });

  it('does not count the hour after the next midnight into a horizon ending on such a day', () => {
    // Cairo, horizon of 1 day on Fri 2027-04-30: the last bookable date is 30 April, so a slot
    // starting 00:30+03:00 on Saturday 1 May lies beyond it.
    const cairo = rulesWith({ timezone: 'Africa/Cairo', bookingHorizonDays: 1 });
    const now = DateTime.fromISO('2027-04-30T10:00', { zone: 'Africa/Cairo' });
    const start = DateTime.fromISO('2027-05-01T00:30', { zone: 'Africa/Cairo' });
    expect(bookingHorizon(cairo, now)).toEqual({ firstDate: '2027-04-30', lastDate: '2027-04-30' });
    expect(isBookableAt(cairo, { start, end: start.plus({ minutes: 15 }), capacity: 1 }, now)).toBe(false);
  });

  it('gives 24 × 4 = 96 slots on an ordinary day in the same zones', () => {
    expect(slotsOnDate(allDayClinic('Asia/Jerusalem'), '2026-03-26')).toHaveLength(96);
    expect(slotsOnDate(allDayClinic('Africa/Cairo'), '2027-10-27')).toHaveLength(96);
  });
});

describe('slotCapacity', () => {
  it('lets a later rule override an earlier one', () => {
    const lunchFirst = rulesWith({
      capacityRules: [
        { weekdays: [1, 2, 3, 4, 5], from: '12:00', to: '13:00', capacity: 1 },
        { weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 3 },
      ],
    });
    // The general rule comes last, so it wins over lunch too.
    expect(slotCapacity(lunchFirst, stockholm('2027-04-14T12:15'))).toBe(3);
    expect(slotCapacity(rules, stockholm('2027-04-14T12:15'))).toBe(1);
    expect(slotCapacity(rules, stockholm('2027-04-14T11:45'))).toBe(2);
  });

  it('treats a rule’s end as exclusive and its start as inclusive', () => {
    expect(slotCapacity(rules, stockholm('2027-04-14T12:00'))).toBe(1);
    expect(slotCapacity(rules, stockholm('2027-04-14T13:00'))).toBe(2);
    expect(slotCapacity(rules, stockholm('2027-04-14T17:00'))).toBe(0);
    expect(slotCapacity(rules, stockholm('2027-04-14T05:45'))).toBe(0);
  });

  it('applies a rule only on its weekdays', () => {
    const mondays = rulesWith({
      capacityRules: [
        { weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 2 },
        { weekdays: [1], from: '06:00', to: '09:00', capacity: 5 },
      ],
    });
    expect(slotCapacity(mondays, stockholm('2027-04-12T07:00'))).toBe(5); // Monday
    expect(slotCapacity(mondays, stockholm('2027-04-13T07:00'))).toBe(2); // Tuesday
  });

  it('lets a date exception’s capacity override every rule, lunch included', () => {
    const busyDay = rulesWith({ dateExceptions: [{ date: '2027-04-14', capacity: 4 }] });
    expect(slotCapacity(busyDay, stockholm('2027-04-14T07:00'))).toBe(4);
    expect(slotCapacity(busyDay, stockholm('2027-04-14T12:30'))).toBe(4);
    expect(slotCapacity(busyDay, stockholm('2027-04-15T12:30'))).toBe(1);
    const slots = slotsOnDate(busyDay, '2027-04-14');
    expect(slots).toHaveLength(44);
    expect(slots.every((s) => s.capacity === 4)).toBe(true);
  });
});

describe('slots with capacity 0 and other slot lengths', () => {
  it('omits slots whose capacity is 0', () => {
    const noLunch = rulesWith({
      capacityRules: [
        { weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 2 },
        { weekdays: [1, 2, 3, 4, 5], from: '12:00', to: '13:00', capacity: 0 },
      ],
    });
    const slots = slotsOnDate(noLunch, '2027-04-14');
    expect(slots).toHaveLength(40);
    const times = localTimes(slots);
    expect(times).not.toContain('12:00');
    expect(times).not.toContain('12:45');
    expect(times[times.indexOf('11:45') + 1]).toBe('13:00');
  });

  it('gives no slots on a working day whose exception sets capacity 0', () => {
    const noStaff = rulesWith({ dateExceptions: [{ date: '2027-04-14', capacity: 0 }] });
    expect(bookingWindowOn(noStaff, '2027-04-14')).not.toBeNull();
    expect(slotsOnDate(noStaff, '2027-04-14')).toEqual([]);
  });

  it('gives no slots when no capacity rule covers the window', () => {
    const unstaffed = rulesWith({ capacityRules: [] });
    expect(slotsOnDate(unstaffed, '2027-04-14')).toEqual([]);
  });

  it('gives 66 ten-minute slots for a clinic with slotMinutes 10', () => {
    const tenMinutes = rulesWith({ slotMinutes: 10 });
    const slots = slotsOnDate(tenMinutes, '2027-04-14');
    // 11 hours × 6 = 66 slots, 6 of them over lunch with capacity 1.
    expect(slots).toHaveLength(66);
    expectContiguousAndDistinct(slots);
    expect(localTimes(slots).slice(0, 3)).toEqual(['06:00', '06:10', '06:20']);
    expect(slots[65]!.end.setZone('Europe/Stockholm').toISO()).toBe('2027-04-14T17:00:00.000+02:00');
    expect(localTimes(slots.filter((s) => s.capacity === 1))).toEqual(['12:00', '12:10', '12:20', '12:30', '12:40', '12:50']);
  });

  it('never lets the last slot run past closing when the length does not divide the window', () => {
    const twentyFive = rulesWith({ slotMinutes: 25 });
    const slots = slotsOnDate(twentyFive, '2027-04-14');
    // 660 minutes / 25 = 26 whole slots; the 27th would end at 17:15.
    expect(slots).toHaveLength(26);
    expect(slots[25]!.end.setZone('Europe/Stockholm').toISO()).toBe('2027-04-14T16:50:00.000+02:00');
  });
});

describe('slotsBetween', () => {
  it('covers an inclusive range of local dates and skips closed days (Easter 2027)', () => {
    // 25 Mar (Thu) and 30 Mar (Tue) are working days; 26–29 Mar are closed.
    const slots = slotsBetween(rules, '2027-03-25', '2027-03-30');
    expect(slots).toHaveLength(88);
    expect(slots[0]!.start.toUTC().toISO()).toBe('2027-03-25T05:00:00.000Z');
    expect(slots[43]!.end.toUTC().toISO()).toBe('2027-03-25T16:00:00.000Z');
    expect(slots[44]!.start.toUTC().toISO()).toBe('2027-03-30T04:00:00.000Z');
    expect(slots[87]!.end.setZone('Europe/Stockholm').toISO()).toBe('2027-03-30T17:00:00.000+02:00');
  });

  it('gives one day’s slots when from and to are the same date', () => {
    expect(slotsBetween(rules, '2027-04-14', '2027-04-14')).toHaveLength(44);
  });

  it('gives nothing when the range is only closed days', () => {
    expect(slotsBetween(rules, '2027-12-24', '2027-12-26')).toEqual([]);
  });

  it('walks across the autumn switch by calendar days, not 24 hours', () => {
    // Fri 29 Oct, (Sat, Sun 31 Oct switch), Mon 1 Nov: 2 working days.
    const slots = slotsBetween(rules, '2027-10-29', '2027-11-01');
    expect(slots).toHaveLength(88);
    expect(slots[44]!.start.setZone('Europe/Stockholm').toISO()).toBe('2027-11-01T06:00:00.000+01:00');
  });
});

describe('bookingHorizon', () => {
  it('runs 14 local dates counted from today by default', () => {
    expect(bookingHorizon(rules, stockholm('2027-04-14T10:00'))).toEqual({
      firstDate: '2027-04-14',
      lastDate: '2027-04-27',
    });
  });

  it('counts from the clinic’s local date, not the UTC date', () => {
    // 22:30Z on 14 April is 00:30 on 15 April in Stockholm.
    expect(bookingHorizon(rules, DateTime.fromISO('2027-04-14T22:30:00Z'))).toEqual({
      firstDate: '2027-04-15',
      lastDate: '2027-04-28',
    });
  });

  it('is only today when bookingHorizonDays is 1', () => {
    expect(bookingHorizon(rulesWith({ bookingHorizonDays: 1 }), stockholm('2027-04-14T10:00'))).toEqual({
      firstDate: '2027-04-14',
      lastDate: '2027-04-14',
    });
  });

  it('counts calendar days across the spring DST switch', () => {
    expect(bookingHorizon(rules, stockholm('2027-03-25T16:00'))).toEqual({
      firstDate: '2027-03-25',
      lastDate: '2027-04-07',
    });
  });
});

describe('isBookableAt', () => {
  function slotAt(localIso: string): Slot {
    const start = stockholm(localIso);
    return { start, end: start.plus({ minutes: 15 }), capacity: 2 };
  }

  it('accepts a slot starting exactly the minimum notice (5 minutes) from now', () => {
    expect(isBookableAt(rules, slotAt('2027-04-14T10:15'), stockholm('2027-04-14T10:10'))).toBe(true);
  });

  it('refuses a slot starting less than the minimum notice from now', () => {
    expect(isBookableAt(rules, slotAt('2027-04-14T10:15'), stockholm('2027-04-14T10:10:01'))).toBe(false);
    expect(isBookableAt(rules, slotAt('2027-04-14T10:00'), stockholm('2027-04-14T10:02'))).toBe(false);
  });

  it('uses the clinic’s own minimum notice', () => {
    const halfHour = rulesWith({ minNoticeMinutes: 30 });
    expect(isBookableAt(halfHour, slotAt('2027-04-14T10:30'), stockholm('2027-04-14T10:00'))).toBe(true);
    expect(isBookableAt(halfHour, slotAt('2027-04-14T10:30'), stockholm('2027-04-14T10:01'))).toBe(false);
    const none = rulesWith({ minNoticeMinutes: 0 });
    expect(isBookableAt(none, slotAt('2027-04-14T10:15'), stockholm('2027-04-14T10:15'))).toBe(true);
  });

  it('accepts the last date of the horizon and refuses the day after', () => {
    const now = stockholm('2027-04-14T10:00');
    expect(isBookableAt(rules, slotAt('2027-04-27T16:45'), now)).toBe(true);
    expect(isBookableAt(rules, slotAt('2027-04-28T06:00'), now)).toBe(false);
  });

  it('uses the clinic’s own horizon', () => {
    const threeDays = rulesWith({ bookingHorizonDays: 3 });
    const now = stockholm('2027-04-14T10:00');
    expect(isBookableAt(threeDays, slotAt('2027-04-16T16:45'), now)).toBe(true);
    expect(isBookableAt(threeDays, slotAt('2027-04-17T06:00'), now)).toBe(false);
  });
});
