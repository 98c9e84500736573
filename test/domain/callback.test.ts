// When a callback enters the nurses' queue: its slot start less the configured lead.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dueAtForSlot } from '../../src/domain/callback.js';

describe('dueAtForSlot', () => {
  it('is the slot start less the lead in real minutes, across both DST switches and midnight', () => {
    const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
    // 03:00 CEST is one real hour after 01:00 CET on 28 March 2027 (02:00–03:00 does not exist).
    expect(dueAtForSlot(at('2027-03-28T03:00:00+02:00'), 90).setZone('Europe/Stockholm').toISO()).toBe('2027-03-28T00:30:00.000+01:00');
    expect(dueAtForSlot(at('2027-10-31T02:15:00+01:00'), 30).setZone('Europe/Stockholm').toISO()).toBe('2027-10-31T02:45:00.000+02:00');
    expect(dueAtForSlot(at('2027-12-25T00:10:00+01:00'), 15).toISO()).toBe('2027-12-24T23:55:00.000+01:00');
    expect(dueAtForSlot(at('2027-03-30T08:00:00+02:00'), 0).toMillis()).toBe(at('2027-03-30T08:00:00+02:00').toMillis());
  });
});
