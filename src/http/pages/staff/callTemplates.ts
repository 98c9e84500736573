// Templates of the call card: the number to tap, the one-click attempt buttons (or, where the clinic dials through
// the app, the Ring button and the call's state), the outcome form, the result.
import { CONTACT_MODES, PROFESSIONS } from '../../../domain/profession.js';
import { GUARANTEE_REASONS, RESOLUTIONS } from '../../../domain/callbackOutcome.js';
import { html, isolated, type Html } from '../html.js';
import { text, type Lang } from '../texts/index.js';
import { csrfField, errorSummary, radios, select, textInput, type FormError, type OutcomeFormValues } from './forms.js';
import { consolePaths } from './paths.js';
import { choices, type Choice } from './present.js';

export interface CallViewModel {
  clinicId: string;
  id: string;
  who: string;
  phone: string;
  phoneHref: string;
  pin: string | null;
  reason: string;
  promised: string;
  attempts: string[];
  /** calling: she holds it; outcome: reached, outcome to record; done: recorded; the rest say where it went. */
  state: 'calling' | 'outcome' | 'done' | 'retry' | 'unreachable' | 'wrongNumber' | 'missed' | 'cancelled' | 'notYours';
  claimUntil: string | null;
  retryAt: string | null;
  result: string[];
  outcomes: Choice[];
  /** Where the clinic dials through the app (agent first): the Ring form instead of logging attempts by hand. */
  dial: { action: string; status: string | null; error: string | null } | null;
}

function dialForm(lang: Lang, csrf: string, vm: CallViewModel, dial: NonNullable<CallViewModel['dial']>): Html {
  return html`${dial.error ? html`<p class="notice error" role="alert">${dial.error}</p>` : ''}
${dial.status ? html`<p class="notice" role="status">${dial.status}</p>` : ''}
<form method="post" action="${dial.action}" class="dial-form">
  ${csrfField(csrf)}
  <fieldset>
    <legend>${text(lang, 'staff.call.dial.legend')}</legend>
    <p class="hint">${text(lang, 'staff.call.dial.hint')}</p>
    <label for="agentPhone">${text(lang, 'staff.call.dial.agentPhone')}</label>
    <p class="hint" id="agentPhone-hint">${text(lang, 'staff.call.dial.agentPhoneHint')}</p>
    <input id="agentPhone" name="agentPhone" type="tel" autocomplete="tel" aria-describedby="agentPhone-hint">
    <button type="submit">${text(lang, 'staff.call.dial.submit')}</button>
  </fieldset>
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
    ? dialForm(lang, csrf, vm, vm.dial)
    : html`<form method="post" action="${consolePaths.attempt(vm.clinicId, vm.id)}" class="attempt-form">
  ${csrfField(csrf)}
  <fieldset>
    <legend>${text(lang, 'staff.call.log')}</legend>
    <p class="hint">${text(lang, 'staff.call.logHint')}</p>
    ${vm.outcomes.map((o) => html`<button type="submit" name="outcome" value="${o.value}" class="${o.value === 'answered' ? '' : 'secondary'}">${o.label}</button>`)}
  </fieldset>
</form>`;
  return html`${vm.claimUntil ? html`<p>${vm.claimUntil}</p>` : ''}
${logging}
<div class="queue-actions">
  <form method="post" action="${consolePaths.renew(vm.clinicId, vm.id)}">${csrfField(csrf)}<button type="submit" class="secondary">${text(lang, 'staff.call.renew')}</button></form>
  <form method="post" action="${consolePaths.release(vm.clinicId, vm.id)}">${csrfField(csrf)}<button type="submit" class="secondary">${text(lang, 'staff.call.release')}</button></form>
</div>`;
}

function outcomeForm(lang: Lang, csrf: string, vm: CallViewModel, v: OutcomeFormValues, errors: FormError[]): Html {
  const professions = choices(lang, 'staff.profession', PROFESSIONS);
  const yesNo = [
    { value: 'yes', label: text(lang, 'staff.yes') },
    { value: 'no', label: text(lang, 'staff.no') },
  ];
  return html`<h2 id="resultat">${text(lang, 'staff.call.outcome.title')}</h2>
${errorSummary(lang, errors)}
<form method="post" action="${consolePaths.outcome(vm.clinicId, vm.id)}" novalidate>
  ${csrfField(csrf)}
  ${radios(lang, { name: 'resolution', legend: text(lang, 'staff.call.outcome.resolution'), options: choices(lang, 'staff.resolution', RESOLUTIONS), value: v.resolution, errors })}
  <fieldset class="${errors.some((e) => e.field === 'appointmentDate') ? 'has-error' : ''}">
    <legend>${text(lang, 'staff.call.outcome.appointment')}</legend>
    <p class="hint">${text(lang, 'staff.call.outcome.appointmentHint')}</p>
    ${textInput(lang, { id: 'appointmentDate', name: 'appointmentDate', label: text(lang, 'staff.call.outcome.appointmentDate'), type: 'date', value: v.appointmentDate, errors })}
    ${select(lang, { id: 'appointmentProfession', name: 'appointmentProfession', label: text(lang, 'staff.call.outcome.appointmentProfession'), options: professions, value: v.appointmentProfession, errors })}
    ${select(lang, { id: 'appointmentMode', name: 'appointmentMode', label: text(lang, 'staff.call.outcome.appointmentMode'), options: choices(lang, 'staff.mode', CONTACT_MODES), value: v.appointmentMode, errors })}
  </fieldset>
  ${textInput(lang, { id: 'referredTo', name: 'referredTo', label: text(lang, 'staff.call.outcome.referredTo'), hint: text(lang, 'staff.call.outcome.referredToHint'), value: v.referredTo, errors })}
  ${radios(lang, { name: 'covered', legend: text(lang, 'staff.call.outcome.covered'), hint: text(lang, 'staff.call.outcome.coveredHint'), options: yesNo, value: v.covered, errors })}
  ${select(lang, { id: 'guaranteeReason', name: 'guaranteeReason', label: text(lang, 'staff.call.outcome.guaranteeReason'), options: choices(lang, 'staff.guaranteeReason', GUARANTEE_REASONS), value: v.guaranteeReason, errors })}
  ${radios(lang, { name: 'assessed', legend: text(lang, 'staff.call.outcome.assessed'), hint: text(lang, 'staff.call.outcome.assessedHint'), options: yesNo, value: v.assessed, errors })}
  ${select(lang, { id: 'assessedBy', name: 'assessedBy', label: text(lang, 'staff.call.outcome.assessedBy'), options: professions, value: v.assessedBy, errors })}
  ${textInput(lang, { id: 'note', name: 'note', label: text(lang, 'staff.call.outcome.note'), value: v.note, errors })}
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
${said ? html`<p class="notice" role="status">${said}</p>` : ''}
<p><a href="${consolePaths.queue(vm.clinicId)}">${text(lang, 'staff.call.back')}</a></p>`;
}
