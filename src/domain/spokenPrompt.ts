// What the phone line says (talsvar), as a list of short recorded clips: times, days and dates are composed
// from numbers, weekdays and months so that a small clip set can say every sentence the booking line needs.
import { DateTime } from 'luxon';

/** A clip's name: the file `<name>.wav` in the clip folder. */
export type Clip = string;

/** Fixed phrases, with the Swedish the shipped clips say (src/telephony/clips/sv/texts.tsv holds the same). */
export const PHRASES = {
  greeting: 'Välkommen till vårdcentralens telefonbokning.',
  welcome_to: 'Välkommen till',
  emergency: 'Vid livshotande tillstånd, ring 1 1 2. För sjukvårdsrådgivning, ring 1 1 7 7.',
  we_can_call_you: 'Vi kan ringa dig',
  between: 'mellan',
  and: 'och',
  the_date: 'den',
  at_clock: 'klockan',
  today: 'i dag',
  tomorrow: 'i morgon',
  press_1_to_book: 'Tryck 1 för att boka.',
  press_2_for_next: 'Tryck 2 för nästa lediga tid.',
  no_time_today: 'Det finns inga tider kvar i dag.',
  no_more_times: 'Det finns inga fler lediga tider.',
  you_are_booked: 'Du är bokad.',
  we_will_call_you: 'Vi ringer dig',
  you_get_sms: 'Du får ett sms.',
  booking_closed: 'Bokningen är stängd just nu.',
  booking_opens: 'Bokningen öppnar',
  no_opening: 'Ingen bokningstid är planerad.',
  no_free_time: 'Det finns inga lediga tider just nu.',
  call_instead: 'Ring i stället',
  sorry: 'Tyvärr gick något fel.',
  unknown_number: 'Det här numret tar inte emot bokningar.',
  goodbye: 'Tack för samtalet. Hej då.',
  enter_number: 'Vi ser inte ditt nummer. Slå det nummer vi ska ringa upp, och avsluta med fyrkant.',
  you_entered: 'Du slog',
  press_1_if_correct: 'Tryck 1 om det stämmer. Tryck 2 för att slå numret igen.',
  invalid_number: 'Det numret kan vi inte ringa.',
  already_booked: 'Du har redan en bokad tid.',
  already_booked_number: 'Det finns redan en bokad tid för det numret.',
  too_many_bookings: 'Numret har redan för många bokade tider.',
  press_3_to_cancel: 'Tryck 3 för att avboka.',
  cancelled: 'Din tid är avbokad.',
  slot_taken: 'Tiden hann bli tagen.',
  invalid_choice: 'Det valet finns inte.',
  one_moment: 'Ett ögonblick.',
  keep_time_if_nothing: 'Gör du inget ligger din tid kvar.',
  time_kept: 'Din tid ligger kvar.',
  we_call_from: 'Vi ringer från',
  no_number_received: 'Vi fick inget nummer. När du ringer igen, avsluta numret med fyrkant.',
} as const;
export type Phrase = keyof typeof PHRASES;

