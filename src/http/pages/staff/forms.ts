// The nurse console's forms as posted: each turned into the request body the JSON API takes and checked by the
// SAME zod schema and service, so a page refuses exactly what the API refuses; each refusal is named by its form
// field with a catalogue message to show beside it. Also the form controls the templates share.
import { DateTime } from 'luxon';
import { ValidationFailed } from '../../../errors.js';
import { html, type Html } from '../html.js';
import { text, type Lang, type TextKey } from '../texts/index.js';
import type { Choice } from './present.js';

/** A field as a string; a repeated or missing field counts as empty (a browser never sends one). */
export function field(body: unknown, name: string, max = 4000): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

const given = (s: string) => (s.trim() === '' ? undefined : s);

export interface FormError {
  /** The id of the control the error summary links to. */
  field: string;
  key: TextKey;
}

/**
 * A ValidationFailed from the API's schema or service, as form errors: `fields` maps the request's top-level
 * body field (body.guarantee.reason → guarantee) to the form field and its message. Anything else is rethrown.
 */
export function formErrorsOf(error: unknown, fields: Record<string, FormError>): FormError[] {
  if (!(error instanceof ValidationFailed)) throw error;
  const found = new Map<string, FormError>();
  for (const issue of error.issues) {
    const top = issue.field.replace(/^body\./, '').split('.')[0]!;
    const mapped = fields[top];
    if (!mapped) throw error;
    found.set(mapped.field, mapped);
  }
  return [...found.values()];
}

// ---- The outcome of a reached call (PUT /api/staff/callbacks/:id/outcome) ----

export interface OutcomeFormValues {
  resolution: string;
  appointmentDate: string;
  appointmentProfession: string;
  appointmentMode: string;
  referredTo: string;
  covered: string;
  guaranteeReason: string;
  assessed: string;
  assessedBy: string;
  note: string;
}

export const emptyOutcomeForm: OutcomeFormValues = {
  resolution: '',
  appointmentDate: '',
  appointmentProfession: '',
  appointmentMode: '',
  referredTo: '',
  covered: '',
  guaranteeReason: '',
  assessed: '',
  assessedBy: '',
  note: '',
};

export function outcomeFormValues(body: unknown): OutcomeFormValues {
  const values = { ...emptyOutcomeForm };
  for (const name of Object.keys(values) as (keyof OutcomeFormValues)[]) values[name] = field(body, name);
  return values;
}

/**
 * The form as the API's request body. Fields of a choice not made are left out, as a person expects (the
 * appointment's date when the result is advice); a choice made without its detail is sent as it is, for the
 * schema to refuse beside the field.
 */
export function outcomeRequest(v: OutcomeFormValues): unknown {
  const yesNo = (s: string) => (s === 'yes' ? true : s === 'no' ? false : undefined);
  const covered = yesNo(v.covered);
  const assessed = yesNo(v.assessed);
  return {
    resolution: given(v.resolution),
    appointment:
      v.resolution === 'appointment'
        ? { date: given(v.appointmentDate), profession: given(v.appointmentProfession), mode: given(v.appointmentMode) }
        : undefined,
    referredTo: v.resolution === 'referred' ? v.referredTo : undefined,
    guarantee: covered === undefined ? undefined : { covered, reason: covered ? given(v.guaranteeReason) : undefined },
    medicalAssessment: assessed === undefined ? undefined : { performed: assessed, profession: assessed ? given(v.assessedBy) : undefined },
    note: given(v.note),
  };
}

/** Where each refused part of the outcome is shown: a missing detail beside its own control once the choice is made. */
export const outcomeFields = (v: OutcomeFormValues): Record<string, FormError> => ({
  resolution: { field: 'resolution-advice', key: 'staff.error.resolution' },
  appointment: { field: 'appointmentDate', key: 'staff.error.appointment' },
  referredTo: { field: 'referredTo', key: 'staff.error.referredTo' },
  guarantee: v.covered === 'yes' ? { field: 'guaranteeReason', key: 'staff.error.guaranteeReason' } : { field: 'covered-yes', key: 'staff.error.covered' },
  medicalAssessment: v.assessed === 'yes' ? { field: 'assessedBy', key: 'staff.error.assessedBy' } : { field: 'assessed-yes', key: 'staff.error.assessed' },
  note: { field: 'note', key: 'staff.error.note' },
});

// ---- The care-guarantee case (PUT /api/staff/guarantee-cases/:id/assessment and …/exclusion) ----

export interface CaseFormValues {
  assessedAt: string;
  profession: string;
  mode: string;
  reason: string;
  note: string;
  correct: boolean;
}

export function caseFormValues(body: unknown): CaseFormValues {
  return {
    assessedAt: field(body, 'assessedAt', 40),
    profession: field(body, 'profession'),
    mode: field(body, 'mode'),
    reason: field(body, 'reason'),
    note: field(body, 'note'),
    correct: field(body, 'correct') === 'yes',
  };
}

