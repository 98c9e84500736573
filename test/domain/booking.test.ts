// Rules 1, 3 and 5: which slot a callback request gets, given the slots' current bookings.
import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { clinicRules } from '../../src/domain/clinic.js';
import { planBooking } from '../../src/domain/booking.js';
import { AppError, BookingClosed, NoFreeSlot, SlotFull, SlotUnavailable } from '../../src/errors.js';

const rules = clinicRules({ id: 'vc-test', name: 'Test' });
const NO_BOOKINGS: ReadonlyMap<number, number> = new Map();

function stockholm(localIso: string): DateTime {
  return DateTime.fromISO(localIso, { zone: 'Europe/Stockholm' });
}

function shown(instant: DateTime | undefined): string | undefined {
  return instant?.setZone('Europe/Stockholm').toISO() ?? undefined;
}

function thrownBy(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError to be thrown, but nothing was thrown');
}

/**
 * Every slot from `fromLocal` up to 17:00 on that date booked to its capacity, written by hand
 * from the default rules: 2 places, 1 place 12:00–13:00.
 */
function fullFrom(fromLocal: string): Map<number, number> {
  const bookings = new Map<number, number>();
  const start = stockholm(fromLocal);
  const close = start.set({ hour: 17, minute: 0 });
  for (let t = start; t < close; t = t.plus({ minutes: 15 })) {
    bookings.set(t.toMillis(), t.hour === 12 ? 1 : 2);
  }
  return bookings;
}

describe('planBooking outside the booking window (rule 1)', () => {
  it('refuses a request at 05:59 and says booking opens at 06:00 today', () => {
    const error = thrownBy(() => planBooking(rules, stockholm('2027-04-14T05:59'), NO_BOOKINGS));
    expect(error).toBeInstanceOf(BookingClosed);
    expect(error.code).toBe('booking_closed');
    expect(error.details).toEqual({ opensAt: '2027-04-14T06:00:00+02:00' });
  });

  it('refuses a request at 17:00 and says booking opens at 06:00 the next morning', () => {
    const error = thrownBy(() => planBooking(rules, stockholm('2027-04-14T17:00'), NO_BOOKINGS));
    expect(error).toBeInstanceOf(BookingClosed);
    expect(error.details).toEqual({ opensAt: '2027-04-15T06:00:00+02:00' });
  });

  it('refuses bookings at 17:00 on skärtorsdagen and says booking opens Tuesday 06:00 after Easter', () => {
    const error = thrownBy(() => planBooking(rules, stockholm('2027-03-25T17:00'), NO_BOOKINGS));
    expect(error).toBeInstanceOf(BookingClosed);
    expect(error.details).toEqual({ opensAt: '2027-03-30T06:00:00+02:00' });
  });

  it('refuses bookings on julafton and says booking opens Monday 27 December 06:00', () => {
    const error = thrownBy(() => planBooking(rules, stockholm('2027-12-24T10:00'), NO_BOOKINGS));
    expect(error).toBeInstanceOf(BookingClosed);
    expect((error as BookingClosed).opensAt).toBe('2027-12-27T06:00:00+01:00');
    expect(error.message).toContain('2027-12-27T06:00:00+01:00');
  });

  it('refuses even a named slot while booking is closed', () => {
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T17:30'), NO_BOOKINGS, stockholm('2027-04-15T09:00')),
    );
    expect(error).toBeInstanceOf(BookingClosed);
  });
});

