// Which records lie behind each reported figure: every number in a report can be listed (rule: "every
// figure can be drilled down"), each record with why it counts, is excluded or fails.
import type { CaseResult } from './guaranteeCase.js';
import { PUNCTUALITIES, SAME_DAY_DENOMINATOR, type Punctuality, type SameDayClass } from './measures.js';

export type DrilldownFilter =
  | { kind: 'callback'; sameDay?: readonly SameDayClass[]; punctuality?: readonly Punctuality[] }
  /** `open` narrows open cases to those still pending or already overdue today. */
  | { kind: 'case'; results: readonly CaseResult[]; open?: 'pending' | 'overdue' };

const SAME_DAY_FAILURES: readonly SameDayClass[] = SAME_DAY_DENOMINATOR.filter((c) => c !== 'reached');

/** Figure names as they appear in the report, e.g. contactSameDay.numerator. */
export const DRILLDOWN_FIGURES = {
  'contactSameDay.requests': { kind: 'callback' },
  'contactSameDay.numerator': { kind: 'callback', sameDay: ['reached'] },
  'contactSameDay.denominator': { kind: 'callback', sameDay: SAME_DAY_DENOMINATOR },
  'contactSameDay.failures': { kind: 'callback', sameDay: SAME_DAY_FAILURES },
  'contactSameDay.noSameDaySlot': { kind: 'callback', sameDay: ['no_same_day_slot'] },
  'contactSameDay.attemptedUnanswered': { kind: 'callback', sameDay: ['attempted_unanswered'] },
  'contactSameDay.notCalledSameDay': { kind: 'callback', sameDay: ['not_called_same_day'] },
  'contactSameDay.missed': { kind: 'callback', sameDay: ['missed'] },
  'contactSameDay.afterCutoff': { kind: 'callback', sameDay: ['after_cutoff'] },
  'contactSameDay.closedDay': { kind: 'callback', sameDay: ['closed_day'] },
  'contactSameDay.cancelledBeforeSlot': { kind: 'callback', sameDay: ['cancelled_before_slot'] },
  'contactSameDay.patientChoseLaterDay': { kind: 'callback', sameDay: ['chose_later_day'] },
  'timeDeviation.callbacksWithAttempt': { kind: 'callback', punctuality: PUNCTUALITIES },
  'timeDeviation.onTime': { kind: 'callback', punctuality: ['on_time'] },
  'timeDeviation.early': { kind: 'callback', punctuality: ['early'] },
  'timeDeviation.late': { kind: 'callback', punctuality: ['late'] },
  'medicalAssessment.cases': { kind: 'case', results: ['within', 'late', 'open', 'excluded'] },
  'medicalAssessment.numerator': { kind: 'case', results: ['within'] },
  'medicalAssessment.denominator': { kind: 'case', results: ['within', 'late', 'open'], open: 'overdue' },
  'medicalAssessment.failures': { kind: 'case', results: ['late', 'open'], open: 'overdue' },
  'medicalAssessment.assessedLate': { kind: 'case', results: ['late'] },
  'medicalAssessment.overdue': { kind: 'case', results: ['open'], open: 'overdue' },
  'medicalAssessment.pending': { kind: 'case', results: ['open'], open: 'pending' },
  'medicalAssessment.exclusions': { kind: 'case', results: ['excluded'] },
} as const satisfies Record<string, DrilldownFilter>;

export type DrilldownFigure = keyof typeof DRILLDOWN_FIGURES;
export const DRILLDOWN_FIGURE_NAMES = Object.keys(DRILLDOWN_FIGURES) as [DrilldownFigure, ...DrilldownFigure[]];

/** A callback's verdict in "contact the same day". */
export function sameDayVerdict(c: SameDayClass): 'counts' | 'fails' | 'excluded' | 'outside' {
  if (c === 'reached') return 'counts';
  if (SAME_DAY_DENOMINATOR.includes(c)) return 'fails';
  return c === 'cancelled_before_slot' || c === 'chose_later_day' ? 'excluded' : 'outside';
}
