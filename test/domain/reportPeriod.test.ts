// Report periods: every grouping counts and builds the same periods, and no range can make the expansion loop.
import { describe, expect, it } from 'vitest';
import { MAX_PERIODS, periodCount, periodsOf } from '../../src/domain/reportPeriod.js';

describe('periodsOf', () => {
  it('clips ISO weeks and months to the range across a year end', () => {
    expect(periodsOf({ from: '2026-12-30', to: '2027-01-05', groupBy: 'week' })).toEqual([
      { label: '2026-W53', from: '2026-12-30', to: '2027-01-03' },
      { label: '2027-W01', from: '2027-01-04', to: '2027-01-05' },
    ]);
    expect(periodsOf({ from: '2027-01-31', to: '2027-03-01', groupBy: 'month' }).map((p) => [p.label, p.from, p.to])).toEqual([
      ['2027-01', '2027-01-31', '2027-01-31'],
      ['2027-02', '2027-02-01', '2027-02-28'],
      ['2027-03', '2027-03-01', '2027-03-01'],
    ]);
  });

  it('ends at the last date of year 9999 instead of looping past it (luxon writes the next day as +010000-01-01)', () => {
    for (const groupBy of ['day', 'week', 'month'] as const) {
      const periods = periodsOf({ from: '9999-12-31', to: '9999-12-31', groupBy });
      expect(periods, groupBy).toHaveLength(1);
      expect(periods[0]!.to, groupBy).toBe('9999-12-31');
    }
  });

  it('counts periods without building them, and refuses to build more than MAX_PERIODS', () => {
    expect(periodCount({ from: '2027-01-01', to: '2027-12-31', groupBy: 'day' })).toBe(365);
    expect(periodCount({ from: '2027-01-01', to: '2027-12-31', groupBy: 'week' })).toBe(53);
    expect(periodCount({ from: '2027-01-31', to: '2027-03-01', groupBy: 'month' })).toBe(3);
    expect(periodCount({ from: '2027-03-02', to: '2027-03-01', groupBy: 'day' })).toBe(0);
    for (const groupBy of ['day', 'week', 'month'] as const) {
      const range = { from: '2026-12-28', to: '2027-12-03', groupBy };
      expect(periodsOf(range), groupBy).toHaveLength(periodCount(range));
    }
    expect(() => periodsOf({ from: '2000-01-01', to: '2100-12-31', groupBy: 'day' })).toThrow(RangeError);
    expect(MAX_PERIODS).toBeGreaterThanOrEqual(366);
  });
});
