// The clinic settings page: one plain form for booking hours, slot length, capacity rules, date exceptions,
// tolerances and the duplicate policy, then the telephony section; each error beside its field, a summary on top.
import { checkbox, errorSummary, fieldset, hiddenField, select, statusLine, textField } from '../../components.js';
import { html, type Html } from '../../html.js';
import { csrfField } from '../../staff/templates.js';
import { text, type Lang } from '../../texts/index.js';
import { staffPaths } from '../../staff/paths.js';
import type { TelephonyForm } from './form.js';
import type { FieldError, SettingsView } from './present.js';

/** The errors at the top of a section, each linking to its field. */
const summary = (lang: Lang, errors: readonly FieldError[]) =>
  errorSummary(
    text(lang, 'manager.reports.errors'),
    errors.map((e) => ({ target: e.id, message: e.message })),
  );

/** Every message for one element, side by side. */
const errorsOf = (errors: readonly FieldError[], id: string): string => errors.filter((e) => e.id === id).map((e) => e.message).join(' ');

const numeric = (min: number, max: number) => html`min="${min}" max="${max}" inputmode="numeric"`;

export function settingsBody(lang: Lang, clinicId: string, csrf: string, v: SettingsView): Html {
  const f = v.form;
  const error = (id: string) => errorsOf(v.errors, id);
  const field = (id: string, type: string, value: string, label: string, attrs?: Html) => textField({ id, type, value, label, attrs, error: error(id) });
  const section = (title: string, content: Html, hint?: string) => fieldset({ legend: html`<h2>${title}</h2>`, hint, content });
  return html`
${v.saved ? statusLine(text(lang, 'manager.settings.saved')) : ''}
${summary(lang, v.errors)}
<form method="post" action="${staffPaths.settings(clinicId)}" class="settings-form" novalidate>
${csrfField(csrf)}
${hiddenField('rules', v.rules.length)}
${hiddenField('exceptions', v.exceptions.length)}

${section(
  text(lang, 'manager.settings.hours'),
  html`<div class="weekday-grid">
${v.days.map(
  (d) => html`<div class="weekday-row">
  ${field(`open${d.value}`, 'time', f.windows[d.value]?.open ?? '', text(lang, 'manager.settings.opens', { day: d.name }))}
  ${field(`close${d.value}`, 'time', f.windows[d.value]?.close ?? '', text(lang, 'manager.settings.closes', { day: d.name }))}
</div>`,
)}
</div>
${field('slotMinutes', 'number', f.slotMinutes, text(lang, 'manager.settings.slotMinutes'), numeric(5, 120))}`,
  text(lang, 'manager.settings.hoursHint'),
)}

${section(
  text(lang, 'manager.settings.capacity'),
  html`${v.rules.map(({ row: r, number }, i) =>
    fieldset({
      className: 'row-group',
      legend: number ? text(lang, 'manager.settings.rule', { n: number }) : text(lang, 'manager.settings.ruleNew'),
      content: html`${fieldset({
        id: `rule${i}_wd`,
        className: 'weekdays',
        legend: text(lang, 'manager.settings.weekdays'),
        error: error(`rule${i}_wd1`),
        content: v.days.map((d) => checkbox({ id: `rule${i}_wd${d.value}`, name: `rule${i}_wd`, value: d.value, label: d.name, checked: r.weekdays.includes(d.value), className: 'inline' })),
      })}
  <div class="inline-fields">
  ${field(`rule${i}_from`, 'time', r.from, text(lang, 'manager.settings.from'))}
  ${field(`rule${i}_to`, 'time', r.to, text(lang, 'manager.settings.to'))}
  ${field(`rule${i}_capacity`, 'number', r.capacity, text(lang, 'manager.settings.places'), numeric(0, 1000))}
  </div>`,
    }),
  )}`,
  text(lang, 'manager.settings.capacityHint'),
)}

${section(
  text(lang, 'manager.settings.exceptions'),
  html`${v.exceptions.map(({ row: e, number }, i) =>
    fieldset({
      className: 'row-group',
      legend: number ? text(lang, 'manager.settings.exception', { n: number }) : text(lang, 'manager.settings.exceptionNew'),
      content: html`<div class="inline-fields">
  ${field(`ex${i}_date`, 'date', e.date, text(lang, 'manager.settings.date'))}
  ${select({
    id: `ex${i}_kind`,
    label: text(lang, 'manager.settings.kind'),
    options: [
      { value: 'capacity', label: text(lang, 'manager.settings.kindCapacity') },
      { value: 'closed', label: text(lang, 'manager.settings.kindClosed') },
    ],
    value: e.kind,
    error: error(`ex${i}_kind`),
  })}
  ${field(`ex${i}_capacity`, 'number', e.capacity, text(lang, 'manager.settings.exceptionPlaces'), numeric(0, 1000))}
  ${field(`ex${i}_note`, 'text', e.note, text(lang, 'manager.settings.note'), html`maxlength="200"`)}
  </div>`,
    }),
  )}`,
  text(lang, 'manager.settings.exceptionsHint'),
)}

${section(
  text(lang, 'manager.settings.tolerances'),
  html`${field('early', 'number', f.early, text(lang, 'manager.settings.early'), numeric(0, 120))}
${field('late', 'number', f.late, text(lang, 'manager.settings.late'), numeric(0, 120))}`,
)}

${section(
  text(lang, 'manager.settings.duplicates'),
  checkbox({ id: 'onePerCaller', name: 'onePerCaller', label: text(lang, 'manager.settings.onePerCaller'), checked: f.onePerCaller, className: 'inline' }),
)}

<p class="hint">${text(lang, 'manager.settings.bookedNote')}</p>
<button type="submit">${text(lang, 'manager.settings.save')}</button>
</form>`;
}

