// Report periods: a from–to range of local dates, grouped by day, ISO week (Monday first) or month.
import { DateTime } from 'luxon';

export const GROUPINGS = ['day', 'week', 'month'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface ReportRange {
  from: string;
  to: string;
  groupBy: Grouping;
}

export interface Period {
  /** 2026-03-05, 2026-W10 or 2026-03. */
  label: string;
  /** The part of the period inside the report's range. */
  from: string;
  to: string;
}

const day = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' });

export function periodOf(isoDate: string, groupBy: Grouping): { label: string; start: string; end: string } {
  const d = day(isoDate);
  if (groupBy === 'day') return { label: isoDate, start: isoDate, end: isoDate };
  if (groupBy === 'week') {
    const start = d.startOf('week');
    return { label: `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`, start: start.toISODate()!, end: start.plus({ days: 6 }).toISODate()! };
  }
  const start = d.startOf('month');
  return { label: start.toFormat('yyyy-MM'), start: start.toISODate()!, end: start.endOf('month').toISODate()! };
}

/** More periods than any chart or table can show; a request for more is refused, not computed. */
export const MAX_PERIODS = 400;

/** How many periods `periodsOf` would return, without building them. */
export function periodCount(range: ReportRange): number {
  const from = day(range.from);
  const to = day(range.to);
  if (to < from) return 0;
  if (range.groupBy === 'day') return Math.round(to.diff(from, 'days').days) + 1;
  if (range.groupBy === 'week') return Math.round(to.startOf('week').diff(from.startOf('week'), 'weeks').weeks) + 1;
  return Math.round(to.startOf('month').diff(from.startOf('month'), 'months').months) + 1;
}

/** Every period touching the range, in order, clipped to it. Compares instants, not strings, and each step
 * moves strictly forward, so no date can make it loop. */
export function periodsOf(range: ReportRange): Period[] {
  const count = periodCount(range);
  // Callers validate with periodCount first; this guards the invariant.
  if (count > MAX_PERIODS) throw new RangeError(`${count} periods; at most ${MAX_PERIODS}`);
  const periods: Period[] = [];
  const last = day(range.to);
  let cursor = day(range.from);
  while (cursor <= last && periods.length < count) {
    const p = periodOf(cursor.toISODate()!, range.groupBy);
    const end = day(p.end);
    periods.push({ label: p.label, from: cursor.toISODate()!, to: (end < last ? end : last).toISODate()! });
    cursor = end.plus({ days: 1 });
  }
  return periods;
}

/** The calendar month before the one `today` falls in, as YYYY-MM with its first and last date. */
export function previousMonth(today: string): { month: string; from: string; to: string } {
  const start = day(today).startOf('month').minus({ months: 1 });
  return { month: start.toFormat('yyyy-MM'), from: start.toISODate()!, to: start.endOf('month').toISODate()! };
}

export function monthRange(month: string): { from: string; to: string } {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: 'UTC' });
  return { from: start.toISODate()!, to: start.endOf('month').toISODate()! };
}
