// View models of the patient pages: times in words ("i dag", "i morgon", "onsdag 31 mars"), the promise sentence,
// free times grouped by day, and what a booking's status means to the patient. Templates only render these.
import { DateTime } from 'luxon';
import type { StoredCallback } from '../../../db/callbacks.js';
import { isCancellable } from '../../../domain/callback.js';
import { addDays, localDateAt, showInstant } from '../../../domain/schedule.js';
import type { BookingOffer, SlotView } from '../../../services/callbackBooking.js';
import { text, type Lang, type TextKey } from '../texts/index.js';

const LOCALE: Record<Lang, string> = { sv: 'sv', en: 'en-GB' };

const local = (lang: Lang, timezone: string, at: DateTime) => at.setZone(timezone).setLocale(LOCALE[lang]);

/** "10:15" in the clinic's zone. */
export const clockTime = (lang: Lang, timezone: string, at: DateTime): string => local(lang, timezone, at).toFormat('HH:mm');

/** "onsdag 31 mars" / "Wednesday 31 March". */
const longDate = (lang: Lang, timezone: string, at: DateTime): string => local(lang, timezone, at).toFormat('cccc d MMMM');

const capitalised = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

type Relative = 'today' | 'tomorrow' | 'other';

function relativeDay(timezone: string, at: DateTime, now: DateTime): Relative {
  const date = localDateAt(timezone, at.toMillis());
  const today = localDateAt(timezone, now.toMillis());
  if (date === today) return 'today';
  if (date === addDays(today, 1)) return 'tomorrow';
  return 'other';
}

/** The day of an instant as a patient says it: "i dag", "i morgon", "onsdag 31 mars" (English: "on Wednesday 31 March"). */
export function dayInWords(lang: Lang, timezone: string, at: DateTime, now: DateTime): string {
  const day = relativeDay(timezone, at, now);
  if (day === 'today') return text(lang, 'patient.when.today');
  if (day === 'tomorrow') return text(lang, 'patient.when.tomorrow');
  return text(lang, 'patient.when.onDate', { date: longDate(lang, timezone, at) });
}

/** A day's heading in a list of times: "I dag, tisdag 30 mars", "Onsdag 31 mars". */
export function dayHeading(lang: Lang, timezone: string, at: DateTime, now: DateTime): string {
  const date = longDate(lang, timezone, at);
  const day = relativeDay(timezone, at, now);
  if (day === 'today') return text(lang, 'patient.day.today', { date });
  if (day === 'tomorrow') return text(lang, 'patient.day.tomorrow', { date });
  return capitalised(date);
}

/** Rule 4: the promised time in words, "Vi ringer dig mellan 10:15 och 10:30 i dag." */
export function promiseInWords(lang: Lang, timezone: string, slot: { start: DateTime; end: DateTime }, now: DateTime): string {
  return text(lang, 'patient.promise', {
    start: clockTime(lang, timezone, slot.start),
    end: clockTime(lang, timezone, slot.end),
    when: dayInWords(lang, timezone, slot.start, now),
  });
}

export interface TimeChoice {
  /** The slot start as sent back in the form: ISO 8601 with the clinic's offset. */
  value: string;
  label: string;
  checked: boolean;
}

export interface DayOfChoices {
  heading: string;
  /** Shown open; later days fold away so a phone screen is not a wall of times. */
  open: boolean;
  choices: TimeChoice[];
}

/** How many days of free times a page lists (today and the coming working days with a free time). */
export const DAYS_SHOWN = 3;

export function timeRange(lang: Lang, timezone: string, slot: Pick<SlotView, 'start' | 'end'>): string {
  return text(lang, 'patient.timeRange', { start: clockTime(lang, timezone, slot.start), end: clockTime(lang, timezone, slot.end) });
}

/** The offer's free times grouped by day, the first day open; `chosen` is the checked value, if any. */
export function daysOfChoices(lang: Lang, timezone: string, offer: BookingOffer, now: DateTime, chosen: string | null, leaveOut?: DateTime): DayOfChoices[] {
  return offer.days
    .map((day) => ({ ...day, slots: day.slots.filter((s) => !leaveOut || s.start.toMillis() !== leaveOut.toMillis()) }))
    .filter((day) => day.slots.length > 0)
    .slice(0, DAYS_SHOWN)
    .map((day, index) => ({
      heading: dayHeading(lang, timezone, day.slots[0]!.start, now),
      open: index === 0,
      choices: day.slots.map((slot) => {
        const value = showInstant({ timezone }, slot.start);
        return { value, label: timeRange(lang, timezone, slot), checked: value === chosen };
      }),
    }));
}

export interface StatusView {
  title: string;
  message: string;
  /** Booked or due: the patient may still change or cancel. */
  changeable: boolean;
}

/** What a booking's status means to the patient, in the page's title and first line. */
export function statusView(lang: Lang, callback: StoredCallback, clinic: string): StatusView {
  const changeable = isCancellable(callback);
  if (changeable) return { title: text(lang, 'patient.confirm.title'), message: '', changeable };
  const key = callback.status as 'cancelled' | 'claimed' | 'completed' | 'unreachable';
  return {
    title: text(lang, `patient.status.${key}.title` as TextKey),
    message: text(lang, `patient.status.${key}` as TextKey, { clinic }),
    changeable,
  };
}

/** When booking opens next, in words ("Bokningen öppnar i morgon klockan 06:00."), or that it does not open. */
export function opensInWords(lang: Lang, timezone: string, opensAt: string | null, now: DateTime): string {
  if (!opensAt) return text(lang, 'patient.clinic.closed.never');
  const at = DateTime.fromISO(opensAt, { setZone: true });
  return text(lang, 'patient.clinic.closed.opens', { when: dayInWords(lang, timezone, at, now), time: clockTime(lang, timezone, at) });
}

/** Rate limits say seconds; patients are told whole minutes. */
export const minutesToWait = (retryAfterSeconds: number): number => Math.max(1, Math.ceil(retryAfterSeconds / 60));
