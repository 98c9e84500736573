// Medical assessment within three days (vårdgaranti 0-3, rules 7–9): a guarantee case's day 0, its
// deadline and where it lands in C / D. Days are calendar days between local dates.
import type { DateTime } from 'luxon';
import type { ContactMode, Profession } from './profession.js';
import { addDays } from './schedule.js';

/** At most this many calendar days from day 0 to the assessment: contact 5 March, assessed 8 March is within. */
export const GUARANTEE_LIMIT_DAYS = 3;

/**
 * Day 0: the patient's contact (the callback request), or Socialstyrelsen's alternative reading,
 * the decision that care is to take place (the triage call). A region-wide setting.
 */
export const GUARANTEE_START_BASES = ['contact', 'triage_decision'] as const;
export type GuaranteeStartBasis = (typeof GUARANTEE_START_BASES)[number];

/** Rule 8: why a case leaves the measure; always recorded, never dropped silently. */
export const EXCLUSION_REASONS = [
  'patient_chose_later', // patientvald väntan: a time inside the limit was offered, the patient chose later
  'medically_motivated_wait', // medicinskt motiverad väntan
  'not_covered', // not covered by the guarantee after all (planned follow-up, renewal, administration)
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Reference lines (rule 9): below 85 % is poor (mindre bra), above 95 % excellent (utmärkt). */
export const REFERENCE_LINES = { poorBelow: 0.85, excellentAbove: 0.95 } as const;

export type Rating = 'poor' | 'acceptable' | 'excellent';

export function rating(share: number | null): Rating | null {
  if (share === null) return null;
  if (share < REFERENCE_LINES.poorBelow) return 'poor';
  if (share > REFERENCE_LINES.excellentAbove) return 'excellent';
  return 'acceptable';
}

export type GuaranteeCaseStatus = 'open' | 'assessed' | 'excluded';

export interface GuaranteeCase {
  callbackId: string;
  clinicId: string;
  contactDate: string;
  decisionDate: string;
  status: GuaranteeCaseStatus;
  assessment: { at: DateTime; date: string; profession: Profession; mode: ContactMode } | null;
  exclusionReason: ExclusionReason | null;
}

export function startDate(c: Pick<GuaranteeCase, 'contactDate' | 'decisionDate'>, basis: GuaranteeStartBasis): string {
  return basis === 'contact' ? c.contactDate : c.decisionDate;
}

/** The last local date on which the assessment is still within the guarantee. */
export function deadline(start: string): string {
  return addDays(start, GUARANTEE_LIMIT_DAYS);
}

const DAY_MS = 86_400_000;

/** Calendar days from one local date to another (dates as UTC midnights: every day is 24 hours there). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

/** Stored classification; an open case becomes pending or overdue only against today (see openCaseState). */
export type CaseResult = 'within' | 'late' | 'open' | 'excluded';

export function classifyCase(c: GuaranteeCase, basis: GuaranteeStartBasis): { start: string; result: CaseResult; daysToAssessment: number | null } {
  const start = startDate(c, basis);
  if (c.status === 'excluded') return { start, result: 'excluded', daysToAssessment: null };
  if (c.status === 'open' || !c.assessment) return { start, result: 'open', daysToAssessment: null };
  const days = daysBetween(start, c.assessment.date);
  return { start, result: days <= GUARANTEE_LIMIT_DAYS ? 'within' : 'late', daysToAssessment: days };
}

/** Why an assessment instant cannot be recorded, or null when it can: not before the contact, not in the future. */
export function assessmentTimeProblem(at: DateTime, contactAt: DateTime, now: DateTime): string | null {
  if (at < contactAt) return 'must not be before the patient’s contact';
  if (at > now) return 'must not be in the future';
  return null;
}

/** Open cases whose deadline has not passed are pending, not failures; past it they are overdue failures. */
export function openCaseState(start: string, today: string): 'pending' | 'overdue' {
  return today <= deadline(start) ? 'pending' : 'overdue';
}

/** Open cases starting on or after this date are still pending today. */
export function pendingFrom(today: string): string {
  return addDays(today, -GUARANTEE_LIMIT_DAYS);
}

/** How urgent an open case is for the at-risk list. */
export function caseUrgency(start: string, today: string): 'overdue' | 'due_today' | 'upcoming' {
  const last = deadline(start);
  if (today > last) return 'overdue';
  return today === last ? 'due_today' : 'upcoming';
}

export const CASE_REASONS = {
  within: (days: number) => `Counts: assessed ${days} calendar day(s) after day 0, within the ${GUARANTEE_LIMIT_DAYS}-day limit.`,
  late: (days: number) => `Fails: assessed ${days} calendar days after day 0, past the ${GUARANTEE_LIMIT_DAYS}-day limit.`,
  overdue: (deadlineDate: string) => `Fails: not assessed and the deadline ${deadlineDate} has passed.`,
  pending: (deadlineDate: string) => `Pending: not yet assessed; the deadline ${deadlineDate} has not passed.`,
  excluded: {
    patient_chose_later: 'Excluded: the patient chose a later time although one inside the limit was offered.',
    medically_motivated_wait: 'Excluded: a medically motivated wait.',
    not_covered: 'Excluded: not covered by the care guarantee after all.',
  } satisfies Record<ExclusionReason, string>,
};