const NUMBER_WORDS = [
  'noll', 'ett', 'två', 'tre', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio', 'tio',
  'elva', 'tolv', 'tretton', 'fjorton', 'femton', 'sexton', 'sjutton', 'arton', 'nitton', 'tjugo',
];
const TENS_WORDS: Record<number, string> = { 30: 'trettio', 40: 'fyrtio', 50: 'femtio' };
const ORDINAL_WORDS = [
  '', 'första', 'andra', 'tredje', 'fjärde', 'femte', 'sjätte', 'sjunde', 'åttonde', 'nionde', 'tionde',
  'elfte', 'tolfte', 'trettonde', 'fjortonde', 'femtonde', 'sextonde', 'sjuttonde', 'artonde', 'nittonde', 'tjugonde',
];
const WEEKDAY_WORDS = ['', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'];
const MONTH_WORDS = ['', 'januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

/**
 * Every clip a prompt can be made of, with the Swedish it says: 0–20 and the tens (21–59 are a ten plus a unit,
 * "tjugo" + "fem"), ordinals 1–20 and 30 (21st is "tjugo" + "första"), weekdays, months and the phrases.
 */
export const CLIP_TEXTS: ReadonlyMap<Clip, string> = new Map<Clip, string>([
  ...NUMBER_WORDS.map((w, n) => [`n${n}`, w] as [string, string]),
  ...Object.entries(TENS_WORDS).map(([n, w]) => [`n${n}`, w] as [string, string]),
  ...ORDINAL_WORDS.slice(1).map((w, i) => [`o${i + 1}`, w] as [string, string]),
  ['o30', 'trettionde'],
  ...WEEKDAY_WORDS.slice(1).map((w, i) => [`d${i + 1}`, w] as [string, string]),
  ...MONTH_WORDS.slice(1).map((w, i) => [`m${i + 1}`, w] as [string, string]),
  ...(Object.entries(PHRASES) as [string, string][]),
]);

/** A cardinal 0–59 ("fyrtiofem" is "fyrtio" + "fem"). */
export function spokenNumber(n: number): Clip[] {
  if (!Number.isInteger(n) || n < 0 || n > 59) throw new RangeError(`no clips for the number ${n}`);
  if (n <= 20) return [`n${n}`];
  const tens = n - (n % 10);
  return n % 10 === 0 ? [`n${tens}`] : [`n${tens}`, `n${n % 10}`];
}

/** The day of the month as an ordinal ("den tjugoförsta" is "tjugo" + "första"). */
export function spokenOrdinal(day: number): Clip[] {
  if (!Number.isInteger(day) || day < 1 || day > 31) throw new RangeError(`no clips for the ordinal ${day}`);
  if (day <= 20 || day === 30) return [`o${day}`];
  return day < 30 ? ['n20', `o${day - 20}`] : ['n30', `o${day - 30}`];
}

/**
 * A wall-clock time as Swedes say it after "klockan": the full hour alone (06:00 "sex", 16:00 "sexton"), otherwise the
 * hour "och" the minutes (08:45 "åtta och fyrtiofem", 10:05 "tio och fem"), never "sex noll noll".
 */
export function spokenClockTime(at: DateTime): Clip[] {
  return at.minute === 0 ? spokenNumber(at.hour) : [...spokenNumber(at.hour), 'and', ...spokenNumber(at.minute)];
}

/** A time with its "klockan": "klockan åtta och fyrtiofem". */
export function spokenAtClock(at: DateTime): Clip[] {
  return ['at_clock', ...spokenClockTime(at)];
}

/** The day of an instant seen from `now` (both in the clinic's zone): "i dag", "i morgon", or "tisdag den sjätte april". */
export function spokenDay(at: DateTime, now: DateTime): Clip[] {
  const day = at.startOf('day');
  const today = now.setZone(at.zone).startOf('day');
  if (day.hasSame(today, 'day')) return ['today'];
  if (day.hasSame(today.plus({ days: 1 }), 'day')) return ['tomorrow'];
  return [`d${at.weekday}`, 'the_date', ...spokenOrdinal(at.day), `m${at.month}`];
}

/** A slot with its day: "i dag mellan klockan tio och femton och klockan tio och trettio". */
export function spokenSlot(slot: { start: DateTime; end: DateTime }, now: DateTime): Clip[] {
  return [...spokenDay(slot.start, now), 'between', ...spokenAtClock(slot.start), 'and', ...spokenAtClock(slot.end)];
}

/** A number read digit by digit ("0 7 0 …"); anything but digits is skipped. */
export function spokenDigits(digits: string): Clip[] {
  return [...digits.replace(/\D/g, '')].map((d) => `n${d}`);
}

/** The offer menu: "Vi kan ringa dig i dag mellan … Tryck 1 för att boka. Tryck 2 för nästa lediga tid." */
export function offerPrompt(slot: { start: DateTime; end: DateTime }, now: DateTime): Clip[] {
  return ['we_can_call_you', ...spokenSlot(slot, now), 'press_1_to_book', 'press_2_for_next'];
}

/**
 * "Vi ringer från 0 2 2 1 …": the number the call will come from (national digits), so the patient answers it;
 * nothing when the clinic has none.
 */
export function callerIdPrompt(nationalDigits: string | null): Clip[] {
  return nationalDigits ? ['we_call_from', ...spokenDigits(nationalDigits)] : [];
}

/** "Du är bokad. Vi ringer dig i dag mellan … Vi ringer från 0 2 2 1 … Du får ett sms. Tack för samtalet." */
export function bookedPrompt(slot: { start: DateTime; end: DateTime }, now: DateTime, callerId: string | null = null): Clip[] {
  return ['you_are_booked', 'we_will_call_you', ...spokenSlot(slot, now), ...callerIdPrompt(callerId), 'you_get_sms', 'goodbye'];
}

/** Rule 1: "Bokningen är stängd just nu. Bokningen öppnar i morgon klockan sju." */
export function bookingClosedPrompt(opensAt: DateTime | null, now: DateTime): Clip[] {
  if (!opensAt) return ['booking_closed', 'no_opening', 'goodbye'];
  return ['booking_closed', 'booking_opens', ...spokenDay(opensAt, now), ...spokenAtClock(opensAt), 'goodbye'];
}

/** "Ring i stället 0 8 …" when the clinic has a fallback number (in national form, digit by digit); nothing otherwise. */
export function fallbackPrompt(nationalDigits: string | null): Clip[] {
  return nationalDigits ? ['call_instead', ...spokenDigits(nationalDigits)] : [];
}

/**
 * Rule 11 on the phone: a caller whose own number shows hears their time and may cancel it, and that doing nothing
 * keeps it; for a keyed number (anyone can key anyone's number) nothing about the booking is told.
 */
export function alreadyBookedPrompt(existing: { start: DateTime; end: DateTime } | null, now: DateTime): Clip[] {
  if (!existing) return ['already_booked_number', 'goodbye'];
  return ['already_booked', 'we_will_call_you', ...spokenSlot(existing, now), 'press_3_to_cancel', 'keep_time_if_nothing'];
}

/** The clip holding a clinic's name as spoken, generated or recorded per clinic (src/telephony/clinicNames.ts). */
export const CLINIC_NAME_CLIP = 'clinic_name';

/**
 * The greeting, said once before the first menu: "Välkommen till Vårdcentralen Kungsör" when the clinic's name has a
 * clip, the generic greeting otherwise; then where to call in an emergency.
 */
export function greetingPrompt(clinicNameClip: boolean): Clip[] {
  return [...(clinicNameClip ? ['welcome_to', CLINIC_NAME_CLIP] : ['greeting']), 'emergency'];
}
