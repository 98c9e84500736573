// Templates of the call card: the number to tap, the one-click attempt buttons (or, where the clinic dials through
// the app, the Ring button and the call's state), the outcome form, the result.
import { CONTACT_MODES, PROFESSIONS } from '../../../../domain/profession.js';
import { GUARANTEE_REASONS, RESOLUTIONS } from '../../../../domain/callbackOutcome.js';
import { buttonForm, fieldset, radioId, radios, select, statusLine, textField, type Choice } from '../../components.js';
import { html, isolated, type Html } from '../../html.js';
import { text, type Lang } from '../../texts/index.js';
import type { FormError } from '../form.js';
import { consolePaths } from '../paths.js';
import { choices } from '../present.js';
import { csrfField, errorText, formErrorSummary } from '../templates.js';
import type { OutcomeFormValues } from './form.js';
import type { CallViewModel } from './present.js';

function dialForm(lang: Lang, csrf: string, dial: NonNullable<CallViewModel['dial']>): Html {
  return html`${dial.error ? html`<p class="notice error" role="alert">${dial.error}</p>` : ''}
${dial.status ? statusLine(dial.status) : ''}
<form method="post" action="${dial.action}" class="dial-form">
  ${csrfField(csrf)}
  ${fieldset({
    legend: text(lang, 'staff.call.dial.legend'),
    hint: text(lang, 'staff.call.dial.hint'),
    content: textField({
      id: 'agentPhone',
      label: text(lang, 'staff.call.dial.agentPhone'),
      hint: text(lang, 'staff.call.dial.agentPhoneHint'),
      value: '',
      type: 'tel',
      attrs: html`autocomplete="tel"`,
      suffix: html`<button type="submit">${text(lang, 'staff.call.dial.submit')}</button>`,
    }),
  })}
</form>`;
}

function facts(lang: Lang, vm: CallViewModel): Html {
  return html`<dl class="call-facts">
  <dt>${text(lang, 'staff.call.phone')}</dt><dd><a class="phone" href="${vm.phoneHref}">${vm.phone}</a></dd>
  ${vm.pin ? html`<dt>${text(lang, 'staff.call.pin')}</dt><dd>${vm.pin}</dd>` : ''}
  <dt>${text(lang, 'staff.call.reason')}</dt><dd>${isolated(vm.reason)}</dd>
  <dt>${text(lang, 'staff.call.promised')}</dt><dd>${vm.promised}</dd>
  <dt>${text(lang, 'staff.call.attempts')}</dt><dd>${vm.attempts.length ? html`<ul class="plain">${vm.attempts.map((a) => html`<li>${a}</li>`)}</ul>` : text(lang, 'staff.call.noAttempts')}</dd>
</dl>`;
}

function calling(lang: Lang, csrf: string, vm: CallViewModel): Html {
  // A dialled call's attempt comes from the provider's record: no manual logging beside it.
  const logging = vm.dial
    ? dialForm(lang, csrf, vm.dial)
    : html`<form method="post" action="${consolePaths.attempt(vm.clinicId, vm.id)}" class="attempt-form">
  ${csrfField(csrf)}
  ${fieldset({
    legend: text(lang, 'staff.call.log'),
    hint: text(lang, 'staff.call.logHint'),
    content: vm.outcomes.map((o) => html`<button type="submit" name="outcome" value="${o.value}" class="${o.value === 'answered' ? '' : 'secondary'}">${o.label}</button>`),
  })}
</form>`;
  return html`${vm.claimUntil ? html`<p>${vm.claimUntil}</p>` : ''}
${logging}
<div class="queue-actions">
  ${buttonForm({ action: consolePaths.renew(vm.clinicId, vm.id), hidden: csrfField(csrf), label: text(lang, 'staff.call.renew'), className: 'secondary' })}
  ${buttonForm({ action: consolePaths.release(vm.clinicId, vm.id), hidden: csrfField(csrf), label: text(lang, 'staff.call.release'), className: 'secondary' })}
</div>`;
}

