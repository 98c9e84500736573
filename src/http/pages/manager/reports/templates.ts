// Templates of the manager's report pages: the dashboard (filter form, tiles, charts with their tables, the
// per-clinic table, downloads) and the drill-down list. They only render the presenter's view models.
import type { ClinicSummary } from '../../../../db/clinics.js';
import type { DrilldownRecord } from '../../../../services/reports.js';
import type { MeasureReport } from '../../../../domain/measureReport.js';
import { GROUPINGS } from '../../../../domain/reportPeriod.js';
import { errorSummary, select, table, textField, tile } from '../../components.js';
import { html, Html } from '../../html.js';
import { text, textWith, type Lang, type TextKey } from '../../texts/index.js';
import type { FieldError } from './form.js';
import {
  binLabel,
  chartData,
  clinicRows,
  CSV_PATH,
  detailLabel,
  detailValue,
  drilldownHref,
  jsonForScript,
  nationalPath,
  percent,
  recordReason,
  REPORTS_PATH,
  scopeQuery,
  SORTS,
  tiles,
  turnedAwayTile,
  type ReportScope,
  type Sort,
} from './present.js';

/** The filter form's errors at the top of the page. */
export const filterErrorSummary = (lang: Lang, errors: readonly FieldError[]) =>
  errorSummary(
    text(lang, 'manager.reports.errors'),
    errors.map((e) => ({ target: e.id, message: e.message })),
  );

/** Every message for one field, side by side. */
const errorsOf = (errors: readonly FieldError[], id: string): string => errors.filter((e) => e.id === id).map((e) => e.message).join(' ');

export function filterForm(lang: Lang, scope: ReportScope, clinics: ClinicSummary[], errors: FieldError[]): Html {
  return html`<form method="get" action="${REPORTS_PATH}" class="report-filter">
<fieldset><legend>${text(lang, 'manager.reports.filter')}</legend>
<div class="filter-fields">
  ${textField({ id: 'from', label: text(lang, 'manager.reports.from'), type: 'date', value: scope.from, attrs: html`required`, error: errorsOf(errors, 'from') })}
  ${textField({ id: 'to', label: text(lang, 'manager.reports.to'), type: 'date', value: scope.to, attrs: html`required`, error: errorsOf(errors, 'to') })}
  ${select({
    id: 'groupBy',
    label: text(lang, 'manager.reports.groupBy'),
    options: GROUPINGS.map((g) => ({ value: g, label: text(lang, `manager.reports.group.${g}` as TextKey) })),
    value: scope.groupBy,
    error: errorsOf(errors, 'groupBy'),
  })}
  ${select({
    id: 'clinic',
    label: text(lang, 'manager.reports.clinic'),
    options: clinics.map((c) => ({ value: c.id, label: c.name })),
    value: scope.clinic,
    empty: text(lang, 'manager.reports.allClinics'),
    error: errorsOf(errors, 'clinic'),
  })}
</div>
<button type="submit">${text(lang, 'manager.reports.show')}</button>
</fieldset>
</form>`;
}

export interface DashboardModel {
  lang: Lang;
  scope: ReportScope;
  sort: Sort;
  clinics: ClinicSummary[];
  report: MeasureReport;
  national: { month: string; bytes: number }[];
}

/** A link from a view model's figure. */
const link = (l: { href: string; text: string }) => html`<a href="${l.href}">${l.text}</a>`;
const links = (ls: readonly { href: string; text: string }[]) => html`<ul class="plain tile-more">${ls.map((l) => html`<li>${link(l)}</li>`)}</ul>`;

/** Rule 13's columns in the per-clinic table: calls received, booked, turned away, the share turned away. */
const TURNED_AWAY_COLUMNS: TextKey[] = ['manager.clinics.callsReceived', 'manager.clinics.booked', 'manager.clinics.turnedAway', 'manager.clinics.turnedAwayShare'];

