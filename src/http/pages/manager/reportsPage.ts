// Templates of the manager's report pages: the dashboard (filter form, tiles, charts with their tables, the
// per-clinic table, downloads) and the drill-down list. They only render the presenter's view models.
import type { ClinicSummary } from '../../../db/clinics.js';
import type { DrilldownRecord, MeasureReport } from '../../../services/reports.js';
import { GROUPINGS } from '../../../domain/reportPeriod.js';
import { escapeHtml, html, Html } from '../html.js';
import { text, type Lang, type TextKey } from '../texts/index.js';
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

export interface FieldError {
  /** The form element's id. */
  id: string;
  message: string;
}

/** A catalogue text whose {placeholders} become the given fragments (e.g. links), the rest escaped. */
function withFragments(template: string, fragments: Record<string, Html>): Html {
  return new Html(template.split(/(\{\w+\})/).map((part) => (/^\{\w+\}$/.test(part) ? (fragments[part.slice(1, -1)]?.value ?? '') : escapeHtml(part))).join(''));
}

export function errorSummary(lang: Lang, errors: FieldError[]): Html | '' {
  if (errors.length === 0) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
  <h2 id="error-summary-title">${text(lang, 'manager.reports.errors')}</h2>
  <ul>${errors.map((e) => html`<li><a href="#${e.id}">${e.message}</a></li>`)}</ul>
</div>`;
}

const errorFor = (errors: FieldError[], id: string) => {
  const found = errors.filter((e) => e.id === id);
  return found.length ? html`<p class="field-error" id="${id}-error">${found.map((e) => e.message).join(' ')}</p>` : '';
};

export function filterForm(lang: Lang, scope: ReportScope, clinics: ClinicSummary[], errors: FieldError[]): Html {
  const has = (id: string) => errors.some((e) => e.id === id);
  const described = (id: string) => (has(id) ? `${id}-error` : null);
  return html`<form method="get" action="${REPORTS_PATH}" class="report-filter">
<fieldset><legend>${text(lang, 'manager.reports.filter')}</legend>
<div class="filter-fields">
  <div class="${has('from') ? 'has-error' : ''}"><label for="from">${text(lang, 'manager.reports.from')}</label>${errorFor(errors, 'from')}
    <input type="date" id="from" name="from" value="${scope.from}" ${described('from') ? html`aria-describedby="${described('from')}"` : ''} required></div>
  <div class="${has('to') ? 'has-error' : ''}"><label for="to">${text(lang, 'manager.reports.to')}</label>${errorFor(errors, 'to')}
    <input type="date" id="to" name="to" value="${scope.to}" ${described('to') ? html`aria-describedby="${described('to')}"` : ''} required></div>
  <div class="${has('groupBy') ? 'has-error' : ''}"><label for="groupBy">${text(lang, 'manager.reports.groupBy')}</label>${errorFor(errors, 'groupBy')}
    <select id="groupBy" name="groupBy">${GROUPINGS.map(
      (g) => html`<option value="${g}" ${scope.groupBy === g ? 'selected' : ''}>${text(lang, `manager.reports.group.${g}` as TextKey)}</option>`,
    )}</select></div>
  <div class="${has('clinic') ? 'has-error' : ''}"><label for="clinic">${text(lang, 'manager.reports.clinic')}</label>${errorFor(errors, 'clinic')}
    <select id="clinic" name="clinic">
      <option value="">${text(lang, 'manager.reports.allClinics')}</option>
      ${clinics.map((c) => html`<option value="${c.id}" ${scope.clinic === c.id ? 'selected' : ''}>${c.name}</option>`)}
    </select></div>
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
${tiles(lang, scope, report.total).map(
  (t) => html`<li class="tile ${t.rating.className}">
  <h2>${t.title}</h2>
  <p class="tile-share">${t.percent}</p>
  <p class="tile-rating"><span class="badge">${t.rating.label}</span></p>
  <p>${withFragments(text(lang, 'manager.tile.of'), { numerator: html`<a href="${t.numerator.href}">${t.numerator.text}</a>`, denominator: html`<a href="${t.denominator.href}">${t.denominator.text}</a>` })}</p>
  <ul class="plain tile-more">${t.more.map((l) => html`<li><a href="${l.href}">${l.text}</a></li>`)}</ul>
</li>`,
)}
${turnedAwayTileHtml(lang, turnedAwayTile(lang, scope, report.total))}
</ul>

<section aria-labelledby="shares-title">
<h2 id="shares-title">${text(lang, 'manager.chart.shares')}</h2>
<p id="shares-summary">${text(lang, 'manager.chart.sharesSummary', { group: groupWord })}</p>
<div class="chart"><canvas id="chart-shares" role="img" aria-label="${text(lang, 'manager.chart.shares')}" aria-describedby="shares-summary"></canvas></div>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="shares-title"><table>
<caption class="visually-hidden">${text(lang, 'manager.chart.shares')}</caption>
<thead><tr><th scope="col">${text(lang, 'manager.chart.period')}</th>${data.series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
<tbody>${report.periods.map(
    (p) => html`<tr><th scope="row">${p.period}</th>
  <td>${percent(lang, p.contactSameDay.share)}</td><td>${percent(lang, p.timeDeviation.shareOnTime)}</td><td>${percent(lang, p.medicalAssessment.share)}</td></tr>`,
  )}</tbody>
</table></div>
</section>

<section aria-labelledby="histogram-title">
<h2 id="histogram-title">${text(lang, 'manager.chart.histogram')}</h2>
<p id="histogram-summary">${text(lang, 'manager.chart.histogramSummary')}</p>
<div class="chart"><canvas id="chart-histogram" role="img" aria-label="${text(lang, 'manager.chart.histogram')}" aria-describedby="histogram-summary"></canvas></div>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="histogram-title"><table>
<caption class="visually-hidden">${text(lang, 'manager.chart.histogram')}</caption>
<thead><tr><th scope="col">${text(lang, 'manager.chart.minutes')}</th><th scope="col">${text(lang, 'manager.chart.count')}</th></tr></thead>
<tbody>${report.total.timeDeviation.histogram.map(
    (b) => html`<tr><th scope="row">${binLabel(b)}</th><td><a href="${drilldownHref(scope, 'timeDeviation.callbacksWithAttempt', {
      deviationFromMinutes: b.fromMinutes ?? undefined,
      deviationToMinutes: b.toMinutes ?? undefined,
    })}">${b.count}</a></td></tr>`,
  )}</tbody>
</table></div>
</section>

<section aria-labelledby="per-clinic">
<h2 id="per-clinic">${text(lang, 'manager.clinics.title')}</h2>
<p class="hint">${text(lang, 'manager.clinics.sortHint')}</p>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="per-clinic"><table class="clinic-table">
<thead><tr>${SORTS.map(
    (s) =>
      html`<th scope="col" ${m.sort === s ? html`aria-sort="ascending"` : ''}><a href="${sortHref(s)}">${headings[s]}</a>${m.sort === s ? html` <span class="visually-hidden">${text(lang, 'manager.clinics.sortedBy')}</span>` : ''}</th>`,
  )}${TURNED_AWAY_COLUMNS.map((key) => html`<th scope="col">${text(lang, key)}</th>`)}</tr></thead>
<tbody>${clinicRows(lang, scope, report, m.sort).map(
    (r) => html`<tr ${r.hiddenQueue ? html`class="hidden-queue-row"` : ''}><th scope="row">${r.name}${r.hiddenQueue
      ? html`<p class="hidden-queue-warning small"><span class="badge small hidden-queue">${text(lang, 'manager.turnedAway.flag')}</span> ${r.hiddenQueue}</p>`
      : ''}</th>${r.cells.map(
      (c) => html`<td><a href="${c.href}">${c.percent}</a> <span class="badge small ${c.rating.className}">${c.rating.label}</span></td>`,
    )}${r.turnedAway.map((l) => html`<td><a href="${l.href}">${l.text}</a></td>`)}</tr>`,
  )}</tbody>
</table></div>
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

/** Rule 13's columns in the per-clinic table: calls received, booked, turned away, the share turned away. */
const TURNED_AWAY_COLUMNS: TextKey[] = ['manager.clinics.callsReceived', 'manager.clinics.booked', 'manager.clinics.turnedAway', 'manager.clinics.turnedAwayShare'];

function turnedAwayTileHtml(lang: Lang, t: ReturnType<typeof turnedAwayTile>): Html {
  return html`<li class="tile tile-turned-away ${t.hiddenQueue ? 'hidden-queue-tile' : ''}">
  <h2>${t.title}</h2>
  <p class="tile-share">${t.percent}</p>
  ${t.hiddenQueue ? html`<p class="hidden-queue-warning" role="status"><span class="badge hidden-queue">${text(lang, 'manager.turnedAway.flag')}</span> ${t.hiddenQueue}</p>` : ''}
  <p>${withFragments(text(lang, 'manager.turnedAway.of'), { count: html`<a href="${t.of.href}">${t.of.text}</a>`, attempts: html`${t.attempts}` })}</p>
  <h3 class="tile-subtitle">${text(lang, 'manager.turnedAway.byReason')}</h3>
  <ul class="plain tile-more">${t.reasons.map((l) => html`<li><a href="${l.href}">${l.text}</a></li>`)}</ul>
  <ul class="plain tile-more">${t.more.map((l) => html`<li><a href="${l.href}">${l.text}</a></li>`)}</ul>
  <p class="hint">${t.adjusted}</p>
</li>`;
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

export function drilldownBody(m: DrilldownModel): Html {
  const { lang } = m;
  return html`
<p>${text(lang, 'manager.drilldown.figure', { figure: m.figure, from: m.scope.from, to: m.scope.to })}</p>
<p><a href="${REPORTS_PATH}?${scopeQuery(m.scope)}">${text(lang, 'manager.drilldown.back')}</a></p>
${m.records.length === 0
  ? html`<p>${text(lang, 'manager.drilldown.none')}</p>`
  : html`<div class="table-scroll" tabindex="0" role="region" aria-label="${text(lang, 'manager.drilldown.title')}"><table class="drilldown">
<thead><tr><th scope="col">${text(lang, 'manager.drilldown.date')}</th><th scope="col">${text(lang, 'manager.drilldown.clinic')}</th><th scope="col">${text(lang, 'manager.drilldown.verdict')}</th><th scope="col">${text(lang, 'manager.drilldown.reason')}</th><th scope="col">${text(lang, 'manager.drilldown.details')}</th></tr></thead>
<tbody>${m.records.map(
      (r) => html`<tr>
  <td>${r.date}</td>
  <td>${m.clinicNames.get(r.clinicId) ?? r.clinicId}</td>
  <td><span class="verdict verdict-${r.verdict}">${text(lang, `manager.verdict.${r.verdict}` as TextKey)}</span></td>
  <td>${recordReason(lang, m.figureName, r)}</td>
  <td><dl class="details">${r.callbackId ? html`<dt>${text(lang, 'manager.drilldown.callback')}</dt><dd><code>${r.callbackId}</code></dd>` : ''}${r.attemptId
        ? html`<dt>${text(lang, 'manager.drilldown.attempt')}</dt><dd><code>${r.attemptId}</code></dd>`
        : ''}${Object.entries(r.details)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => html`<dt>${detailLabel(lang, k)}</dt><dd>${detailValue(lang, v!)}</dd>`)}</dl></td>
</tr>`,
    )}</tbody></table></div>`}
${m.nextHref ? html`<p><a class="button secondary" href="${m.nextHref}">${text(lang, 'manager.drilldown.next')}</a></p>` : ''}`;
}
