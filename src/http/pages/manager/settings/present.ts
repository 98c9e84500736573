// The settings page's view model: the rows to show (those posted, topped up with empty ones to add a rule or a
// date, numbered), each weekday's name, and each refusal in the page's words, chosen by the API issue's code
// (never by its English wording); an issue without words of ours shows the API's own message.
import type { FieldIssue } from '../../../../errors.js';
import { text, type Lang, type TextKey } from '../../texts/index.js';
import { DAYS, type ExceptionRow, type RuleRow, type SettingsForm } from './form.js';

/** An error of a form: the id of its element, and what to say. */
export interface FieldError {
  id: string;
  message: string;
}

/** Empty rows offered for adding a rule or a date. */
const NEW_RULES = 1;
const NEW_EXCEPTIONS = 2;

const emptyRule = (r: RuleRow) => r.capacity === '' && r.weekdays.length === 0 && r.from === '' && r.to === '';
const emptyException = (e: ExceptionRow) => e.date === '' && e.capacity === '' && e.note === '';

/** 1, 2, 3 … for the rows in use; null for the empty rows offered as new. */
function numbering(empty: boolean[]): (number | null)[] {
  let n = 0;
  return empty.map((e) => (e ? null : ++n));
}

export interface SettingsView {
  form: SettingsForm;
  days: { value: string; name: string }[];
  /** The rules as posted (errors point at their positions), then empty ones; `number` is null for a new one. */
  rules: { row: RuleRow; number: number | null }[];
  exceptions: { row: ExceptionRow; number: number | null }[];
  errors: FieldError[];
  saved: boolean;
}

export function settingsView(lang: Lang, form: SettingsForm, errors: FieldError[], saved: boolean): SettingsView {
  // Rows keep their posted positions (errors point at them); empty ones are offered as new, topped up to a few.
  const rules = [...form.rules, ...Array.from({ length: Math.max(0, NEW_RULES - form.rules.filter(emptyRule).length) }, (): RuleRow => ({ weekdays: [], from: '', to: '', capacity: '' }))];
  const exceptions = [
    ...form.exceptions,
    ...Array.from({ length: Math.max(0, NEW_EXCEPTIONS - form.exceptions.filter(emptyException).length) }, (): ExceptionRow => ({ date: '', kind: 'capacity', capacity: '', note: '' })),
  ];
  const ruleNumbers = numbering(rules.map(emptyRule));
  const exceptionNumbers = numbering(exceptions.map(emptyException));
  return {
    form,
    days: DAYS.map((d) => ({ value: d, name: text(lang, `manager.weekday.${d}`) })),
    rules: rules.map((row, i) => ({ row, number: ruleNumbers[i]! })),
    exceptions: exceptions.map((row, i) => ({ row, number: exceptionNumbers[i]! })),
    errors,
    saved,
  };
}

/** The settings API's issue codes (src/domain/clinic.ts, src/services/clinicSettings.ts) the page says in its words. */
const SETTINGS_MESSAGES: Partial<Record<string, TextKey>> = {
  booking_window_too_short: 'manager.settings.error.window',
  slot_would_vanish: 'manager.settings.error.slotGone',
  fewer_places: 'manager.settings.error.fewerPlaces',
};

/** The telephony API's issue codes (src/http/clinicTelephonySchemas.ts) the page says in its words. */
const TELEPHONY_MESSAGES: Partial<Record<string, TextKey>> = {
  not_a_phone_number: 'manager.telephony.error.number',
  number_listed_twice: 'manager.telephony.error.twice',
  fallback_is_booking_number: 'manager.telephony.error.fallback',
};

function said(lang: Lang, messages: Partial<Record<string, TextKey>>, issue: FieldIssue): string {
  const key = issue.code !== undefined && Object.hasOwn(messages, issue.code) ? messages[issue.code] : undefined;
  return key ? text(lang, key, issue.params) : issue.message;
}

/** A refusal of the settings, in the page's words where it has them. */
export const settingsMessage = (lang: Lang, issue: FieldIssue): string => said(lang, SETTINGS_MESSAGES, issue);

/** A refusal of the telephony settings, in the page's words where it has them. */
export const telephonyMessage = (lang: Lang, issue: FieldIssue): string => said(lang, TELEPHONY_MESSAGES, issue);

/** Another clinic already has these booking numbers (409 phone_number_taken). */
export const numbersTaken = (lang: Lang, numbers: readonly string[]): string => text(lang, 'manager.telephony.taken', { numbers: numbers.join(', ') });
