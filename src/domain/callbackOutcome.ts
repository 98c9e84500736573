// What came of a reached callback, as the nurse records it: the input to the care-guarantee tracker (rules 7, 8).
import type { DateTime } from 'luxon';
import type { ContactMode, Profession } from './profession.js';

/** Why the contact is covered by the care guarantee (vårdgarantin). */
export const GUARANTEE_REASONS = ['new_problem', 'worsening', 'no_treatment_effect'] as const;
export type GuaranteeReason = (typeof GUARANTEE_REASONS)[number];

export const RESOLUTIONS = ['advice', 'appointment', 'referred'] as const;
/** advice: handled on the phone (egenvårdsråd); appointment: a visit, video or phone time booked; referred: elsewhere. */
export type Resolution = (typeof RESOLUTIONS)[number];

export interface CallbackOutcome {
  resolution: Resolution;
  appointment: { date: string; profession: Profession; mode: ContactMode } | null;
  referredTo: string | null;
  /** Covered by the guarantee, and why; null when not covered (planned follow-up, renewal, administration). */
  guaranteeReason: GuaranteeReason | null;
  /** When this call itself was the medical assessment by a licensed professional: who made it. */
  assessedBy: Profession | null;
  note: string | null;
}

export interface RecordedOutcome extends CallbackOutcome {
  callbackId: string;
  recordedBy: string;
  recordedAt: DateTime;
}

/** Cross-field rules the request shape cannot express; returns the problems, empty when consistent. */
export function outcomeProblems(outcome: CallbackOutcome): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (outcome.resolution === 'appointment' && !outcome.appointment) {
    problems.push({ field: 'appointment', message: 'is required when the resolution is appointment' });
  }
  if (outcome.resolution !== 'appointment' && outcome.appointment) {
    problems.push({ field: 'appointment', message: 'is only given when the resolution is appointment' });
  }
  if (outcome.resolution === 'referred' && !outcome.referredTo) {
    problems.push({ field: 'referredTo', message: 'is required when the resolution is referred' });
  }
  return problems;
}
