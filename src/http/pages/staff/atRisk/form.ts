// The care-guarantee forms as posted: the assessment and the exclusion turned into the bodies of
// PUT /api/staff/guarantee-cases/:id/assessment and …/exclusion, checked by the API's own schemas; a refusal is
// named by the form control it is about (see ../form.ts).
import { DateTime } from 'luxon';
import { field, given, type FormError } from '../form.js';

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