describe('planBooking without a named slot (rule 5: same day while a slot is free)', () => {
  it('offers the earliest free slot today first', () => {
    // 10:02: the 10:00 slot has begun; 10:15 starts 13 minutes from now, beyond the 5-minute notice.
    const plan = planBooking(rules, stockholm('2027-04-14T10:02'), NO_BOOKINGS);
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T10:15:00.000+02:00');
    expect(plan.sameDaySlotFree).toBe(true);
    expect(plan.requestedBeforeCutoff).toBe(true);
    expect(plan.patientChoseLaterDay).toBe(false);
  });

  it('offers 06:00 to a request at 06:00 exactly when the minimum notice is 0', () => {
    const noNotice = clinicRules({ id: 'vc-test', name: 'Test', minNoticeMinutes: 0 });
    const plan = planBooking(noNotice, stockholm('2027-04-14T06:00'), NO_BOOKINGS);
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T06:00:00.000+02:00');
  });

  it('offers 06:15 to a request at 06:00 with the default 5-minute notice', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T06:00'), NO_BOOKINGS);
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T06:15:00.000+02:00');
  });

  it('skips full slots and offers the next one with a free place', () => {
    const bookings = new Map([
      [stockholm('2027-04-14T10:15').toMillis(), 2],
      [stockholm('2027-04-14T10:30').toMillis(), 2],
      [stockholm('2027-04-14T10:45').toMillis(), 1],
    ]);
    const plan = planBooking(rules, stockholm('2027-04-14T10:02'), bookings);
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T10:45:00.000+02:00');
    expect(plan.candidates.map((s) => shown(s.start))).not.toContain('2027-04-14T10:15:00.000+02:00');
    expect(plan.candidates.map((s) => shown(s.start))).not.toContain('2027-04-14T10:30:00.000+02:00');
  });

  it('treats a lunch slot with one booking as full (capacity 1)', () => {
    const bookings = new Map([[stockholm('2027-04-14T12:15').toMillis(), 1]]);
    const plan = planBooking(rules, stockholm('2027-04-14T12:02'), bookings);
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T12:30:00.000+02:00');
  });

  it('lists the candidates in time order, today before later days', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T16:30'), NO_BOOKINGS);
    expect(plan.candidates.slice(0, 2).map((s) => shown(s.start))).toEqual([
      '2027-04-14T16:45:00.000+02:00',
      '2027-04-15T06:00:00.000+02:00',
    ]);
  });

  it('offers the next working day 06:00 when every remaining slot today is full', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T10:02'), fullFrom('2027-04-14T10:15'));
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-15T06:00:00.000+02:00');
    expect(plan.sameDaySlotFree).toBe(false);
    expect(plan.requestedBeforeCutoff).toBe(true);
  });

  it('offers Tuesday after Easter when skärtorsdagen is full', () => {
    // Thu 25 Mar full from 10:15 → Tue 30 Mar 06:00, in summer time.
    const plan = planBooking(rules, stockholm('2027-03-25T10:02'), fullFrom('2027-03-25T10:15'));
    expect(shown(plan.candidates[0]?.start)).toBe('2027-03-30T06:00:00.000+02:00');
    expect(plan.candidates[0]?.start.toUTC().toISO()).toBe('2027-03-30T04:00:00.000Z');
    expect(plan.sameDaySlotFree).toBe(false);
  });

  it('throws NoFreeSlot naming the end of the horizon when every slot is full', () => {
    const oneDay = clinicRules({ id: 'vc-test', name: 'Test', bookingHorizonDays: 1 });
    const error = thrownBy(() => planBooking(oneDay, stockholm('2027-04-14T10:02'), fullFrom('2027-04-14T10:15')));
    expect(error).toBeInstanceOf(NoFreeSlot);
    expect(error.details).toEqual({ searchedUntil: '2027-04-14' });
  });
});

