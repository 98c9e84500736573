// The patient pages' HTML: plain forms that work without script (GOV.UK/1177 pattern: error summary at the
// top linked to each field, each error beside its field). Only renders view models; no rule is decided here.
import { html, type Html, type HtmlValue } from '../html.js';
import { text, type Lang, type TextKey } from '../texts/index.js';
import type { BookingField, BookingFormValues } from './form.js';
import type { DayOfChoices } from './present.js';

export interface ShownError {
  /** The id of the element the summary links to (the field, or the first radio of a group). */
  target: string;
  message: string;
}

export function errorSummary(lang: Lang, errors: readonly ShownError[]): HtmlValue {
  if (errors.length === 0) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${text(lang, 'patient.errors.title')}</h2>
<ul>${errors.map((e) => html`<li><a href="#${e.target}">${e.message}</a></li>`)}</ul>
</div>`;
}

function fieldError(lang: Lang, id: string, message: string | undefined): HtmlValue {
  if (!message) return '';
  return html`<p class="field-error" id="${id}-error"><span class="visually-hidden">${text(lang, 'patient.errors.prefix')} </span>${message}</p>`;
}

const describedBy = (id: string, hint: boolean, error: string | undefined) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || false;

interface InputSpec {
  id: string;
  label: string;
  hint?: string;
  value: string;
  error?: string;
  attrs: Html;
  multiline?: boolean;
}

function inputField(lang: Lang, f: InputSpec): Html {
  const by = describedBy(f.id, Boolean(f.hint), f.error);
  const control = f.multiline
    ? html`<textarea id="${f.id}" name="${f.id}" ${f.attrs} ${by ? html`aria-describedby="${by}"` : ''} ${f.error ? html`aria-invalid="true"` : ''}>${f.value}</textarea>`
    : html`<input id="${f.id}" name="${f.id}" value="${f.value}" ${f.attrs} ${by ? html`aria-describedby="${by}"` : ''} ${f.error ? html`aria-invalid="true"` : ''}>`;
  return html`<div class="field${f.error ? ' has-error' : ''}">
<label for="${f.id}">${f.label}</label>
${f.hint ? html`<p class="hint" id="${f.id}-hint">${f.hint}</p>` : ''}
${fieldError(lang, f.id, f.error)}
${control}
</div>`;
}

/** Radio buttons of free times, grouped by day; the first day open, later days folded away. */
function timeChoices(days: readonly DayOfChoices[]): Html {
  let n = 0;
  const radio = (value: string, label: string, checked: boolean) =>
    html`<li><label><input type="radio" name="slot" id="slot-${String(n++)}" value="${value}" ${checked ? html`checked` : ''}> <span>${label}</span></label></li>`;
  return html`${days.map((day) => {
    const group = html`<fieldset class="day"><legend${day.open ? '' : html` class="visually-hidden"`}>${day.heading}</legend>
<ul class="slots">${day.choices.map((c) => radio(c.value, c.label, c.checked))}</ul></fieldset>`;
    return day.open ? group : html`<details class="day"><summary>${day.heading}</summary>${group}</details>`;
  })}`;
}

export interface BookingFormView {
  action: string;
  values: BookingFormValues;
  errors: Partial<Record<BookingField, string>>;
  firstFreeLabel: string;
  days: DayOfChoices[];
}

export function bookingForm(lang: Lang, view: BookingFormView): Html {
  const t = (key: TextKey) => text(lang, key);
  const { values, errors } = view;
  const slotBy = describedBy('slot', true, errors.slot);
  return html`<form method="post" action="${view.action}" novalidate class="booking-form"
 data-phone-missing="${t('patient.error.phoneMissing')}" data-errors-title="${t('patient.errors.title')}" data-error-prefix="${t('patient.errors.prefix')}">
${inputField(lang, { id: 'phone', label: t('patient.form.phone'), hint: t('patient.form.phoneHint'), value: values.phone, error: errors.phone, attrs: html`type="tel" autocomplete="tel" inputmode="tel" required` })}
${inputField(lang, { id: 'pin', label: t('patient.form.pin'), hint: t('patient.form.pinHint'), value: values.pin, error: errors.pin, attrs: html`type="text" inputmode="numeric" autocomplete="off" spellcheck="false"` })}
${inputField(lang, { id: 'name', label: t('patient.form.name'), value: values.name, error: errors.name, attrs: html`type="text" autocomplete="name"` })}
${inputField(lang, { id: 'reason', label: t('patient.form.reason'), hint: t('patient.form.reasonHint'), value: values.reason, error: errors.reason, attrs: html`rows="3"`, multiline: true })}
<fieldset class="times${errors.slot ? ' has-error' : ''}" ${slotBy ? html`aria-describedby="${slotBy}"` : ''}>
<legend>${t('patient.form.time')}</legend>
<p class="hint" id="slot-hint">${t('patient.form.timeHint')}</p>
${fieldError(lang, 'slot', errors.slot)}
<ul class="slots first"><li><label><input type="radio" name="slot" id="slot-first" value="" ${values.slot === '' ? html`checked` : ''}> <span>${view.firstFreeLabel}</span></label></li></ul>
${timeChoices(view.days)}
</fieldset>
<button type="submit">${t('patient.form.submit')}</button>
</form>`;
}

export interface ChangeFormView {
  action: string;
  token: string;
  error?: string;
  days: DayOfChoices[];
  keepHref: string;
}

export function changeForm(lang: Lang, view: ChangeFormView): Html {
  const t = (key: TextKey) => text(lang, key);
  const by = describedBy('slot', false, view.error);
  return html`<form method="post" action="${view.action}" novalidate>
<input type="hidden" name="token" value="${view.token}">
<fieldset class="times${view.error ? ' has-error' : ''}" ${by ? html`aria-describedby="${by}"` : ''}>
<legend>${t('patient.change.time')}</legend>
${fieldError(lang, 'slot', view.error)}
${timeChoices(view.days)}
</fieldset>
<button type="submit">${t('patient.change.submit')}</button>
<a class="button secondary" href="${view.keepHref}">${t('patient.change.keep')}</a>
</form>`;
}

export interface CancelFormView {
  action: string;
  token: string;
  keepHref: string;
}

export function cancelForm(lang: Lang, view: CancelFormView): Html {
  return html`<form method="post" action="${view.action}">
<input type="hidden" name="token" value="${view.token}">
<p>${text(lang, 'patient.cancel.question')}</p>
<button type="submit" class="danger">${text(lang, 'patient.cancel.submit')}</button>
<a class="button secondary" href="${view.keepHref}">${text(lang, 'patient.cancel.keep')}</a>
</form>`;
}

/** Paragraphs and links: the body of every page that only tells the patient something. */
export function message(paragraphs: readonly HtmlValue[], links: readonly { href: string; label: string; button?: boolean }[] = []): Html {
  return html`${paragraphs.map((p) => html`<p>${p}</p>`)}
${links.length ? html`<p class="actions">${links.map((l) => html`<a ${l.button ? html`class="button secondary" ` : ''}href="${l.href}">${l.label}</a> `)}</p>` : ''}`;
}

export function notice(content: HtmlValue, kind: 'info' | 'warn' = 'info'): Html {
  return html`<div class="notice${kind === 'warn' ? ' notice-warn' : ''}"><p>${content}</p></div>`;
}

export function clinicList(lang: Lang, clinics: readonly { id: string; name: string }[]): Html {
  if (clinics.length === 0) return html`<p>${text(lang, 'patient.clinics.none')}</p>`;
  return html`<p>${text(lang, 'patient.clinics.intro')}</p>
<ul class="clinic-list">${clinics.map((c) => html`<li><a href="/vardcentral/${encodeURIComponent(c.id)}">${c.name}</a></li>`)}</ul>`;
}
