// The call card's forms as posted: the outcome of a reached call turned into the body of PUT …/outcome, and the
// Ring form's number into the body of POST …/dial, each checked by the API's own schema; a refusal is named by the
// form control it is about (see ../form.ts).
import { field, given, type FormError } from '../form.js';

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

/** The Ring form: the number typed, if any (the account's number otherwise), as the body of POST …/dial. */
export function dialRequest(body: unknown): unknown {
  const typed = field(body, 'agentPhone').trim();
  return typed ? { agentPhone: typed } : {};
}