describe('planBooking: the 16:00 same-day cut-off (rule 5)', () => {
  it('counts a request at 15:59 as before the cut-off', () => {
    expect(planBooking(rules, stockholm('2027-04-14T15:59'), NO_BOOKINGS).requestedBeforeCutoff).toBe(true);
  });

  it('counts a request at 16:00 as after the cut-off, though slots are still free today', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T16:00'), NO_BOOKINGS);
    expect(plan.requestedBeforeCutoff).toBe(false);
    expect(plan.sameDaySlotFree).toBe(true);
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T16:15:00.000+02:00');
  });

  it('uses the clinic’s own cut-off', () => {
    const later = clinicRules({ id: 'vc-test', name: 'Test', sameDayCutoff: '16:30' });
    expect(planBooking(later, stockholm('2027-04-14T16:29'), NO_BOOKINGS).requestedBeforeCutoff).toBe(true);
    expect(planBooking(later, stockholm('2027-04-14T16:30'), NO_BOOKINGS).requestedBeforeCutoff).toBe(false);
  });

  it('judges the cut-off in local time on the first day of summer time', () => {
    // 13:59Z on 30 March 2027 is 15:59+02:00; 14:00Z is 16:00+02:00.
    expect(planBooking(rules, DateTime.fromISO('2027-03-30T13:59:00Z'), NO_BOOKINGS).requestedBeforeCutoff).toBe(true);
    expect(planBooking(rules, DateTime.fromISO('2027-03-30T14:00:00Z'), NO_BOOKINGS).requestedBeforeCutoff).toBe(false);
  });
});

