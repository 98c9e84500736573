// Agent-first dialling (the app rings the nurse, then connects the patient): when a call may be placed, and
// what a provider's hang-up record says about the attempt on the patient. Pure: no I/O.
import { DateTime } from 'luxon';
import type { CallOutcome } from './callAttempt.js';
import type { ClinicRules } from './clinic.js';
import { bookingWindowOn, localDate, type Opening } from './schedule.js';
import { nextBookingOpening } from './slots.js';

export type DiallingRefusal =
  /** Rule 4: calling before the promised time breaks the promise as surely as calling late. */
  | { kind: 'before_promised_time'; callableFrom: DateTime }
  /** Outside the clinic's calling hours that date (its booking window); `opensAt`: when they next begin. */
  | { kind: 'outside_calling_hours'; hours: Opening | null; opensAt: DateTime | null };

/**
 * The clinic's calling hours on a local date: its booking window that day (rule 1), none on a closed day
 * (rule 2: weekends, holidays, julafton). Promised slots lie inside it and retries are only planned inside it
 * (afterAttempt), so the app never rings a patient at a time the clinic does not work its phones.
 */
export function callingHoursOn(rules: ClinicRules, isoDate: string): Opening | null {
  return bookingWindowOn(rules, isoDate);
}

/**
 * Why the app must not place a call for a callback promised `slot` at `now`, or null when it may.
 * The early tolerance counts as on time in the time-deviation measure, so the call may begin there.
 */
export function diallingRefusal(rules: ClinicRules, slot: { start: DateTime }, now: DateTime): DiallingRefusal | null {
  const callableFrom = slot.start.minus({ minutes: rules.earlyToleranceMinutes });
  if (now < callableFrom) return { kind: 'before_promised_time', callableFrom };
  const hours = callingHoursOn(rules, localDate(rules, now));
  if (!hours || now < hours.opens || now >= hours.closes) {
    return { kind: 'outside_calling_hours', hours, opensAt: nextBookingOpening(rules, now) };
  }
  return null;
}

/** The form fields of 46elks' whenhangup that matter here (actions and legs are JSON text). */
export interface HangupFields {
  id: string;
  start?: string;
  created?: string;
  duration?: string;
  state?: string;
  actions?: string;
  legs?: string;
}

export type HangupReading =
  /** The nurse's phone never answered, or it did but the patient was never rung: no attempt on the patient. */
  | { kind: 'not_dialled'; reason: 'agent_unanswered' | 'patient_not_dialled' }
  | { kind: 'dialled'; startedAt: DateTime; answeredAt: DateTime | null; endedAt: DateTime; outcome: CallOutcome };

/** 46elks times are UTC without an offset ("2018-02-20T11:55:41.528000"). */
export function elksTime(value: string | undefined): DateTime | null {
  if (!value) return null;
  const at = DateTime.fromISO(value.trim().replace(' ', 'T'), { zone: 'utc' });
  return at.isValid ? at : null;
}

function jsonArray(value: string | undefined): Record<string, unknown>[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];
  } catch {
    return [];
  }
}

function seconds(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** A leg's or connect result's state as a call outcome; 46elks says success, busy or failed (no answer included). */
function outcomeOf(state: unknown): CallOutcome {
  if (state === 'success') return 'answered';
  if (state === 'busy') return 'busy';
  return 'no_answer';
}

/**
 * Reads the hang-up record of an agent-first call to `patientPhone`. The call is the nurse's leg; `start` is
 * when she answered, which is when the provider began ringing the patient (voice_start answers `connect`).
 * So the attempt on the patient starts then, was answered `legDuration` seconds before the call ended, and ends
 * at start + duration. Throws an Error naming the field when the record cannot be read (a connected call
 * without a readable start is refused rather than dated from another field).
 */
export function readHangup(fields: HangupFields, patientPhone: string): HangupReading {
  const actions = jsonArray(fields.actions);
  const connect = actions.find((a) => typeof a.connect === 'string');
  const start = elksTime(fields.start);
  if (!connect) return { kind: 'not_dialled', reason: start ? 'patient_not_dialled' : 'agent_unanswered' };
  // No fallback: `created` is when the nurse's phone began ringing, before the patient was, so it would date the
  // attempt early (perhaps before the slot); 46elks sends no end time to subtract the duration from.
  const startedAt = start;
  if (!startedAt) throw new Error('start: missing or not a time');
  const endedAt = startedAt.plus({ milliseconds: Math.round(seconds(fields.duration) * 1000) });
  const legs = jsonArray(fields.legs);
  const leg = legs.find((l) => l.to === patientPhone) ?? legs.find((l) => l.to === connect.connect);
  const outcome = outcomeOf(leg ? leg.state : connect.result);
  if (outcome !== 'answered') return { kind: 'dialled', startedAt, answeredAt: null, endedAt, outcome };
  const answeredAt = DateTime.max(startedAt, endedAt.minus({ milliseconds: Math.round(seconds(leg?.duration) * 1000) }));
  return { kind: 'dialled', startedAt, answeredAt, endedAt, outcome };
}
