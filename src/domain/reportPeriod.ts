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

/** Every period touching the range, in order, clipped to it. */
export function periodsOf(range: ReportRange): Period[] {
  const periods: Period[] = [];
  let cursor = range.from;
  while (cursor <= range.to) {
    const p = periodOf(cursor, range.groupBy);
    periods.push({ label: p.label, from: cursor, to: p.end < range.to ? p.end : range.to });
    cursor = day(p.end).plus({ days: 1 }).toISODate()!;
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