describe('planBooking with a named slot', () => {
  it('plans exactly the named slot today', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T10:02'), NO_BOOKINGS, stockholm('2027-04-14T14:30'));
    expect(plan.candidates.map((s) => shown(s.start))).toEqual(['2027-04-14T14:30:00.000+02:00']);
    expect(plan.candidates[0]?.capacity).toBe(2);
    expect(plan.patientChoseLaterDay).toBe(false);
  });

  it('matches the named instant whatever zone it was given in', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T10:02'), NO_BOOKINGS, DateTime.fromISO('2027-04-14T12:30:00Z'));
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T14:30:00.000+02:00');
  });

  it('marks a later day chosen while a same-day slot was free as the patient’s choice', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T10:02'), NO_BOOKINGS, stockholm('2027-04-15T09:00'));
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-15T09:00:00.000+02:00');
    expect(plan.sameDaySlotFree).toBe(true);
    expect(plan.patientChoseLaterDay).toBe(true);
  });

  it('does not mark a later day as the patient’s choice when today is full', () => {
    const plan = planBooking(
      rules,
      stockholm('2027-04-14T10:02'),
      fullFrom('2027-04-14T10:15'),
      stockholm('2027-04-15T09:00'),
    );
    expect(plan.sameDaySlotFree).toBe(false);
    expect(plan.patientChoseLaterDay).toBe(false);
  });

  it('refuses a full slot with SlotFull naming its start', () => {
    const bookings = new Map([[stockholm('2027-04-14T11:00').toMillis(), 2]]);
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T10:02'), bookings, stockholm('2027-04-14T11:00')),
    );
    expect(error).toBeInstanceOf(SlotFull);
    expect(error.code).toBe('slot_full');
    expect(error.details).toEqual({ slotStart: '2027-04-14T11:00:00+02:00' });
  });

  it('refuses a lunch slot with one booking as full', () => {
    const bookings = new Map([[stockholm('2027-04-14T12:15').toMillis(), 1]]);
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T10:02'), bookings, stockholm('2027-04-14T12:15')),
    );
    expect(error).toBeInstanceOf(SlotFull);
  });

  it('accepts a slot with one of two places taken', () => {
    const bookings = new Map([[stockholm('2027-04-14T11:00').toMillis(), 1]]);
    const plan = planBooking(rules, stockholm('2027-04-14T10:02'), bookings, stockholm('2027-04-14T11:00'));
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T11:00:00.000+02:00');
  });

  it('refuses a start that is not on the slot grid (10:07) with SlotUnavailable', () => {
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T08:00'), NO_BOOKINGS, stockholm('2027-04-14T10:07')),
    );
    expect(error).toBeInstanceOf(SlotUnavailable);
    expect(error.code).toBe('slot_unavailable');
    expect(error.details).toEqual({
      slotStart: '2027-04-14T10:07:00+02:00',
      reason: 'the clinic offers no callback slot starting at that time.',
    });
  });

  it('refuses 12:00 on a Saturday, when the clinic offers no slots', () => {
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T08:00'), NO_BOOKINGS, stockholm('2027-04-17T12:00')),
    );
    expect(error).toBeInstanceOf(SlotUnavailable);
    expect(error.details).toEqual({
      slotStart: '2027-04-17T12:00:00+02:00',
      reason: 'the clinic offers no callback slot starting at that time.',
    });
  });

  it('refuses 17:00, which is closing time and not a slot', () => {
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T08:00'), NO_BOOKINGS, stockholm('2027-04-14T17:00')),
    );
    expect(error).toBeInstanceOf(SlotUnavailable);
  });

  it('refuses a slot starting sooner than the 5-minute notice', () => {
    // At 10:12 the 10:15 slot is 3 minutes away.
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T10:12'), NO_BOOKINGS, stockholm('2027-04-14T10:15')),
    );
    expect(error).toBeInstanceOf(SlotUnavailable);
    expect(error.details).toEqual({
      slotStart: '2027-04-14T10:15:00+02:00',
      reason: 'it starts too soon; slots must start at least 5 minutes from now.',
    });
  });

  it('accepts a slot starting exactly the 5-minute notice from now', () => {
    const plan = planBooking(rules, stockholm('2027-04-14T10:10'), NO_BOOKINGS, stockholm('2027-04-14T10:15'));
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-14T10:15:00.000+02:00');
  });

  it('refuses a slot that has already begun', () => {
    const error = thrownBy(() =>
      planBooking(rules, stockholm('2027-04-14T10:02'), NO_BOOKINGS, stockholm('2027-04-14T10:00')),
    );
    expect(error).toBeInstanceOf(SlotUnavailable);
  });

  it('accepts the last day of the 14-day horizon and refuses the day after', () => {
    // From Wed 14 April the horizon runs to Tue 27 April.
    const now = stockholm('2027-04-14T10:02');
    const plan = planBooking(rules, now, NO_BOOKINGS, stockholm('2027-04-27T09:00'));
    expect(shown(plan.candidates[0]?.start)).toBe('2027-04-27T09:00:00.000+02:00');
    const error = thrownBy(() => planBooking(rules, now, NO_BOOKINGS, stockholm('2027-04-28T09:00')));
    expect(error).toBeInstanceOf(SlotUnavailable);
    expect(error.details).toEqual({
      slotStart: '2027-04-28T09:00:00+02:00',
      reason: 'it is beyond the 14-day booking horizon.',
    });
  });
});

describe('planBooking at the end of a month', () => {
  it('gives a request on valborgsmässoafton 16:50 Monday 3 May 06:00 (1 May is a Saturday)', () => {
    // Fri 30 Apr 2027 is a working day; its last slot (16:45) has begun; Sat 1 May (första maj) and
    // Sun 2 May are closed.
    const plan = planBooking(rules, stockholm('2027-04-30T16:50'), NO_BOOKINGS);
    expect(shown(plan.candidates[0]?.start)).toBe('2027-05-03T06:00:00.000+02:00');
    expect(plan.sameDaySlotFree).toBe(false);
    expect(plan.requestedBeforeCutoff).toBe(false);
    expect(plan.patientChoseLaterDay).toBe(false);
  });

  it('gives a request on 30 December 16:50 Monday 3 January 2028 06:00', () => {
    // Thu 30 Dec 16:45 has begun; Fri 31 Dec nyårsafton, Sat 1 Jan nyårsdagen, Sun 2 Jan closed.
    const plan = planBooking(rules, stockholm('2027-12-30T16:50'), NO_BOOKINGS);
    expect(shown(plan.candidates[0]?.start)).toBe('2028-01-03T06:00:00.000+01:00');
  });
});