export interface TelephonyView {
  form: TelephonyForm;
  errors: FieldError[];
  saved: boolean;
  /** The voice_start URL to give 46elks, for those who configure it (admins). */
  voiceStartUrl: string | null;
}

export function telephonyBody(lang: Lang, clinicId: string, csrf: string, v: TelephonyView): Html {
  const f = v.form;
  const error = (id: string) => errorsOf(v.errors, id);
  const phone = (id: 'fallbackPhone' | 'callerId', label: string, hint: string) =>
    textField({ id, type: 'tel', value: f[id], label, hint, attrs: html`autocomplete="off"`, error: error(id) });
  return html`
<section aria-labelledby="telephony-title" class="settings-form">
<h2 id="telephony-title">${text(lang, 'manager.telephony.title')}</h2>
${v.saved ? statusLine(text(lang, 'manager.telephony.saved')) : ''}
${summary(lang, v.errors)}
<form method="post" action="${staffPaths.settings(clinicId)}/telefoni" novalidate>
${csrfField(csrf)}
${textField({
  id: 'bookingNumbers',
  type: 'textarea',
  value: f.bookingNumbers,
  label: text(lang, 'manager.telephony.bookingNumbers'),
  hint: text(lang, 'manager.telephony.bookingNumbersHint'),
  attrs: html`rows="3"`,
  error: error('bookingNumbers'),
})}
${phone('fallbackPhone', text(lang, 'manager.telephony.fallback'), text(lang, 'manager.telephony.fallbackHint'))}
${phone('callerId', text(lang, 'manager.telephony.callerId'), text(lang, 'manager.telephony.callerIdHint'))}
${checkbox({ id: 'dialAgentFirst', name: 'dialAgentFirst', label: text(lang, 'manager.telephony.dialAgentFirst'), checked: f.dialAgentFirst, className: 'inline' })}
<button type="submit">${text(lang, 'manager.telephony.save')}</button>
</form>
${v.voiceStartUrl ? html`<h3 id="voice-start-title">${text(lang, 'manager.telephony.voiceStart')}</h3>
<p class="hint">${text(lang, 'manager.telephony.voiceStartHint')}</p>
<p><code class="url">${v.voiceStartUrl}</code></p>` : ''}
</section>`;
}