/** A datetime-local value (the clinic's wall-clock time) as an instant with its offset; undefined when it is none. */
export function localInstant(value: string, timezone: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const at = DateTime.fromISO(value, { zone: timezone });
  return at.isValid ? at.toISO({ suppressMilliseconds: true })! : undefined;
}

export function assessmentRequest(v: CaseFormValues, timezone: string): unknown {
  return { assessedAt: localInstant(v.assessedAt, timezone), profession: given(v.profession), mode: given(v.mode), note: given(v.note), correct: v.correct };
}

export function exclusionRequest(v: CaseFormValues): unknown {
  return { reason: given(v.reason), note: given(v.note), correct: v.correct };
}

export const assessmentFields = (id: string): Record<string, FormError> => ({
  assessedAt: { field: `assessedAt-${id}`, key: 'staff.error.assessedAt' },
  profession: { field: `profession-${id}`, key: 'staff.error.profession' },
  mode: { field: `mode-${id}`, key: 'staff.error.mode' },
  note: { field: `assessmentNote-${id}`, key: 'staff.error.note' },
});

export const exclusionFields = (id: string): Record<string, FormError> => ({
  reason: { field: `reason-${id}`, key: 'staff.error.exclusionReason' },
  note: { field: `exclusionNote-${id}`, key: 'staff.error.note' },
});

// ---- Controls ----

export const csrfField = (token: string): Html => html`<input type="hidden" name="_csrf" value="${token}">`;

/** The GOV.UK error summary: at the top, each error a link to its field. */
export function errorSummary(lang: Lang, errors: FormError[]): Html | '' {
  if (!errors.length) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1">
  <h2>${text(lang, 'staff.errors.title')}</h2>
  <ul>${errors.map((e) => html`<li><a href="#${e.field}">${text(lang, e.key)}</a></li>`)}</ul>
</div>`;
}

export const errorFor = (lang: Lang, errors: FormError[], id: string): Html | '' => {
  const e = errors.find((x) => x.field === id);
  return e ? html`<p class="field-error" id="${id}-error">${text(lang, e.key)}</p>` : '';
};

const describedBy = (errors: FormError[], id: string, hint?: string) =>
  [hint, errors.some((e) => e.field === id) ? `${id}-error` : undefined].filter(Boolean).join(' ') || null;

export function select(lang: Lang, o: { id: string; name: string; label: string; options: Choice[]; value: string; errors: FormError[] }): Html {
  const by = describedBy(o.errors, o.id);
  return html`<div class="${o.errors.some((e) => e.field === o.id) ? 'has-error' : ''}">
  <label for="${o.id}">${o.label}</label>
  ${errorFor(lang, o.errors, o.id)}
  <select id="${o.id}" name="${o.name}" ${by ? html`aria-describedby="${by}"` : ''}>
    <option value="">${text(lang, 'staff.choose')}</option>
    ${o.options.map((c) => html`<option value="${c.value}" ${c.value === o.value ? 'selected' : ''}>${c.label}</option>`)}
  </select>
</div>`;
}

/** Radio buttons in a fieldset; the first one's id (`${name}-${first value}`) is where errors link. */
export function radios(lang: Lang, o: { name: string; legend: string; hint?: string; options: Choice[]; value: string; errors: FormError[] }): Html {
  const firstId = `${o.name}-${o.options[0]!.value}`;
  const hintId = o.hint ? `${o.name}-hint` : undefined;
  const by = describedBy(o.errors, firstId, hintId);
  return html`<fieldset class="${o.errors.some((e) => e.field === firstId) ? 'has-error' : ''}" ${by ? html`aria-describedby="${by}"` : ''}>
  <legend>${o.legend}</legend>
  ${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : ''}
  ${errorFor(lang, o.errors, firstId)}
  ${o.options.map(
    (c) => html`<label class="choice"><input type="radio" id="${o.name}-${c.value}" name="${o.name}" value="${c.value}" ${c.value === o.value ? 'checked' : ''}> ${c.label}</label>`,
  )}
</fieldset>`;
}

export function textInput(lang: Lang, o: { id: string; name: string; label: string; hint?: string; value: string; errors: FormError[]; type?: string; max?: string }): Html {
  const hintId = o.hint ? `${o.id}-hint` : undefined;
  const by = describedBy(o.errors, o.id, hintId);
  return html`<div class="${o.errors.some((e) => e.field === o.id) ? 'has-error' : ''}">
  <label for="${o.id}">${o.label}</label>
  ${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : ''}
  ${errorFor(lang, o.errors, o.id)}
  <input type="${o.type ?? 'text'}" id="${o.id}" name="${o.name}" value="${o.value}" ${o.max ? html`max="${o.max}"` : ''} ${by ? html`aria-describedby="${by}"` : ''}>
</div>`;
}