function turnedAwayTileHtml(lang: Lang, t: ReturnType<typeof turnedAwayTile>): Html {
  return tile({
    title: t.title,
    figure: t.percent,
    className: `tile-turned-away${t.hiddenQueue ? ' hidden-queue-tile' : ''}`,
    content: html`${t.hiddenQueue ? html`<p class="hidden-queue-warning" role="status"><span class="badge hidden-queue">${text(lang, 'manager.turnedAway.flag')}</span> ${t.hiddenQueue}</p>` : ''}
<p>${textWith(lang, 'manager.turnedAway.of', { count: link(t.of), attempts: t.attempts })}</p>
<h3 class="tile-subtitle">${text(lang, 'manager.turnedAway.byReason')}</h3>
${links(t.reasons)}
${links(t.more)}
<p class="hint">${t.adjusted}</p>`,
  });
}

export function dashboardBody(m: DashboardModel): Html {
  const { lang, scope, report } = m;
  const scopeName = scope.clinic ? (m.clinics.find((c) => c.id === scope.clinic)?.name ?? scope.clinic) : text(lang, 'manager.reports.allClinics').toLowerCase();
  const groupWord = text(lang, `manager.reports.group.${scope.groupBy}` as TextKey).toLowerCase();
  const data = chartData(lang, report);
  const sortHref = (sort: Sort) => `${REPORTS_PATH}?${scopeQuery(scope, { sort })}#per-clinic`;
  const headings: Record<Sort, string> = {
    name: text(lang, 'manager.clinics.name'),
    contactSameDay: text(lang, 'manager.tile.contactSameDay'),
    onTime: text(lang, 'manager.tile.onTime'),
    medicalAssessment: text(lang, 'manager.tile.assessment'),
  };
  return html`
${filterForm(lang, scope, m.clinics, [])}
<p>${text(lang, 'manager.reports.scope', { from: scope.from, to: scope.to, scope: scopeName, basis: text(lang, `manager.reports.basis.${report.scope.guaranteeStart}` as TextKey) })}</p>

<ul class="tiles">
${tiles(lang, scope, report.total).map((t) =>
  tile({
    title: t.title,
    figure: t.percent,
    rating: t.rating.label,
    className: t.rating.className,
    content: html`<p>${textWith(lang, 'manager.tile.of', { numerator: link(t.numerator), denominator: link(t.denominator) })}</p>
${links(t.more)}`,
  }),
)}
${turnedAwayTileHtml(lang, turnedAwayTile(lang, scope, report.total))}
</ul>

<section aria-labelledby="shares-title">
<h2 id="shares-title">${text(lang, 'manager.chart.shares')}</h2>
<p id="shares-summary">${text(lang, 'manager.chart.sharesSummary', { group: groupWord })}</p>
<div class="chart"><canvas id="chart-shares" role="img" aria-label="${text(lang, 'manager.chart.shares')}" aria-describedby="shares-summary"></canvas></div>
${table({
  labelledBy: 'shares-title',
  caption: text(lang, 'manager.chart.shares'),
  head: [text(lang, 'manager.chart.period'), ...data.series.map((s) => s.label)],
  rows: report.periods.map((p) => ({
    header: p.period,
    cells: [percent(lang, p.contactSameDay.share), percent(lang, p.timeDeviation.shareOnTime), percent(lang, p.medicalAssessment.share)],
  })),
})}
</section>

<section aria-labelledby="histogram-title">
<h2 id="histogram-title">${text(lang, 'manager.chart.histogram')}</h2>
<p id="histogram-summary">${text(lang, 'manager.chart.histogramSummary')}</p>
<div class="chart"><canvas id="chart-histogram" role="img" aria-label="${text(lang, 'manager.chart.histogram')}" aria-describedby="histogram-summary"></canvas></div>
${table({
  labelledBy: 'histogram-title',
  caption: text(lang, 'manager.chart.histogram'),
  head: [text(lang, 'manager.chart.minutes'), text(lang, 'manager.chart.count')],
  rows: report.total.timeDeviation.histogram.map((b) => ({
    header: binLabel(b),
    cells: [
      link({
        href: drilldownHref(scope, 'timeDeviation.callbacksWithAttempt', { deviationFromMinutes: b.fromMinutes ?? undefined, deviationToMinutes: b.toMinutes ?? undefined }),
        text: String(b.count),
      }),
    ],
  })),
})}
</section>

<section aria-labelledby="per-clinic">
<h2 id="per-clinic">${text(lang, 'manager.clinics.title')}</h2>
<p class="hint">${text(lang, 'manager.clinics.sortHint')}</p>
${table({
  labelledBy: 'per-clinic',
  className: 'clinic-table',
  head: [
    ...SORTS.map((s) => ({
      content: html`<a href="${sortHref(s)}">${headings[s]}</a>${m.sort === s ? html` <span class="visually-hidden">${text(lang, 'manager.clinics.sortedBy')}</span>` : ''}`,
      sorted: m.sort === s,
    })),
    ...TURNED_AWAY_COLUMNS.map((key) => text(lang, key)),
  ],
  rows: clinicRows(lang, scope, report, m.sort).map((r) => ({
    className: r.hiddenQueue ? 'hidden-queue-row' : undefined,
    header: html`${r.name}${r.hiddenQueue
      ? html`<p class="hidden-queue-warning small"><span class="badge small hidden-queue">${text(lang, 'manager.turnedAway.flag')}</span> ${r.hiddenQueue}</p>`
      : ''}`,
    cells: [
      ...r.cells.map((c) => html`<a href="${c.href}">${c.percent}</a> <span class="badge small ${c.rating.className}">${c.rating.label}</span>`),
      ...r.turnedAway.map(link),
    ],
  })),
})}
</section>

<section aria-labelledby="downloads">
<h2 id="downloads">${text(lang, 'manager.downloads.title')}</h2>
<p><a href="${CSV_PATH}?${scopeQuery(scope)}" download>${text(lang, 'manager.downloads.csv')}</a></p>
<h3>${text(lang, 'manager.downloads.national')}</h3>
${m.national.length
  ? html`<ul>${m.national.map((f) => html`<li><a href="${nationalPath(f.month)}" download>${text(lang, 'manager.downloads.nationalFile', { month: f.month, kb: Math.max(1, Math.round(f.bytes / 1024)) })}</a></li>`)}</ul>`
  : html`<p>${text(lang, 'manager.downloads.noNational')}</p>`}
</section>
<script type="application/json" id="dashboard-data">${new Html(jsonForScript(data))}</script>`;
}

