// Templates of the care-guarantee list: each open case as a card, with (for those who may record) the forms to
// record the medical assessment or an exclusion, folded away until opened or until they hold an error.
import { EXCLUSION_REASONS } from '../../../../domain/guaranteeCase.js';
import { CONTACT_MODES, PROFESSIONS } from '../../../../domain/profession.js';
import { checkbox, select, statusLine, textField } from '../../components.js';
import { html, isolated, type Html } from '../../html.js';
import { text, type Lang } from '../../texts/index.js';
import type { FormError } from '../form.js';
import { consolePaths } from '../paths.js';
import { choices } from '../present.js';
import { csrfField, errorText, formErrorSummary } from '../templates.js';
import type { CaseFormValues } from './form.js';
import type { CaseCard } from './present.js';

/** The form a post left with errors, shown open again on its card. */
export interface FormState {
  id: string;
  form: 'assessment' | 'exclusion';
  values: CaseFormValues;
  errors: FormError[];
}

function caseForms(lang: Lang, clinicId: string, csrf: string, c: CaseCard, nowLocal: string, state: FormState | undefined): Html {
  const mine = (form: FormState['form']) => (state?.id === c.id && state.form === form ? state : undefined);
  const a = mine('assessment');
  const e = mine('exclusion');
  const av = a?.values;
  const ev = e?.values;
  const aError = (id: string) => errorText(lang, a?.errors ?? [], id);
  const eError = (id: string) => errorText(lang, e?.errors ?? [], id);
  const choose = text(lang, 'staff.choose');
  return html`<details ${a ? 'open' : ''}>
  <summary>${text(lang, 'staff.atRisk.assess')}<span class="visually-hidden">: ${isolated(c.who)}</span></summary>
  ${formErrorSummary(lang, a?.errors ?? [])}
  <form method="post" action="${consolePaths.assessment(clinicId, c.id)}" novalidate>
    ${csrfField(csrf)}
    ${textField({ id: `assessedAt-${c.id}`, name: 'assessedAt', label: text(lang, 'staff.atRisk.assessedAt'), type: 'datetime-local', value: av?.assessedAt ?? nowLocal, attrs: html`max="${nowLocal}"`, error: aError(`assessedAt-${c.id}`) })}
    ${select({ id: `profession-${c.id}`, name: 'profession', label: text(lang, 'staff.atRisk.profession'), options: choices(lang, 'staff.profession', PROFESSIONS), value: av?.profession ?? '', empty: choose, error: aError(`profession-${c.id}`) })}
    ${select({ id: `mode-${c.id}`, name: 'mode', label: text(lang, 'staff.atRisk.mode'), options: choices(lang, 'staff.mode', CONTACT_MODES), value: av?.mode ?? '', empty: choose, error: aError(`mode-${c.id}`) })}
    ${textField({ id: `assessmentNote-${c.id}`, name: 'note', label: text(lang, 'staff.atRisk.note'), value: av?.note ?? '', error: aError(`assessmentNote-${c.id}`) })}
    ${checkbox({ name: 'correct', value: 'yes', checked: Boolean(av?.correct), label: text(lang, 'staff.atRisk.correct'), className: 'choice' })}
    <button type="submit">${text(lang, 'staff.atRisk.saveAssessment')}</button>
  </form>
</details>
<details ${e ? 'open' : ''}>
  <summary>${text(lang, 'staff.atRisk.exclude')}<span class="visually-hidden">: ${isolated(c.who)}</span></summary>
  ${formErrorSummary(lang, e?.errors ?? [])}
  <form method="post" action="${consolePaths.exclusion(clinicId, c.id)}" novalidate>
    ${csrfField(csrf)}
    ${select({ id: `reason-${c.id}`, name: 'reason', label: text(lang, 'staff.atRisk.exclusionReason'), options: choices(lang, 'staff.exclusion', EXCLUSION_REASONS), value: ev?.reason ?? '', empty: choose, error: eError(`reason-${c.id}`) })}
    ${textField({ id: `exclusionNote-${c.id}`, name: 'note', label: text(lang, 'staff.atRisk.note'), value: ev?.note ?? '', error: eError(`exclusionNote-${c.id}`) })}
    ${checkbox({ name: 'correct', value: 'yes', checked: Boolean(ev?.correct), label: text(lang, 'staff.atRisk.correct'), className: 'choice' })}
    <button type="submit" class="secondary">${text(lang, 'staff.atRisk.saveExclusion')}</button>
  </form>
</details>`;
}

export interface AtRiskView {
  clinicId: string;
  csrf: string;
  basis: string;
  cards: CaseCard[];
  /** Whether this member may record (nurse, admin); others read. */
  canRecord: boolean;
  nowLocal: string;
  saved?: string;
  state?: FormState;
}

export function atRiskBody(lang: Lang, v: AtRiskView): Html {
  // A case a colleague closed a moment ago has left the list: its form's errors go to the top of the page.
  const unlisted = v.state && !v.cards.some((c) => c.id === v.state!.id) ? v.state.errors : [];
  return html`
${formErrorSummary(lang, unlisted)}
${v.saved ? statusLine(v.saved) : ''}
<p>${text(lang, 'staff.atRisk.intro', { basis: v.basis })}</p>
${v.canRecord ? html`<p><a href="${consolePaths.queue(v.clinicId)}">${text(lang, 'staff.atRisk.queueLink')}</a></p>` : html`<p class="hint">${text(lang, 'staff.atRisk.readOnly')}</p>`}
${
  v.cards.length
    ? html`<ul class="plain queue-list">${v.cards.map(
        (c): Html => html`<li class="queue-card${c.urgency.className === 'late' ? ' is-late' : ''}" aria-labelledby="case-${c.id}">
  <h2 id="case-${c.id}" class="case-heading">${isolated(c.who)}</h2>
  <p><strong class="urgency ${c.urgency.className}">${c.urgency.text}</strong> · ${c.deadline}</p>
  <p class="queue-meta"><a href="${c.phoneHref}">${c.phone}</a> · ${c.contact} · ${c.reason}</p>
  ${v.canRecord ? caseForms(lang, v.clinicId, v.csrf, c, v.nowLocal, v.state) : ''}
</li>`,
      )}</ul>`
    : html`<p>${text(lang, 'staff.atRisk.none')}</p>`
}`;
}