function outcomeForm(lang: Lang, csrf: string, vm: CallViewModel, v: OutcomeFormValues, errors: FormError[]): Html {
  const professions = choices(lang, 'staff.profession', PROFESSIONS);
  const yesNo: Choice[] = [
    { value: 'yes', label: text(lang, 'staff.yes') },
    { value: 'no', label: text(lang, 'staff.no') },
  ];
  const error = (id: string) => errorText(lang, errors, id);
  /** Radios' errors are named by their first button (where the summary links). */
  const radioError = (name: string, options: Choice[]) => error(radioId(name, options[0]!.value));
  const resolutions = choices(lang, 'staff.resolution', RESOLUTIONS);
  const selectOf = (id: string, labelText: string, options: Choice[], value: string) =>
    select({ id, label: labelText, options, value, empty: text(lang, 'staff.choose'), error: error(id) });
  return html`<h2 id="resultat">${text(lang, 'staff.call.outcome.title')}</h2>
${formErrorSummary(lang, errors)}
<form method="post" action="${consolePaths.outcome(vm.clinicId, vm.id)}" novalidate>
  ${csrfField(csrf)}
  ${radios({ name: 'resolution', legend: text(lang, 'staff.call.outcome.resolution'), options: resolutions, value: v.resolution, error: radioError('resolution', resolutions) })}
  ${fieldset({
    legend: text(lang, 'staff.call.outcome.appointment'),
    hint: text(lang, 'staff.call.outcome.appointmentHint'),
    invalid: Boolean(error('appointmentDate')),
    content: html`${textField({ id: 'appointmentDate', label: text(lang, 'staff.call.outcome.appointmentDate'), type: 'date', value: v.appointmentDate, error: error('appointmentDate') })}
    ${selectOf('appointmentProfession', text(lang, 'staff.call.outcome.appointmentProfession'), professions, v.appointmentProfession)}
    ${selectOf('appointmentMode', text(lang, 'staff.call.outcome.appointmentMode'), choices(lang, 'staff.mode', CONTACT_MODES), v.appointmentMode)}`,
  })}
  ${textField({ id: 'referredTo', label: text(lang, 'staff.call.outcome.referredTo'), hint: text(lang, 'staff.call.outcome.referredToHint'), value: v.referredTo, error: error('referredTo') })}
  ${radios({ name: 'covered', legend: text(lang, 'staff.call.outcome.covered'), hint: text(lang, 'staff.call.outcome.coveredHint'), options: yesNo, value: v.covered, error: radioError('covered', yesNo) })}
  ${selectOf('guaranteeReason', text(lang, 'staff.call.outcome.guaranteeReason'), choices(lang, 'staff.guaranteeReason', GUARANTEE_REASONS), v.guaranteeReason)}
  ${radios({ name: 'assessed', legend: text(lang, 'staff.call.outcome.assessed'), hint: text(lang, 'staff.call.outcome.assessedHint'), options: yesNo, value: v.assessed, error: radioError('assessed', yesNo) })}
  ${selectOf('assessedBy', text(lang, 'staff.call.outcome.assessedBy'), professions, v.assessedBy)}
  ${textField({ id: 'note', label: text(lang, 'staff.call.outcome.note'), value: v.note, error: error('note') })}
  <button type="submit">${text(lang, 'staff.call.outcome.submit')}</button>
</form>`;
}

export function callBody(lang: Lang, csrf: string, vm: CallViewModel, form: { values: OutcomeFormValues; errors: FormError[] }): Html {
  const message: Partial<Record<CallViewModel['state'], string>> = {
    retry: vm.retryAt ?? '',
    unreachable: text(lang, 'staff.call.unreachable'),
    wrongNumber: text(lang, 'staff.call.wrongNumber'),
    missed: text(lang, 'staff.call.missed'),
    cancelled: text(lang, 'staff.call.cancelled'),
    notYours: text(lang, 'staff.call.notYours'),
  };
  const said = message[vm.state];
  return html`${facts(lang, vm)}
${vm.state === 'calling' ? calling(lang, csrf, vm) : ''}
${vm.state === 'outcome' ? outcomeForm(lang, csrf, vm, form.values, form.errors) : ''}
${vm.state === 'done' ? html`<div class="notice" id="resultat" role="status">${vm.result.map((line) => html`<p>${line}</p>`)}</div>` : ''}
${said ? statusLine(said) : ''}
<p><a href="${consolePaths.queue(vm.clinicId)}">${text(lang, 'staff.call.back')}</a></p>`;
}
