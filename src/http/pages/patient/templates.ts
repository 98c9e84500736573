// The patient pages' HTML: plain forms that work without script (GOV.UK/1177 pattern: error summary at the
// top linked to each field, each error beside its field). Only renders view models; no rule is decided here.
import { errorSummary as summary, fieldset, hiddenField, radio, textField, type SummaryItem } from '../components.js';
import { html, type Html, type HtmlValue } from '../html.js';
import { text, type Lang, type TextKey } from '../texts/index.js';
import type { BookingField, BookingFormValues } from './form.js';
import type { DayOfChoices } from './present.js';

export function errorSummary(lang: Lang, errors: readonly SummaryItem[]): Html | '' {
  return summary(text(lang, 'patient.errors.title'), errors);
}

/** Radio buttons of free times, grouped by day; the first day open, later days folded away. */
function timeChoices(days: readonly DayOfChoices[]): Html {
  let n = 0;
  const slot = (value: string, label: string, checked: boolean) =>
    html`<li>${radio({ id: `slot-${String(n++)}`, name: 'slot', value, label: html`<span>${label}</span>`, checked })}</li>`;
  return html`${days.map((day) => {
    const group = html`<fieldset class="day"><legend${day.open ? '' : html` class="visually-hidden"`}>${day.heading}</legend>
<ul class="slots">${day.choices.map((c) => slot(c.value, c.label, c.checked))}</ul></fieldset>`;
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
  const errorPrefix = t('patient.errors.prefix');
  return html`<form method="post" action="${view.action}" novalidate class="booking-form"
 data-phone-missing="${t('patient.error.phoneMissing')}" data-errors-title="${t('patient.errors.title')}" data-error-prefix="${errorPrefix}">
${textField({ id: 'phone', label: t('patient.form.phone'), hint: t('patient.form.phoneHint'), value: values.phone, error: errors.phone, errorPrefix, type: 'tel', attrs: html`autocomplete="tel" inputmode="tel" required` })}
${textField({ id: 'pin', label: t('patient.form.pin'), hint: t('patient.form.pinHint'), value: values.pin, error: errors.pin, errorPrefix, attrs: html`inputmode="numeric" autocomplete="off" spellcheck="false"` })}
${textField({ id: 'name', label: t('patient.form.name'), value: values.name, error: errors.name, errorPrefix, attrs: html`autocomplete="name"` })}
${textField({ id: 'reason', label: t('patient.form.reason'), hint: t('patient.form.reasonHint'), value: values.reason, error: errors.reason, errorPrefix, type: 'textarea', attrs: html`rows="3"` })}
${fieldset({
  id: 'slot',
  className: 'times',
  legend: t('patient.form.time'),
  hint: t('patient.form.timeHint'),
  error: errors.slot,
  errorPrefix,
  content: html`<ul class="slots first"><li>${radio({ id: 'slot-first', name: 'slot', value: '', label: html`<span>${view.firstFreeLabel}</span>`, checked: values.slot === '' })}</li></ul>
${timeChoices(view.days)}`,
})}
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
  return html`<form method="post" action="${view.action}" novalidate>
${hiddenField('token', view.token)}
${fieldset({ id: 'slot', className: 'times', legend: t('patient.change.time'), error: view.error, errorPrefix: t('patient.errors.prefix'), content: timeChoices(view.days) })}
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
${hiddenField('token', view.token)}
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

/** The page a clinic shows when it cannot take a booking now: closed (`opens`: when it opens next) or no free time. */
export function refusal(lang: Lang, view: { closed: true; opens: string } | { closed: false }): Html {
  const t = (key: TextKey) => text(lang, key);
  const back = { href: '/', label: t('patient.clinic.backToList') };
  if (view.closed) return html`<h2>${t('patient.clinic.closed.title')}</h2>${message([view.opens, t('patient.clinic.adviceMeanwhile')], [back])}`;
  return html`<h2>${t('patient.clinic.noTimes.title')}</h2>${message([t('patient.clinic.noTimes.text'), t('patient.clinic.adviceMeanwhile')], [back])}`;
}

export function clinicList(lang: Lang, clinics: readonly { id: string; name: string }[]): Html {
  if (clinics.length === 0) return html`<p>${text(lang, 'patient.clinics.none')}</p>`;
  return html`<p>${text(lang, 'patient.clinics.intro')}</p>
<ul class="clinic-list">${clinics.map((c) => html`<li><a href="/vardcentral/${encodeURIComponent(c.id)}">${c.name}</a></li>`)}</ul>`;
}