export interface DrilldownModel {
  lang: Lang;
  scope: ReportScope;
  /** The figure in words (figureLabel). */
  figure: string;
  /** The figure as the API names it (contactSameDay.numerator). */
  figureName: string;
  records: DrilldownRecord[];
  clinicNames: Map<string, string>;
  nextHref: string | null;
}

function details(lang: Lang, r: DrilldownRecord): Html {
  return html`<dl class="details">${r.callbackId ? html`<dt>${text(lang, 'manager.drilldown.callback')}</dt><dd><code>${r.callbackId}</code></dd>` : ''}${r.attemptId
    ? html`<dt>${text(lang, 'manager.drilldown.attempt')}</dt><dd><code>${r.attemptId}</code></dd>`
    : ''}${Object.entries(r.details)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => html`<dt>${detailLabel(lang, k)}</dt><dd>${detailValue(lang, v!)}</dd>`)}</dl>`;
}

export function drilldownBody(m: DrilldownModel): Html {
  const { lang } = m;
  return html`
<p>${text(lang, 'manager.drilldown.figure', { figure: m.figure, from: m.scope.from, to: m.scope.to })}</p>
<p><a href="${REPORTS_PATH}?${scopeQuery(m.scope)}">${text(lang, 'manager.drilldown.back')}</a></p>
${m.records.length === 0
  ? html`<p>${text(lang, 'manager.drilldown.none')}</p>`
  : table({
      label: text(lang, 'manager.drilldown.title'),
      className: 'drilldown',
      head: (['date', 'clinic', 'verdict', 'reason', 'details'] as const).map((h) => text(lang, `manager.drilldown.${h}`)),
      rows: m.records.map((r) => ({
        cells: [
          r.date,
          m.clinicNames.get(r.clinicId) ?? r.clinicId,
          html`<span class="verdict verdict-${r.verdict}">${text(lang, `manager.verdict.${r.verdict}` as TextKey)}</span>`,
          recordReason(lang, m.figureName, r),
          details(lang, r),
        ],
      })),
    })}
${m.nextHref ? html`<p><a class="button secondary" href="${m.nextHref}">${text(lang, 'manager.drilldown.next')}</a></p>` : ''}`;
}
