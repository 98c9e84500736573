// Rule 12 as a pure rule: an open callback is missed once the local date of its promised slot has ended in the
// clinic's zone, on the hard days too (DST switch nights, month and year end, julafton), except while a nurse
// holds a live claim; and rule 11 reads "its day has passed" exactly the same way.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isStillToCome } from '../../src/domain/callerPolicy.js';
import type { CallbackStatus } from '../../src/domain/callback.js';
import { isMissed, missedFrom, startOfClinicDay } from '../../src/domain/missedCallback.js';

const zone = 'Europe/Stockholm';
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const callback = (slotStart: string, status: CallbackStatus = 'booked', claimExpiresAt: string | null = null) => ({
  status,
  slot: { start: at(slotStart), end: at(slotStart).plus({ minutes: 15 }) },
  claimExpiresAt: claimExpiresAt ? at(claimExpiresAt) : null,
});
const missedAt = (slotStart: string) => missedFrom(zone, at(slotStart)).toISO();

describe('missedFrom: the local midnight that ends the promised slot’s date', () => {
  it('is midnight with the new offset after the spring switch, a 23-hour day (28 March 2027)', () => {
    expect(missedAt('2027-03-28T01:30:00+01:00')).toBe('2027-03-29T00:00:00.000+02:00');
    expect(missedAt('2027-03-28T23:30:00+02:00')).toBe('2027-03-29T00:00:00.000+02:00');
    // 21 h 30 min after a slot at 01:30 (it would be 22 h 30 min on a normal day): the day was short.
    expect(at('2027-03-29T00:00:00+02:00').diff(at('2027-03-28T01:30:00+01:00'), 'hours').hours).toBe(21.5);
  });

  it('is midnight with the old offset after the autumn switch, a 25-hour day (31 October 2027)', () => {
    expect(missedAt('2027-10-31T00:30:00+02:00')).toBe('2027-11-01T00:00:00.000+01:00');
    const slot = callback('2027-10-31T00:30:00+02:00');
    // 23:30 local is 24 hours after midnight that day, and still the same day: a nurse may call then.
    expect(isMissed(slot, zone, at('2027-10-31T23:30:00+01:00'))).toBe(false);
    expect(isMissed(slot, zone, at('2027-10-31T23:59:59+01:00'))).toBe(false);
    expect(isMissed(slot, zone, at('2027-11-01T00:00:00+01:00'))).toBe(true);
  });

  it('crosses month and year ends', () => {
    expect(missedAt('2027-04-30T16:45:00+02:00')).toBe('2027-05-01T00:00:00.000+02:00');
    expect(missedAt('2027-02-26T16:45:00+01:00')).toBe('2027-02-27T00:00:00.000+01:00');
    expect(missedAt('2027-12-31T10:00:00+01:00')).toBe('2028-01-01T00:00:00.000+01:00');
  });

  it('on the day before julafton: missed at midnight, not carried over the closed days to Monday 27 December', () => {
    expect(missedAt('2027-12-23T16:45:00+01:00')).toBe('2027-12-24T00:00:00.000+01:00');
    const slot = callback('2027-12-23T16:45:00+01:00', 'due');
    expect(isMissed(slot, zone, at('2027-12-23T23:59:59.999+01:00'))).toBe(false);
    expect(isMissed(slot, zone, at('2027-12-24T00:00:00+01:00'))).toBe(true);
    expect(isMissed(slot, zone, at('2027-12-27T07:00:00+01:00'))).toBe(true);
  });
});

describe('isMissed', () => {
  const slot = '2027-03-30T16:45:00+02:00';

  it('spares the evening of the same day: a nurse may legitimately call at 23:30', () => {
    expect(isMissed(callback(slot, 'due'), zone, at('2027-03-30T23:30:00+02:00'))).toBe(false);
  });

  it('uses the clinic’s local date, not the UTC date', () => {
    // 23:30 on the 30th is 21:30Z; at 01:30 on the 31st (23:30Z, still the 30th in UTC) its day has ended.
    expect(isMissed(callback('2027-03-30T23:30:00+02:00'), zone, at('2027-03-31T01:30:00+02:00'))).toBe(true);
    // 00:30 on the 31st is 22:30Z on the 30th; it is today's all the 31st.
    expect(isMissed(callback('2027-03-31T00:30:00+02:00'), zone, at('2027-03-31T23:00:00+02:00'))).toBe(false);
  });

  it('marks booked, due and lapsed claims; never a callback already closed', () => {
    const next = at('2027-03-31T00:00:00+02:00');
    expect(['booked', 'due', 'claimed'].map((s) => isMissed(callback(slot, s as CallbackStatus), zone, next))).toEqual([true, true, true]);
    for (const status of ['completed', 'unreachable', 'cancelled', 'missed'] as const) {
      expect(isMissed(callback(slot, status), zone, next), status).toBe(false);
    }
  });

  it('spares a live claim at midnight (the nurse is on the phone), and marks it once that claim lapses unlogged', () => {
    const held = callback('2027-03-30T16:45:00+02:00', 'claimed', '2027-03-31T00:05:00+02:00');
    expect(isMissed(held, zone, at('2027-03-31T00:00:00+02:00'))).toBe(false);
    expect(isMissed(held, zone, at('2027-03-31T00:04:59+02:00'))).toBe(false);
    expect(isMissed(held, zone, at('2027-03-31T00:05:00+02:00'))).toBe(true);
  });

  it('gives SQL its one parameter: the start of the clinic’s day, with the offset of that day', () => {
    expect(startOfClinicDay(zone, at('2027-03-28T12:00:00+02:00')).toISO()).toBe('2027-03-28T00:00:00.000+01:00');
    expect(startOfClinicDay(zone, at('2027-10-31T23:30:00+01:00')).toISO()).toBe('2027-10-31T00:00:00.000+02:00');
    expect(startOfClinicDay(zone, at('2027-03-30T22:30:00Z')).toISO()).toBe('2027-03-31T00:00:00.000+02:00');
  });
});

describe('rule 11 and rule 12 read "its day has passed" the same way', () => {
  it('a booked callback is missed exactly when it no longer holds its caller’s place, at any two instants of 2027–2028', () => {
    const instant = fc.integer({ min: Date.UTC(2027, 0, 1), max: Date.UTC(2028, 11, 31) }).map((ms) => DateTime.fromMillis(ms, { zone: 'utc' }));
    fc.assert(
      fc.property(instant, instant, (slotStart, now) => {
        const c = { status: 'booked' as const, slot: { start: slotStart, end: slotStart.plus({ minutes: 15 }) }, claimExpiresAt: null };
        const open = { clinicId: 'vc-a', timezone: zone, slot: c.slot };
        expect(isMissed(c, zone, now)).toBe(!isStillToCome(open, now));
        expect(isMissed(c, zone, now)).toBe(now >= missedFrom(zone, slotStart));
      }),
      { seed: 20271224, numRuns: 2000 },
    );
  });
});
