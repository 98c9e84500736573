// The care-guarantee list's view model: each open case with its patient, contact date and deadline in words, and
// how urgent it is in colour and words (overdue, last day today); which forms the page offers to whom.
import type { DateTime } from 'luxon';
import type { StaffRole } from '../../../../db/staff.js';
import type { AtRiskCase } from '../../../../services/guaranteeCases.js';
import { text, type Lang, type TextKey } from '../../texts/index.js';
import { dateInWords, label, phoneForPeople, who } from '../present.js';

/** Who may record (the service checks it too): the page hides forms the service would refuse. */
export const RECORDING_ROLES: readonly StaffRole[] = ['nurse', 'admin'];

export interface CaseCard {
  id: string;
  who: string;
  phone: string;
  phoneHref: string;
  contact: string;
  deadline: string;
  urgency: { text: string; className: string };
  reason: string;
}

const URGENCY_CLASS: Record<AtRiskCase['urgency'], string> = { overdue: 'late', due_today: 'due-today', upcoming: '' };

export function caseCard(lang: Lang, c: AtRiskCase): CaseCard {
  return {
    id: c.case.callbackId,
    who: who(c.callback),
    phone: phoneForPeople(c.callback.phoneE164),
    phoneHref: `tel:${c.callback.phoneE164}`,
    contact: text(lang, 'staff.atRisk.contact', { date: dateInWords(lang, c.case.contactDate) }),
    deadline: text(lang, 'staff.atRisk.deadline', { date: dateInWords(lang, c.deadline) }),
    urgency: { text: text(lang, `staff.atRisk.urgency.${c.urgency}`), className: URGENCY_CLASS[c.urgency] },
    reason: text(lang, 'staff.atRisk.reason', { reason: label(lang, 'staff.guaranteeReason', c.case.reason) }),
  };
}

/** The clinic's wall-clock time now, as a datetime-local value: the assessment form's default and latest time. */
export const localNow = (now: DateTime, timezone: string): string => now.setZone(timezone).toFormat("yyyy-MM-dd'T'HH:mm");

/** ?sparad=… after a recording, in words (by name, so nothing from the address is echoed). */
export function savedNotice(lang: Lang, saved: unknown): string | undefined {
  const key: TextKey | null = saved === 'bedomning' ? 'staff.atRisk.savedAssessment' : saved === 'undantag' ? 'staff.atRisk.savedExclusion' : null;
  return key ? text(lang, key) : undefined;
}
