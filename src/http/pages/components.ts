// The pages' shared pieces, in the manner of GOV.UK Frontend's macros: the error summary, a text field, a select,
// radios, a checkbox, a group of fields, a table, a tile, a status line, a one-button form. Each writes its pattern
// the same way on every page, with the ids that tie a hint and an error to their control (aria-describedby,
// aria-invalid). They take every word from the caller (the catalogue's, in the page's language) and decide nothing.
import { Html, html, type HtmlValue } from './html.js';

/** One entry of the error summary: the message, linking to the control it is about. */
export interface SummaryItem {
  /** The id of the control the link moves to (a field, or the first radio or checkbox of a group). */
  target: string;
  message: HtmlValue;
}

/** At the top of a form: what is wrong, each line a link to its field. Nothing when nothing is wrong. */
export function errorSummary(title: string, items: readonly SummaryItem[]): Html | '' {
  if (items.length === 0) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${title}</h2>
<ul>${items.map((e) => html`<li><a href="#${e.target}">${e.message}</a></li>`)}</ul>
</div>`;
}

/** What every control and group shares: its label or legend, a hint, and the error beside it. */
interface Described {
  /** The hint's id is `${id}-hint`, the error's `${id}-error`. */
  id: string;
  hint?: HtmlValue;
  /** Shown beside the control (and named by its aria-describedby); nothing when empty. */
  error?: HtmlValue;
  /** Words only screen readers hear before the error ("Fel:"). */
  errorPrefix?: string;
  /** Marked invalid although its message stands elsewhere (in an alert above, or beside a field inside the group). */
  invalid?: boolean;
}

const present = (v: HtmlValue | undefined): boolean => v !== undefined && v !== null && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0);

function hintAndError(d: Described): { parts: Html; describedBy: Html | ''; invalid: boolean } {
  const hasHint = present(d.hint);
  const hasError = present(d.error);
  const ids = [hasHint ? `${d.id}-hint` : '', hasError ? `${d.id}-error` : ''].filter(Boolean).join(' ');
  return {
    parts: html`${hasHint ? html`<p class="hint" id="${d.id}-hint">${d.hint}</p>` : ''}${hasError ? fieldError(d.id, d.error, d.errorPrefix) : ''}`,
    describedBy: ids ? html` aria-describedby="${ids}"` : '',
    invalid: hasError || Boolean(d.invalid),
  };
}

/** The message beside a field: `${id}-error`, which the control's aria-describedby names. */
export function fieldError(id: string, message: HtmlValue, prefix?: string): Html {
  return html`<p class="field-error" id="${id}-error">${prefix ? html`<span class="visually-hidden">${prefix} </span>` : ''}${message}</p>`;
}

export interface TextFieldSpec extends Described {
  label: HtmlValue;
  /** The posted name; the id when not given. */
  name?: string;
  value: string;
  /** The input's type (text, tel, date, time, number, password, datetime-local); `textarea` for several lines. */
  type?: string;
  /** Further attributes as written: autocomplete, inputmode, min, max, maxlength, rows, required. */
  attrs?: Html;
  /** What stands on the same line after the control (the button that sends it). */
  suffix?: HtmlValue;
}

/** A label, its hint, the error beside the field, and the input (or textarea). */
export function textField(f: TextFieldSpec): Html {
  const { parts, describedBy, invalid } = hintAndError(f);
  const common = html`id="${f.id}" name="${f.name ?? f.id}"`;
  const control =
    f.type === 'textarea'
      ? html`<textarea ${common}${f.attrs ? html` ${f.attrs}` : ''}${describedBy}${invalid ? html` aria-invalid="true"` : ''}>${f.value}</textarea>`
      : html`<input ${common} value="${f.value}" type="${f.type ?? 'text'}"${f.attrs ? html` ${f.attrs}` : ''}${describedBy}${invalid ? html` aria-invalid="true"` : ''}>`;
  return html`<div class="field${invalid ? ' has-error' : ''}">
<label for="${f.id}">${f.label}</label>
${parts}${control}${present(f.suffix) ? html` ${f.suffix}` : ''}
</div>`;
}

export interface Choice {
  value: string;
  label: string;
}

export interface SelectSpec extends Described {
  label: HtmlValue;
  name?: string;
  options: readonly Choice[];
  value: string | undefined;
  /** A first option with the value '' ("Välj", "Alla mina vårdcentraler"). */
  empty?: string;
}

export function select(f: SelectSpec): Html {
  const { parts, describedBy, invalid } = hintAndError(f);
  return html`<div class="field${invalid ? ' has-error' : ''}">
<label for="${f.id}">${f.label}</label>
${parts}<select id="${f.id}" name="${f.name ?? f.id}"${describedBy}${invalid ? html` aria-invalid="true"` : ''}>
${f.empty !== undefined ? html`<option value="">${f.empty}</option>` : ''}${f.options.map((c) => html`<option value="${c.value}"${c.value === f.value ? html` selected` : ''}>${c.label}</option>`)}
</select>
</div>`;
}

export interface FieldsetSpec extends Partial<Described> {
  legend: HtmlValue;
  className?: string;
  content: HtmlValue;
}

/**
 * A group of controls under a legend (radios, checkboxes, fields that belong together), with its hint and error
 * under the legend. Without an id the hint is plain text and the group names nothing.
 */
export function fieldset(f: FieldsetSpec): Html {
  const { parts, describedBy, invalid } = f.id ? hintAndError(f as Described) : { parts: html`${present(f.hint) ? html`<p class="hint">${f.hint}</p>` : ''}`, describedBy: '' as const, invalid: Boolean(f.invalid) };
  const classes = [f.className, invalid ? 'has-error' : ''].filter(Boolean).join(' ');
  return html`<fieldset${classes ? html` class="${classes}"` : ''}${describedBy}>
<legend>${f.legend}</legend>
${parts}${f.content}
</fieldset>`;
}

export interface RadioSpec {
  id: string;
  name: string;
  value: string;
  label: HtmlValue;
  checked: boolean;
  /** The label's class: `choice` (one per line) or none (the caller's layout). */
  className?: string;
}

export function radio(r: RadioSpec): Html {
  return html`<label${r.className ? html` class="${r.className}"` : ''}><input type="radio" id="${r.id}" name="${r.name}" value="${r.value}"${r.checked ? html` checked` : ''}> ${r.label}</label>`;
}

export interface RadiosSpec {
  name: string;
  legend: HtmlValue;
  hint?: HtmlValue;
  options: readonly Choice[];
  value: string;
  error?: HtmlValue;
}

/** Radio buttons, one per line, in a fieldset; each is `${name}-${value}`, and the summary links to the first. */
export function radios(r: RadiosSpec): Html {
  return fieldset({
    id: r.name,
    legend: r.legend,
    hint: r.hint,
    error: r.error,
    content: r.options.map((c) => radio({ id: radioId(r.name, c.value), name: r.name, value: c.value, label: c.label, checked: c.value === r.value, className: 'choice' })),
  });
}

export const radioId = (name: string, value: string): string => `${name}-${value}`;

export interface CheckboxSpec {
  id?: string;
  name: string;
  value?: string;
  label: HtmlValue;
  checked: boolean;
  /** `inline` (side by side, as the weekdays) or `choice` (one per line). */
  className: 'inline' | 'choice';
}

export function checkbox(c: CheckboxSpec): Html {
  return html`<label class="${c.className}"${c.id ? html` for="${c.id}"` : ''}><input type="checkbox"${c.id ? html` id="${c.id}"` : ''} name="${c.name}"${c.value ? html` value="${c.value}"` : ''}${c.checked ? html` checked` : ''}> ${c.label}</label>`;
}

/** A column heading; `sorted` says (with aria-sort) that the rows are in its order. */
export interface HeaderCell {
  content: HtmlValue;
  sorted?: boolean;
}

export interface TableRow {
  /** The row's heading (th scope="row"); none for rows of plain cells. */
  header?: HtmlValue;
  cells: readonly HtmlValue[];
  className?: string;
}

export interface TableSpec {
  /** Names the scrolling region: the id of the heading above the table, or else words. */
  labelledBy?: string;
  label?: string;
  /** A caption for screen readers (the heading above says it to everyone else). */
  caption?: string;
  className?: string;
  head: readonly (HtmlValue | HeaderCell)[];
  rows: readonly TableRow[];
}

const isHeaderCell = (h: HtmlValue | HeaderCell): h is HeaderCell =>
  typeof h === 'object' && h !== null && !(h instanceof Html) && !Array.isArray(h);

/** A table in a region that scrolls sideways on a phone (and can be reached by keyboard to do so). */
export function table(t: TableSpec): Html {
  const name = t.labelledBy ? html`aria-labelledby="${t.labelledBy}"` : html`aria-label="${t.label ?? ''}"`;
  const th = (h: HtmlValue | HeaderCell) =>
    isHeaderCell(h) ? html`<th scope="col"${h.sorted ? html` aria-sort="ascending"` : ''}>${h.content}</th>` : html`<th scope="col">${h}</th>`;
  return html`<div class="table-scroll" tabindex="0" role="region" ${name}><table${t.className ? html` class="${t.className}"` : ''}>
${t.caption ? html`<caption class="visually-hidden">${t.caption}</caption>` : ''}
<thead><tr>${t.head.map(th)}</tr></thead>
<tbody>${t.rows.map(
    (r) => html`<tr${r.className ? html` class="${r.className}"` : ''}>${r.header !== undefined ? html`<th scope="row">${r.header}</th>` : ''}${r.cells.map((c) => html`<td>${c}</td>`)}</tr>
`,
  )}</tbody>
</table></div>`;
}

export interface TileSpec {
  title: HtmlValue;
  /** The big figure ("87 %"). */
  figure: string;
  /** The rating in words, on a badge coloured by the tile's class. */
  rating?: HtmlValue;
  className?: string;
  content: HtmlValue;
}

/** One figure of a dashboard, with its rating in colour and words; a list item of a `ul.tiles`. */
export function tile(t: TileSpec): Html {
  return html`<li class="tile${t.className ? html` ${t.className}` : ''}">
<h2>${t.title}</h2>
<p class="tile-share">${t.figure}</p>
${t.rating !== undefined ? html`<p class="tile-rating"><span class="badge">${t.rating}</span></p>` : ''}${t.content}
</li>`;
}

/** A line that reports what just happened (saved, moved, the phone rings): read out by screen readers as it appears. */
export function statusLine(message: HtmlValue, id?: string): Html {
  return html`<p class="notice"${id ? html` id="${id}"` : ''} role="status">${message}</p>`;
}

/** A hidden form field (the CSRF token, a booking's token, a row count). */
export const hiddenField = (name: string, value: string | number): Html => html`<input type="hidden" name="${name}" value="${value}">`;

export interface ButtonFormSpec {
  action: string;
  /** Hidden fields sent with the press (the CSRF token). */
  hidden: HtmlValue;
  label: HtmlValue;
  /** The button's class (`secondary`) and id. */
  className?: string;
  id?: string;
  /** Further attributes of the button (aria-describedby). */
  attrs?: Html;
}

/** One button that posts (claim, release, follow up): a form of its own, so it works without script. */
export function buttonForm(b: ButtonFormSpec): Html {
  return html`<form method="post" action="${b.action}">${b.hidden}<button type="submit"${b.className ? html` class="${b.className}"` : ''}${b.id ? html` id="${b.id}"` : ''}${b.attrs ? html` ${b.attrs}` : ''}>${b.label}</button></form>`;
}
