// View models of the manager pages: shares as percentages, the colour and words of a rating against 85 %/95 %
// (never colour alone), each figure with the link to the records behind it, the chart data, the sorted clinic
// table. The templates only render what these return.
import { rating, REFERENCE_LINES, type Rating } from '../../../../domain/guaranteeCase.js';
import type { DrilldownRecord, ReportFigure } from '../../../../services/reports.js';
import type { MeasureReport, ReportFigures } from '../../../../domain/measureReport.js';
import { REASON_FIELDS, TURNED_AWAY_REASONS } from '../../../../domain/turnedAway.js';
import { hasText, text, type Lang, type TextKey } from '../../texts/index.js';

export const REPORTS_PATH = '/personal/rapporter';
export const DRILLDOWN_PATH = '/personal/rapporter/poster';
export const CSV_PATH = '/personal/rapporter.csv';
export const nationalPath = (month: string) => `/personal/rapporter/nationell/${month}.csv`;

export const SORTS = ['name', 'contactSameDay', 'onTime', 'medicalAssessment'] as const;
export type Sort = (typeof SORTS)[number];

/** What the report page was asked for, kept in every link it renders. */
export interface ReportScope {
  from: string;
  to: string;
  groupBy: 'day' | 'week' | 'month';
  /** One clinic, or undefined for all the caller's clinics. */
  clinic?: string | undefined;
}

export const scopeQuery = (s: ReportScope, extra: Record<string, string | number | undefined> = {}): string => {
  const q = new URLSearchParams({ from: s.from, to: s.to, groupBy: s.groupBy });
  if (s.clinic) q.set('clinic', s.clinic);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, String(v));
  return q.toString();
};

export const drilldownHref = (s: ReportScope, figure: ReportFigure, extra: Record<string, string | number | undefined> = {}) =>
  `${DRILLDOWN_PATH}?${scopeQuery(s, { figure, ...extra })}`;

/** "87 %" in Swedish style (space before the sign), "–" without a denominator. */
export function percent(lang: Lang, share: number | null): string {
  if (share === null) return text(lang, 'manager.noData');
  const value = Math.round(share * 1000) / 10;
  return `${value.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB')} %`;
}

export interface RatingView {
  /** CSS class: rating-poor, rating-acceptable, rating-excellent or rating-none. */
  className: string;
  /** The words that say the same as the colour. */
  label: string;
}

/** A share against the reference lines (rule 9): below 85 % poor, above 95 % excellent; said in words too. */
export function ratingView(lang: Lang, share: number | null): RatingView {
  const r: Rating | null = rating(share);
  return { className: `rating-${r ?? 'none'}`, label: text(lang, r ? `manager.rating.${r}` : 'manager.rating.none') };
}

export interface FigureLink {
  text: string;
  href: string;
}

export interface TileView {
  title: string;
  percent: string;
  rating: RatingView;
  /** "12 av 14", both numbers linking to their records. */
  numerator: FigureLink;
  denominator: FigureLink;
  /** Further figures, each a link. */
  more: FigureLink[];
}

export function tiles(lang: Lang, scope: ReportScope, total: ReportFigures): TileView[] {
  const link = (label: string, figure: ReportFigure, extra?: Record<string, string | number | undefined>): FigureLink => ({
    text: label,
    href: drilldownHref(scope, figure, extra),
  });
  const n = (count: number) => count.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB');
  const c = total.contactSameDay;
  const t = total.timeDeviation;
  const m = total.medicalAssessment;
  const failures = c.denominator - c.numerator;
  return [
    {
      title: text(lang, 'manager.tile.contactSameDay'),
      percent: percent(lang, c.share),
      rating: ratingView(lang, c.share),
      numerator: link(n(c.numerator), 'contactSameDay.numerator'),
      denominator: link(n(c.denominator), 'contactSameDay.denominator'),
      more: [
        link(text(lang, 'manager.tile.failures', { count: n(failures) }), 'contactSameDay.failures'),
        // Pending callbacks sit among those not yet called (or called and not reached); their records say "pending".
        link(text(lang, 'manager.tile.pending', { count: n(c.pending) }), 'contactSameDay.notCalledSameDay'),
      ],
    },
    {
      title: text(lang, 'manager.tile.onTime'),
      percent: percent(lang, t.shareOnTime),
      rating: ratingView(lang, t.shareOnTime),
      numerator: link(n(t.onTime), 'timeDeviation.onTime'),
      denominator: link(n(t.callbacksWithAttempt), 'timeDeviation.callbacksWithAttempt'),
      more: [link(text(lang, 'manager.tile.early', { count: n(t.early) }), 'timeDeviation.early'), link(text(lang, 'manager.tile.late', { count: n(t.late) }), 'timeDeviation.late')],
    },
    {
      title: text(lang, 'manager.tile.assessment'),
      percent: percent(lang, m.share),
      rating: ratingView(lang, m.share),
      numerator: link(n(m.numerator), 'medicalAssessment.numerator'),
      denominator: link(n(m.denominator), 'medicalAssessment.denominator'),
      more: [
        link(text(lang, 'manager.tile.overdue', { count: n(m.overdue) }), 'medicalAssessment.overdue'),
        link(text(lang, 'manager.tile.pending', { count: n(m.pending) }), 'medicalAssessment.pending'),
      ],
    },
  ];
}

