// The call card's view model: where the claimed callback stands (calling, outcome to record, done, or gone
// elsewhere), the number to tap, the attempts so far, the recorded result in words, and, where the clinic dials
// through the app, what the nurse's phone is doing and why a Ring was refused.
import type { CallAttempt } from '../../../../db/callAttempts.js';
import type { StoredCallback } from '../../../../db/callbacks.js';
import type { OutgoingCall } from '../../../../db/outgoingCalls.js';
import { CALL_OUTCOMES } from '../../../../domain/callAttempt.js';
import type { RecordedOutcome } from '../../../../domain/callbackOutcome.js';
import type { AppError } from '../../../../errors.js';
import type { Choice } from '../../components.js';
import { text, type Lang } from '../../texts/index.js';
import { clock, dateInWords, dayAndTime, label, phoneForPeople, who } from '../present.js';

/** calling: she holds it; outcome: reached, outcome to record; done: recorded; the rest say where it went. */
export type CallState = 'calling' | 'outcome' | 'done' | 'retry' | 'unreachable' | 'wrongNumber' | 'missed' | 'cancelled' | 'notYours';

export interface CallViewModel {
  clinicId: string;
  id: string;
  who: string;
  phone: string;
  phoneHref: string;
  pin: string | null;
  reason: string;
  promised: string;
  attempts: string[];
  state: CallState;
  claimUntil: string | null;
  retryAt: string | null;
  result: string[];
  outcomes: Choice[];
  /** Where the clinic dials through the app (agent first): the Ring form instead of logging attempts by hand. */
  dial: { action: string; status: string | null; error: string | null } | null;
}

/** Where the callback stands for the nurse `me`. */
export function callState(c: StoredCallback, attempts: readonly CallAttempt[], outcome: RecordedOutcome | null, me: string): CallState {
  const last = attempts.at(-1);
  if (c.status === 'claimed' && c.claimedBy === me) return 'calling';
  if (c.status === 'completed') return outcome ? 'done' : 'outcome';
  if (c.status === 'unreachable') return last?.outcome === 'wrong_number' ? 'wrongNumber' : 'unreachable';
  if (c.status === 'missed') return 'missed';
  if (c.status === 'cancelled') return 'cancelled';
  if ((c.status === 'booked' || c.status === 'due') && last) return 'retry';
  return 'notYours';
}

/** Whether the card needs the care-guarantee case to say its deadline: covered, and the call was not the assessment. */
export const needsCase = (state: CallState, outcome: RecordedOutcome | null): boolean =>
  state === 'done' && outcome !== null && outcome.guaranteeReason !== null && !outcome.assessedBy;

export interface CallFacts {
  callback: StoredCallback;
  attempts: readonly CallAttempt[];
  outcome: RecordedOutcome | null;
  timezone: string;
  state: CallState;
  /** The open case's deadline (YYYY-MM-DD), when the outcome opened one. */
  caseDeadline: string | null;
  /** This attempt's dialled call, where the clinic dials agent first and she is calling; undefined elsewhere. */
  dial?: { action: string; call: OutgoingCall | null; error: string | null };
}

export function callViewModel(lang: Lang, clinicId: string, f: CallFacts): CallViewModel {
  const { callback: c, outcome, timezone, state } = f;
  let result: string[] = [];
  if (state === 'done' && outcome) {
    result = [text(lang, 'staff.call.outcome.saved'), label(lang, 'staff.resolution', outcome.resolution)];
    if (!outcome.guaranteeReason) result.push(text(lang, 'staff.call.outcome.notCovered'));
    else if (outcome.assessedBy) result.push(text(lang, 'staff.call.outcome.caseClosed'));
    else if (f.caseDeadline) result.push(text(lang, 'staff.call.outcome.caseOpened', { date: dateInWords(lang, f.caseDeadline) }));
  }
  return {
    dial: f.dial ? { action: f.dial.action, status: dialStatus(lang, f.dial.call), error: f.dial.error } : null,
    clinicId,
    id: c.id,
    who: who(c),
    phone: phoneForPeople(c.phoneE164),
    phoneHref: `tel:${c.phoneE164}`,
    pin: c.personalIdentityNumber,
    reason: c.reason ?? text(lang, 'staff.queue.noReason'),
    promised: `${dayAndTime(lang, timezone, c.slot.start)}–${clock(timezone, c.slot.end)}`,
    attempts: f.attempts.map((a) =>
      text(lang, 'staff.call.attemptLine', { time: clock(timezone, a.startedAt), outcome: a.outcome ? label(lang, 'staff.outcome', a.outcome) : '…' }),
    ),
    state,
    claimUntil: c.claimExpiresAt ? text(lang, 'staff.call.claimUntil', { time: clock(timezone, c.claimExpiresAt) }) : null,
    retryAt: state === 'retry' ? text(lang, 'staff.call.retry', { time: clock(timezone, c.dueAt) }) : null,
    result,
    outcomes: CALL_OUTCOMES.map((o) => ({ value: o, label: label(lang, 'staff.outcome', o) })),
  };
}

/** What the card says about this attempt's dialled call, or null when there is nothing to say. */
function dialStatus(lang: Lang, call: OutgoingCall | null): string | null {
  if (!call) return null;
  if (call.state === 'placing' || call.state === 'pending') return text(lang, 'staff.call.dial.placing');
  if (call.state === 'placed') return text(lang, 'staff.call.dial.placed');
  if (call.state !== 'failed') return null;
  if (call.failure === 'agent_unanswered') return text(lang, 'staff.call.dial.agentUnanswered');
  if (call.failure === 'patient_not_dialled') return text(lang, 'staff.call.dial.notDialled');
  if (call.failure === 'provider_unavailable') return text(lang, 'staff.call.dial.providerDown');
  // The provider may have placed the call although its answer never came: her phone may still ring.
  if (call.failure === 'provider_timeout') return text(lang, 'staff.call.dial.providerTimeout');
  if (call.failure === 'provider_refused') return text(lang, 'staff.call.dial.providerRefused');
  return text(lang, 'staff.call.dial.error.other');
}

/** The card's words for a refused Ring (by the error's code), and the status the page answers with. */
export function dialError(lang: Lang, error: AppError): { message: string; status: number } {
  switch (error.code) {
    case 'agent_phone_missing':
      return { message: text(lang, 'staff.call.dial.error.agent_phone_missing'), status: 422 };
    case 'validation_failed':
      return { message: text(lang, 'staff.call.dial.error.validation_failed'), status: 400 };
    case 'before_promised_time':
      return { message: text(lang, 'staff.call.dial.error.before_promised_time', { time: String(error.details?.callableFrom ?? '').slice(11, 16) }), status: 409 };
    case 'outside_calling_hours':
    case 'dialling_unavailable':
      return { message: text(lang, `staff.call.dial.error.${error.code}`), status: 409 };
    case 'service_unavailable':
      return { message: text(lang, 'staff.call.dial.providerDown'), status: 503 };
    case 'call_refused':
      return { message: text(lang, 'staff.call.dial.providerRefused'), status: 502 };
    default:
      return { message: text(lang, 'staff.call.dial.error.other'), status: 409 };
  }
}
