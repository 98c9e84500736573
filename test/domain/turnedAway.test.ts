// Rule 13's figures and the hidden-queue flag, counted by hand.
import { describe, expect, it } from 'vitest';
import { AlreadyBooked, BookingClosed, NoFreeSlot, SlotFull, SlotUnavailable, TooManyBookings, ValidationFailed } from '../../src/errors.js';
import { addTurnedAway, emptyTurnedAway, isHiddenQueue, turnedAwayFigures, webRefusalReason, type TurnedAwayCounts } from '../../src/domain/turnedAway.js';

function counts(overrides: Partial<TurnedAwayCounts>): TurnedAwayCounts {
  return { ...emptyTurnedAway(), ...overrides };
}

describe('turnedAwayFigures', () => {
  it('adds phone and web refusals by reason and shares them out of every attempt', () => {
    // 10 calls: 4 booked, 1 hung up, 1 failed, 2 closed, 1 no time today, 1 duplicate. Web: 3 closed, 2 no time at all.
    // 14 callbacks requested that day, 4 of them by phone: 10 by web.
    const c = counts({
      callsReceived: 10,
      callsBooked: 4,
      callsLeftWithoutBooking: 1,
      callsFailed: 1,
      callsAnsweredSameDay: 3,
      requests: 14,
      phone: { booking_closed: 2, no_time_today: 1, no_free_time: 0, duplicate: 1 },
      web: { booking_closed: 3, no_time_today: 0, no_free_time: 2, duplicate: 0 },
    });
    // Same day A = 9, B = 10. Turned away 9 of 14 + 9 = 23 attempts. Wanting a time: 1 + 2 = 3 → 9 / 13.
    const f = turnedAwayFigures(c, { numerator: 9, denominator: 10, share: 0.9 });
    expect(f).toEqual({
      callsReceived: 10,
      booked: { total: 14, phone: 4, web: 10 },
      total: 9,
      bookingClosed: 5,
      noTimeToday: 1,
      noFreeTime: 2,
      duplicate: 1,
      byChannel: {
        phone: { total: 4, bookingClosed: 2, noTimeToday: 1, noFreeTime: 0, duplicate: 1 },
        web: { total: 5, bookingClosed: 3, noTimeToday: 0, noFreeTime: 2, duplicate: 0 },
      },
      leftWithoutBooking: 1,
      callsFailed: 1,
      callsAnsweredSameDay: 3,
      share: 9 / 23,
      contactSameDayShareWithTurnedAway: 9 / 13,
      hiddenQueue: true,
    });
  });

  it('has no shares without attempts, and no flag', () => {
    const f = turnedAwayFigures(emptyTurnedAway(), { numerator: 0, denominator: 0, share: null });
    expect(f).toMatchObject({ total: 0, share: null, contactSameDayShareWithTurnedAway: null, hiddenQueue: false, booked: { total: 0, phone: 0, web: 0 } });
  });

  it('sums days element by element', () => {
    const a = counts({ callsReceived: 2, phone: { booking_closed: 1, no_time_today: 0, no_free_time: 0, duplicate: 0 } });
    const b = counts({ callsReceived: 3, requests: 5, web: { booking_closed: 0, no_time_today: 0, no_free_time: 4, duplicate: 0 } });
    const sum = emptyTurnedAway();
    addTurnedAway(sum, a);
    addTurnedAway(sum, b);
    expect(sum).toMatchObject({ callsReceived: 5, requests: 5, phone: { booking_closed: 1 }, web: { no_free_time: 4 } });
    // The parts are not changed by summing.
    expect(a.callsReceived).toBe(2);
  });
});

describe('the hidden-queue flag', () => {
  it('flags a good same-day share beside one attempt in ten turned away, from 20 attempts', () => {
    expect(isHiddenQueue({ sameDayShare: 0.85, turnedAway: 2, attempts: 20 })).toBe(true);
    expect(isHiddenQueue({ sameDayShare: 0.849, turnedAway: 10, attempts: 20 })).toBe(false); // the share is poor anyway, and says so
    expect(isHiddenQueue({ sameDayShare: 1, turnedAway: 1, attempts: 20 })).toBe(false); // 5 %
    expect(isHiddenQueue({ sameDayShare: 1, turnedAway: 5, attempts: 19 })).toBe(false); // too few to say
    expect(isHiddenQueue({ sameDayShare: null, turnedAway: 50, attempts: 50 })).toBe(false);
  });
});

describe('webRefusalReason', () => {
  it('names the refusals that turn a patient away, and only those', () => {
    expect(webRefusalReason(new BookingClosed('2027-03-31T06:00:00+02:00'), false)).toBe('booking_closed');
    expect(webRefusalReason(new NoFreeSlot('2027-04-13'), false)).toBe('no_free_time');
    expect(webRefusalReason(new NoFreeSlot('2027-04-13'), true)).toBeNull();
    expect(webRefusalReason(new AlreadyBooked({ start: 'a', end: 'b' }), false)).toBe('duplicate');
    expect(webRefusalReason(new TooManyBookings(3), true)).toBe('duplicate');
    expect(webRefusalReason(new SlotFull('2027-03-30T10:00:00+02:00'), true)).toBeNull();
    expect(webRefusalReason(new SlotUnavailable('x', 'past'), true)).toBeNull();
    expect(webRefusalReason(new ValidationFailed([{ field: 'body.phone', message: 'bad' }]), false)).toBeNull();
    expect(webRefusalReason(new Error('database down'), false)).toBeNull();
  });
});