/** Minutes as a histogram bin's label: "< −60", "−60 – −30", "≥ 120". */
export function binLabel(bin: { fromMinutes: number | null; toMinutes: number | null }): string {
  const m = (x: number) => String(x).replace('-', '−');
  if (bin.fromMinutes === null) return `< ${m(bin.toMinutes!)}`;
  if (bin.toMinutes === null) return `≥ ${m(bin.fromMinutes)}`;
  return `${m(bin.fromMinutes)} – ${m(bin.toMinutes)}`;
}

/** What dashboard.js draws: already computed here, the script only draws. Shares as percentages. */
export interface ChartData {
  periods: string[];
  series: { label: string; values: (number | null)[] }[];
  referenceLines: { label: string; value: number }[];
  histogram: { labels: string[]; counts: number[]; label: string; xTitle: string };
  yTitle: string;
}

const asPercent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

export function chartData(lang: Lang, report: MeasureReport): ChartData {
  return {
    periods: report.periods.map((p) => p.period),
    series: [
      { label: text(lang, 'manager.tile.contactSameDay'), values: report.periods.map((p) => asPercent(p.contactSameDay.share)) },
      { label: text(lang, 'manager.tile.onTime'), values: report.periods.map((p) => asPercent(p.timeDeviation.shareOnTime)) },
      { label: text(lang, 'manager.tile.assessment'), values: report.periods.map((p) => asPercent(p.medicalAssessment.share)) },
    ],
    referenceLines: [REFERENCE_LINES.poorBelow, REFERENCE_LINES.excellentAbove].map((v) => ({
      label: text(lang, 'manager.chart.reference', { value: `${v * 100} %` }),
      value: v * 100,
    })),
    histogram: {
      labels: report.total.timeDeviation.histogram.map(binLabel),
      counts: report.total.timeDeviation.histogram.map((b) => b.count),
      label: text(lang, 'manager.chart.count'),
      xTitle: text(lang, 'manager.chart.minutes'),
    },
    yTitle: '%',
  };
}

/** The JSON for a <script type="application/json"> block: "<" escaped so no "</script>" can end it early. */
export const jsonForScript = (data: unknown): string => JSON.stringify(data).replace(/</g, '\\u003c');

export interface ClinicRow {
  name: string;
  cells: { percent: string; rating: RatingView; href: string }[];
  /** Rule 13: calls received, booked, turned away and the share turned away, each linking to its records. */
  turnedAway: FigureLink[];
  /** The hidden-queue warning in words, when the clinic is flagged. */
  hiddenQueue: string | null;
}

const shareOf: Record<Exclude<Sort, 'name'>, (f: ReportFigures) => number | null> = {
  contactSameDay: (f) => f.contactSameDay.share,
  onTime: (f) => f.timeDeviation.shareOnTime,
  medicalAssessment: (f) => f.medicalAssessment.share,
};

/** The per-clinic table, sorted by name or worst share first (clinics without data last). */
export function clinicRows(lang: Lang, scope: ReportScope, report: MeasureReport, sort: Sort): ClinicRow[] {
  const rows = [...report.clinics];
  if (sort === 'name') rows.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  else {
    const of = shareOf[sort];
    rows.sort((a, b) => (of(a) ?? 2) - (of(b) ?? 2) || a.name.localeCompare(b.name, 'sv'));
  }
  return rows.map((c) => {
    const own = { ...scope, clinic: c.clinicId };
    return {
      name: c.name,
      cells: [
        { share: c.contactSameDay.share, figure: 'contactSameDay.denominator' as const },
        { share: c.timeDeviation.shareOnTime, figure: 'timeDeviation.callbacksWithAttempt' as const },
        { share: c.medicalAssessment.share, figure: 'medicalAssessment.denominator' as const },
      ].map((cell) => ({ percent: percent(lang, cell.share), rating: ratingView(lang, cell.share), href: drilldownHref(own, cell.figure) })),
      turnedAway: turnedAwayCells(lang, own, c),
      hiddenQueue: c.turnedAway.hiddenQueue ? hiddenQueueWarning(lang, c) : null,
    };
  });
}

const count = (lang: Lang, n: number) => n.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB');

