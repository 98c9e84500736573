// What the staff pages show of a callback and a case, in words, for every section's view model: phone numbers as
// people dial them, clock times and dates in the clinic's zone, names of outcomes, professions and reasons.
import { DateTime } from 'luxon';
import type { StoredCallback } from '../../../db/callbacks.js';
import type { Choice } from '../components.js';
import { text, type Lang, type TextKey } from '../texts/index.js';

const LOCALE: Record<Lang, string> = { sv: 'sv', en: 'en-GB' };

/** "08:15" in the clinic's zone. */
export const clock = (timezone: string, at: DateTime): string => at.setZone(timezone).toFormat('HH:mm');

/** "08:15–08:30". */
export const slotRange = (timezone: string, slot: { start: DateTime; end: DateTime }): string =>
  `${clock(timezone, slot.start)}–${clock(timezone, slot.end)}`;

/** A local date (YYYY-MM-DD) as people read it: "torsdag 1 april". */
export function dateInWords(lang: Lang, isoDate: string): string {
  return DateTime.fromISO(isoDate, { zone: 'utc' }).setLocale(LOCALE[lang]).toFormat('cccc d MMMM');
}

/** An instant's local date in words with its time: "tisdag 30 mars 08:15". */
export function dayAndTime(lang: Lang, timezone: string, at: DateTime): string {
  return at.setZone(timezone).setLocale(LOCALE[lang]).toFormat('cccc d MMMM HH:mm');
}

/** +46701234567 as a Swede dials it (0701234567); other countries keep their plus. */
export function phoneForPeople(e164: string): string {
  return e164.startsWith('+46') ? `0${e164.slice(3)}` : e164;
}

/** Who the nurse is calling, for headings and button names: the name given, or else the number. */
export function who(c: Pick<StoredCallback, 'patientName' | 'phoneE164'>): string {
  return c.patientName ?? phoneForPeople(c.phoneE164);
}

/** The name of a domain value from the catalogue: label(lang, 'staff.profession', 'doctor'). */
export function label(lang: Lang, prefix: string, value: string): string {
  return text(lang, `${prefix}.${value}` as TextKey);
}

export const choices = (lang: Lang, prefix: string, values: readonly string[]): Choice[] =>
  values.map((value) => ({ value, label: label(lang, prefix, value) }));
