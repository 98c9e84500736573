// A deterministic, realistic year of callback history for the demo and the report benchmark: morning
// rush, a few overloaded days without same-day slots, early and late calls, unanswered attempts, and
// guarantee cases assessed 0–6 days after contact. Same seed and end date, same history.
import { DateTime } from 'luxon';
import { cutoffOn } from '../domain/booking.js';
import { afterAttempt } from '../domain/callAttempt.js';
import { clinicDayStatus } from '../domain/calendar.js';
import type { ClinicRules } from '../domain/clinic.js';
import type { ContactMode, Profession } from '../domain/profession.js';
import { addDays, localDateAt, startOfLocalDate } from '../domain/schedule.js';
import { slotsOnDate } from '../domain/slots.js';

const MINUTE = 60_000;
/** How long an unanswered call rings before it ends; src/demo/seedHistory.ts stores the same end time. */
export const UNANSWERED_CALL_MS = 40_000;

/** mulberry32: small, fast and good enough for demo data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4-shaped UUID from the seeded generator. */
function uuidFrom(next: () => number): string {
  const word = () => Math.floor(next() * 0x1_0000_0000).toString(16).padStart(8, '0');
  const s = word() + word() + word() + word();
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${'89ab'[Math.floor(next() * 4)]}${s.slice(17, 20)}-${s.slice(20)}`;
}

export interface HistoryCallback {
  id: string;
  phone: string;
  requestedAt: number;
  slotStart: number;
  slotEnd: number;
  status: 'completed' | 'unreachable' | 'cancelled';
  requestedBeforeCutoff: boolean;
  sameDaySlotFree: boolean;
  patientChoseLaterDay: boolean;
  cancelledAt: number | null;
  reachedAt: number | null;
  attempts: { id: string; startedAt: number; answered: boolean }[];
  guarantee: HistoryCase | null;
}

export interface HistoryCase {
  reason: 'new_problem' | 'worsening' | 'no_treatment_effect';
  contactDate: string;
  decisionDate: string;
  status: 'open' | 'assessed' | 'excluded';
  assessedAt: number | null;
  assessmentDate: string | null;
  profession: Profession | null;
  mode: ContactMode | null;
  exclusionReason: 'patient_chose_later' | 'medically_motivated_wait' | 'not_covered' | null;
}

export interface HistoryDay {
  date: string;
  callbacks: HistoryCallback[];
}

const WEEKDAY_FACTOR = [0, 1.25, 1.05, 1.0, 0.95, 0.8, 0, 0];
const MONTH_FACTOR = [0, 1.15, 1.15, 1.1, 1.0, 0.95, 0.85, 0.7, 0.85, 1.0, 1.05, 1.1, 1.0];
const ASSESSMENT_DAY_WEIGHTS = [30, 25, 18, 12, 6, 5, 4]; // days 0–6 after contact
const PROFESSION_WEIGHTS: [Profession, number][] = [
  ['doctor', 55],
  ['district_nurse', 15],
  ['nurse', 10],
  ['physiotherapist', 10],
  ['psychologist', 5],
  ['counsellor', 5],
];
const MODE_WEIGHTS: [ContactMode, number][] = [
  ['visit', 60],
  ['video', 15],
  ['phone', 25],
];

function weighted<T>(next: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let roll = next() * total;
  for (const [item, w] of items) {
    roll -= w;
    if (roll < 0) return item;
  }
  return items[items.length - 1]![0];
}

/**
 * One clinic's history from `from` to `until` (inclusive local dates). `meanDaily` is the clinic's own
 * mean of requests per working day; `now` cuts off what has not happened yet (open guarantee cases).
 */
export function* clinicHistory(
  rules: ClinicRules,
  opts: { from: string; until: string; meanDaily: number; seed: number },
): Generator<HistoryDay> {
  const next = seededRandom(opts.seed);
  const untilEnd = startOfLocalDate(rules, addDays(opts.until, 1)).toMillis();
  const dayStart = new Map<string, number>();
  const startOf = (date: string) => {
    let ms = dayStart.get(date);
    if (ms === undefined) dayStart.set(date, (ms = startOfLocalDate(rules, date).toMillis()));
    return ms;
  };
  const isWorking = (date: string) => clinicDayStatus(date, rules.dateExceptions).working;
  const slotCache = new Map<string, { start: number; end: number; capacity: number }[]>();
  const slotsOf = (date: string) => {
    let slots = slotCache.get(date);
    if (!slots) {
      slots = slotsOnDate(rules, date).map((s) => ({ start: s.start.toMillis(), end: s.end.toMillis(), capacity: s.capacity }));
      slotCache.set(date, slots);
      slotCache.delete(addDays(date, -7));
    }
    return slots;
  };
  const nextWorkingDay = (date: string) => {
    let d = addDays(date, 1);
    while (!isWorking(d)) d = addDays(d, 1);
    return d;
  };
  // Bookings already made on a day's slots by earlier days (after the cut-off, full days, chosen later).
  const carried = new Map<string, { slotIndex: number }[]>();

  for (let date = opts.from; date <= opts.until; date = addDays(date, 1)) {
    if (!isWorking(date)) continue;
    const slots = slotsOf(date).map((s) => ({ ...s, free: s.capacity }));
    const m = Number(date.slice(5, 7));
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
    const count = Math.round(opts.meanDaily * WEEKDAY_FACTOR[weekday]! * MONTH_FACTOR[m]! * (0.85 + next() * 0.3));
    // A few overloaded days a year: most nurses are off sick, and the places run out before the cut-off.
    if (next() < 0.03) {
      const places = slots.reduce((sum, s) => sum + s.free, 0);
      const scale = Math.min(0.45, (0.6 * count) / Math.max(1, places));
      for (const s of slots) s.free = Math.floor(s.free * scale + next());
    }
    for (const c of carried.get(date) ?? []) slots[c.slotIndex]!.free--;
    carried.delete(date);

    const midnight = startOf(date);
    const cutoff = cutoffOn(rules, date).toMillis();
    const minNotice = rules.minNoticeMinutes * MINUTE;
    // Morning rush: over half of the day's requests come 06:00–09:00.
    const minutes = Array.from({ length: count }, () => {
      const r = next();
      if (r < 0.55) return 360 + next() * 180;
      if (r < 0.92) return 540 + next() * 420;
      return 960 + next() * 60; // after the cut-off, until 17:00
    }).sort((a, b) => a - b);

    const callbacks: HistoryCallback[] = [];
    let firstFree = 0;
    const tomorrow = nextWorkingDay(date);
    const carriedTomorrow = carried.get(tomorrow) ?? [];
    carried.set(tomorrow, carriedTomorrow);
    const tomorrowSlots = slotsOf(tomorrow).map((s) => ({ ...s, free: s.capacity }));
    for (const c of carriedTomorrow) tomorrowSlots[c.slotIndex]!.free--;
    let tomorrowIndex = 0;
    /** The next working day's first free place, or null when that day is full too. */
    const bookTomorrow = () => {
      while (tomorrowIndex < tomorrowSlots.length && tomorrowSlots[tomorrowIndex]!.free <= 0) tomorrowIndex++;
      const slot = tomorrowSlots[tomorrowIndex];
      if (!slot) return null;
      slot.free--;
      carriedTomorrow.push({ slotIndex: tomorrowIndex });
      return slot;
    };

    for (const minute of minutes) {
      const requestedAt = midnight + Math.floor(minute * MINUTE);
      const beforeCutoff = requestedAt < cutoff;
      // Requests come in time order and places only run out, so the first free slot only moves forward.
      while (firstFree < slots.length && (slots[firstFree]!.free <= 0 || slots[firstFree]!.start < requestedAt + minNotice)) firstFree++;
      const sameDay = slots[firstFree];
      const choseLater = sameDay !== undefined && next() < 0.02;
      let slot: { start: number; end: number } | null;
      if (sameDay && !choseLater) {
        sameDay.free--;
        slot = sameDay;
      } else {
        slot = bookTomorrow(); // null: every place on both days taken; the patient is asked to call again
      }
      if (!slot || slot.start >= untilEnd) continue;
      const callback: HistoryCallback = {
        id: uuidFrom(next),
        phone: `+4670${String(Math.floor(next() * 1e7)).padStart(7, '0')}`,
        requestedAt,
        slotStart: slot.start,
        slotEnd: slot.end,
        status: 'completed',
        requestedBeforeCutoff: beforeCutoff,
        sameDaySlotFree: sameDay !== undefined,
        patientChoseLaterDay: choseLater,
        cancelledAt: null,
        reachedAt: null,
        attempts: [],
        guarantee: null,
      };
      callbacks.push(callback);
      if (next() < 0.03) {
        callback.status = 'cancelled';
        callback.cancelledAt = requestedAt + Math.floor(next() * (slot.start - requestedAt));
        continue;
      }
      // Most calls start inside the slot; some early, more late, a few very late.
      const r = next();
      const deviation = r < 0.07 ? -(1 + next() * 20) : r < 0.72 ? next() * 14.9 : r < 0.95 ? 15 + next() * 45 : 60 + next() * 120;
      // Unanswered calls are retried as the clinic's rules say (delay, maximum, never past the window).
      let at: number | null = slot.start + Math.floor(deviation * MINUTE);
      while (at !== null) {
        const answered = next() < (callback.attempts.length === 0 ? 0.86 : 0.7);
        callback.attempts.push({ id: uuidFrom(next), startedAt: at, answered });
        if (answered) {
          callback.reachedAt = at;
          break;
        }
        const after = afterAttempt(rules, callback.attempts.length, 'no_answer', DateTime.fromMillis(at + UNANSWERED_CALL_MS, { zone: 'utc' }));
        at = after.kind === 'retry' ? after.dueAt.toMillis() : null;
      }
      if (callback.reachedAt === null) {
        callback.status = 'unreachable';
        continue;
      }
      if (next() < 0.35) callback.guarantee = guaranteeCase(next, date, callback.reachedAt, untilEnd, startOf, rules);
    }
    yield { date, callbacks };
  }
}

function guaranteeCase(
  next: () => number,
  contactDate: string,
  reachedAt: number,
  untilEnd: number,
  startOf: (date: string) => number,
  rules: ClinicRules,
): HistoryCase {
  const reason = weighted(next, [['new_problem', 60], ['worsening', 30], ['no_treatment_effect', 10]] as const);
  const decisionDate = contactDate; // the triage call is on the contact date in this history
  const base: HistoryCase = {
    reason,
    contactDate,
    decisionDate,
    status: 'open',
    assessedAt: null,
    assessmentDate: null,
    profession: null,
    mode: null,
    exclusionReason: null,
  };
  const r = next();
  if (r < 0.03) {
    return { ...base, status: 'excluded', exclusionReason: weighted(next, [['patient_chose_later', 50], ['medically_motivated_wait', 35], ['not_covered', 15]] as const) };
  }
  if (r < 0.2) return { ...base, status: 'assessed', assessedAt: reachedAt, assessmentDate: contactDate, profession: 'nurse', mode: 'phone' };
  const days = weighted(next, ASSESSMENT_DAY_WEIGHTS.map((w, d) => [d, w] as const));
  const date = addDays(contactDate, days);
  // During that day's opening hours, and never before the triage call itself.
  const at = Math.max(reachedAt + 30 * MINUTE, startOf(date) + Math.floor((8 + next() * 8) * 60) * MINUTE);
  if (at >= untilEnd) return base; // not yet assessed when the history ends
  const assessmentDate = localDateAt(rules.timezone, at);
  return {
    ...base,
    status: 'assessed',
    assessedAt: at,
    assessmentDate,
    profession: weighted(next, PROFESSION_WEIGHTS),
    mode: weighted(next, MODE_WEIGHTS),
  };
}