function turnedAwayCells(lang: Lang, scope: ReportScope, f: ReportFigures): FigureLink[] {
  const t = f.turnedAway;
  return [
    { text: count(lang, t.callsReceived), href: drilldownHref(scope, 'turnedAway.callsReceived') },
    // Every callback requested, whichever channel: the same records as contactSameDay.requests.
    { text: count(lang, t.booked.total), href: drilldownHref(scope, 'contactSameDay.requests') },
    { text: count(lang, t.total), href: drilldownHref(scope, 'turnedAway.total') },
    { text: percent(lang, t.share), href: drilldownHref(scope, 'turnedAway.total') },
  ];
}

export const hiddenQueueWarning = (lang: Lang, f: ReportFigures) => text(lang, 'manager.turnedAway.hiddenQueue', { share: percent(lang, f.turnedAway.share) });

/** The "Avvisade" tile: the share and count turned away, each reason linking to its attempts, and the context beside it. */
export interface TurnedAwayTileView {
  title: string;
  percent: string;
  of: FigureLink;
  attempts: string;
  reasons: FigureLink[];
  more: FigureLink[];
  adjusted: string;
  hiddenQueue: string | null;
}

export function turnedAwayTile(lang: Lang, scope: ReportScope, total: ReportFigures): TurnedAwayTileView {
  const t = total.turnedAway;
  const reasons = TURNED_AWAY_REASONS.map((r) => {
    const field = REASON_FIELDS[r];
    return { text: `${text(lang, `manager.part.${field}`)}: ${count(lang, t[field])}`, href: drilldownHref(scope, `turnedAway.${field}`) };
  });
  return {
    title: text(lang, 'manager.tile.turnedAway'),
    percent: percent(lang, t.share),
    of: { text: count(lang, t.total), href: drilldownHref(scope, 'turnedAway.total') },
    attempts: count(lang, t.booked.total + t.total),
    reasons,
    more: [
      { text: text(lang, 'manager.turnedAway.calls', { count: count(lang, t.callsReceived) }), href: drilldownHref(scope, 'turnedAway.callsReceived') },
      { text: text(lang, 'manager.turnedAway.booked', { count: count(lang, t.booked.total) }), href: drilldownHref(scope, 'contactSameDay.requests') },
    ],
    adjusted: text(lang, 'manager.turnedAway.adjusted', { share: percent(lang, t.contactSameDayShareWithTurnedAway) }),
    hiddenQueue: t.hiddenQueue ? hiddenQueueWarning(lang, total) : null,
  };
}

const MEASURE_TITLES: Record<string, TextKey> = {
  turnedAway: 'manager.tile.turnedAway',
  contactSameDay: 'manager.tile.contactSameDay',
  timeDeviation: 'manager.tile.onTime',
  medicalAssessment: 'manager.tile.assessment',
};

/** A drill-down figure in words: "Kontakt samma dag: räknas (täljare)", with a histogram bin when one is asked for. */
export function figureLabel(lang: Lang, figure: string, bin?: { fromMinutes: number | null; toMinutes: number | null }): string {
  const [measure = '', part = ''] = figure.split('.');
  const title = MEASURE_TITLES[measure];
  const partKey = `manager.part.${part}` as TextKey;
  const partText = hasText(partKey) ? text(lang, partKey) : part;
  const base = title ? `${text(lang, title)}: ${partText}` : figure;
  if (!bin || (bin.fromMinutes === null && bin.toMinutes === null)) return base;
  return `${base}, ${text(lang, 'manager.drilldown.deviation', { range: binLabel(bin) })}`;
}

/** A record's detail name in words; the API's own name when the catalogue has none. */
export function detailLabel(lang: Lang, name: string): string {
  const key = `manager.detail.${name}` as TextKey;
  return hasText(key) ? text(lang, key) : name;
}

/** A record's detail value in words where the API gives a code (phone, web, yes, no); other values as they are. */
export function detailValue(lang: Lang, value: string | number): string {
  const key = `manager.value.${value}` as TextKey;
  return typeof value === 'string' && hasText(key) ? text(lang, key) : String(value);
}

/**
 * Why a record counts, fails, is excluded or waits, in the page's language. The service's own sentence (English,
 * as the API gives it) stands when the catalogue has no words for a classification.
 */
export function recordReason(lang: Lang, figure: string, r: DrilldownRecord): string {
  const measure = figure.split('.')[0];
  const d = r.details;
  let key: string;
  let vars: Record<string, string | number> = {};
  if (measure === 'turnedAway') key = `manager.reason.attempt.${r.classification}`;
  else if (measure === 'contactSameDay') key = r.verdict === 'pending' ? 'manager.reason.sameDay.pending' : `manager.reason.sameDay.${r.classification}`;
  else if (measure === 'timeDeviation') key = `manager.reason.punctuality.${r.classification}`;
  else if (r.classification === 'excluded') key = `manager.reason.case.${String(d.exclusionReason)}`;
  else {
    key = `manager.reason.case.${r.classification}`;
    vars = { days: d.daysToAssessment ?? '', deadline: d.deadline ?? '' };
  }
  return hasText(key) ? text(lang, key, vars) : r.reason;
}
