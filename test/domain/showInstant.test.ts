// The cached-offset formatter gives exactly luxon's setZone().toISO({ suppressMilliseconds: true }).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { showInstant, showInstantAt } from '../../src/domain/schedule.js';

const ZONES = [
  'Europe/Stockholm',
  'UTC',
  'Etc/UTC',
  'Europe/London',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Africa/Cairo',
  'Asia/Jerusalem',
];

function luxon(zone: string, ms: number): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

const YEAR_MS = 365.25 * 86_400_000;
const from2024 = Date.UTC(2024, 0, 1);

describe('showInstantAt', () => {
  it('writes the examples patients read', () => {
    expect(showInstantAt('Europe/Stockholm', Date.UTC(2026, 10, 25, 7, 15))).toBe('2026-11-25T08:15:00+01:00');
    expect(showInstantAt('Europe/Stockholm', Date.UTC(2027, 2, 30, 5, 55, 22, 622))).toBe('2027-03-30T07:55:22.622+02:00');
    expect(showInstantAt('UTC', Date.UTC(2027, 2, 30, 5, 55))).toBe('2027-03-30T05:55:00Z');
    expect(showInstantAt('Europe/London', Date.UTC(2027, 0, 30, 5, 55))).toBe('2027-01-30T05:55:00+00:00');
  });

  it('matches luxon on both sides of the Stockholm DST switches of 2026, minute by minute', () => {
    for (const switchAt of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)]) {
      for (let ms = switchAt - 3 * 3_600_000; ms <= switchAt + 3 * 3_600_000; ms += 60_000) {
        expect(showInstantAt('Europe/Stockholm', ms)).toBe(luxon('Europe/Stockholm', ms));
        expect(showInstantAt('Europe/Stockholm', ms + 999)).toBe(luxon('Europe/Stockholm', ms + 999));
      }
    }
  });

  it('matches luxon for random instants over several years in zones with DST, half hours and fixed offsets', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: from2024 - 2 * YEAR_MS, max: from2024 + 8 * YEAR_MS }),
        fc.constantFrom(1, 1000, 60_000, 900_000),
        (zone, ms, step) => {
          const instant = Math.floor(ms / step) * step;
          expect(showInstantAt(zone, instant)).toBe(luxon(zone, instant));
        },
      ),
      { numRuns: 20_000, seed: 11 },
    );
  });

  it('matches luxon far from today too: old local mean times, years 0 and 9999, and beyond', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: -65_000_000_000_000, max: 260_000_000_000_000 }), (zone, ms) => {
        expect(showInstantAt(zone, ms)).toBe(luxon(zone, ms));
      }),
      { numRuns: 5_000, seed: 11 },
    );
  });

  it('showInstant takes a DateTime in any zone and gives the same', () => {
    const at = DateTime.fromISO('2026-10-25T02:30:00', { zone: 'Europe/Stockholm' });
    expect(showInstant({ timezone: 'Europe/Stockholm' }, at.toUTC())).toBe(luxon('Europe/Stockholm', at.toMillis()));
    expect(showInstant({ timezone: 'Asia/Kolkata' }, at)).toBe(luxon('Asia/Kolkata', at.toMillis()));
  });
});
