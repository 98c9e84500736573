// Rule 4's promise, written from the cached-offset local times, says exactly what luxon's Swedish formatting says:
// on DST switches, at midnight, on every weekday and month, in more than one zone.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { promiseText, promiseTextByLuxon } from '../../src/http/present.js';

const ZONES = ['Europe/Stockholm', 'Europe/Helsinki', 'UTC'];

describe('promiseText', () => {
  it('matches luxon for slots around the DST switches, midnights, julafton and month ends', () => {
    const starts = [
      '2027-03-28T01:45:00+01:00', // the hour that does not exist follows
      '2027-03-28T03:00:00+02:00',
      '2027-10-31T02:30:00+02:00', // the repeated hour, first time
      '2027-10-31T02:30:00+01:00', // and second
      '2027-12-24T23:45:00+01:00', // julafton into juldagen
      '2027-06-25T16:00:00+02:00', // midsommarafton, at the cut-off
      '2027-01-31T23:50:00+01:00', // a month end crossed by the slot
      '2028-02-29T08:00:00+01:00',
    ].map((iso) => DateTime.fromISO(iso, { setZone: true }));
    for (const zone of ZONES) {
      for (const start of starts) {
        const slot = { start, end: start.plus({ minutes: 15 }) };
        expect(promiseText(slot, zone)).toBe(promiseTextByLuxon(slot, zone));
      }
    }
  });

  it('matches luxon for every hour of two years', () => {
    let start = DateTime.fromISO('2027-01-01T00:00:00Z');
    const last = DateTime.fromISO('2029-01-01T00:00:00Z');
    for (; start < last; start = start.plus({ minutes: 61 })) {
      const slot = { start, end: start.plus({ minutes: 20 }) };
      expect(promiseText(slot, 'Europe/Stockholm')).toBe(promiseTextByLuxon(slot, 'Europe/Stockholm'));
    }
  });

  it('reads like the promise patients are given', () => {
    const start = DateTime.fromISO('2027-03-30T10:15:00+02:00');
    expect(promiseText({ start, end: start.plus({ minutes: 15 }) }, 'Europe/Stockholm')).toBe('Vi ringer dig mellan 10:15 och 10:30 tisdag 30 mars.');
  });
});
