// Rule 11 as a pure rule: one open callback per caller and clinic, a cap across clinics, and only callbacks
// still to come count (a callback whose day passed without a call must not lock its caller out).
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { callerRefusal, isStillToCome, type OpenCallbackOfCaller } from '../../src/domain/callerPolicy.js';

const zone = 'Europe/Stockholm';
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const open = (clinicId: string, start: string): OpenCallbackOfCaller => ({
  clinicId,
  timezone: zone,
  slot: { start: at(start), end: at(start).plus({ minutes: 15 }) },
});
const strict = { id: 'vc-a', oneOpenCallbackPerCaller: true };
const lenient = { id: 'vc-a', oneOpenCallbackPerCaller: false };

describe('callerRefusal', () => {
  const now = at('2027-03-30T08:00:00+02:00');

  it('tells a caller with a callback still to come at this clinic its time', () => {
    const existing = open('vc-a', '2027-03-30T16:15:00+02:00');
    expect(callerRefusal(strict, [existing], 3, now)).toEqual({ kind: 'already_booked', existing });
    expect(callerRefusal(lenient, [existing], 3, now)).toBeNull();
  });

  it('caps open callbacks across clinics, for strict and lenient clinics alike', () => {
    const three = [open('vc-b', '2027-03-30T09:00:00+02:00'), open('vc-c', '2027-03-31T09:00:00+02:00'), open('vc-a', '2027-04-01T09:00:00+02:00')];
    expect(callerRefusal(lenient, three, 3, now)).toEqual({ kind: 'too_many_bookings', max: 3 });
    expect(callerRefusal(lenient, three.slice(0, 2), 3, now)).toBeNull();
  });

  it('lets the caller book again the day after a callback nobody made, at this clinic and under the cap', () => {
    const yesterday = open('vc-a', '2027-03-29T15:45:00+02:00');
    expect(callerRefusal(strict, [yesterday, yesterday, yesterday], 3, now)).toBeNull();
    // Earlier the same day still counts: the nurse may yet call.
    expect(callerRefusal(strict, [open('vc-a', '2027-03-30T07:00:00+02:00')], 3, now)?.kind).toBe('already_booked');
  });

  it('judges "still to come" by the local date, also just after midnight on the night the clocks go back', () => {
    const lateSaturday = open('vc-a', '2027-10-30T23:45:00+02:00');
    expect(isStillToCome(lateSaturday, at('2027-10-30T23:59:00+02:00'))).toBe(true);
    expect(isStillToCome(lateSaturday, at('2027-10-31T00:01:00+02:00'))).toBe(false);
  });
});
