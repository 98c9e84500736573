// Booking a callback by phone keypad (IVR): what the caller hears at each step and what the key they press does.
// Every decision about times, the booking window and the duplicate policy is the web booking's (callbackBooking
// and the domain); this module only turns them into prompts and keeps the incoming_calls row up to date.
// Provider-neutral: a step's reply is "say these clips" or "ask for digits, then continue with this state".
import type { DateTime } from 'luxon';
import { DateTime as LuxonDateTime } from 'luxon';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import type { Clock } from '../clock.js';
import { findCallback, type StoredCallback } from '../db/callbacks.js';
import { listOpenCallbacksOfPhone } from '../db/bookings.js';
import { clinicOfBookingNumber, findClinicTelephony, shownCallerId } from '../db/clinicTelephony.js';
import type { Database } from '../db/database.js';
import { markIncomingCallFailed, recordIncomingCallTo, setIncomingCallOutcome, type IncomingCallOutcome } from '../db/incomingCalls.js';
import { callerRefusal, DEFAULT_MAX_OPEN_PER_PHONE, isStillToCome } from '../domain/callerPolicy.js';
import type { ClinicRules } from '../domain/clinic.js';
import { normaliseSwedishPhone } from '../domain/patientContact.js';
import {
  alreadyBookedPrompt,
  bookedPrompt,
  bookingClosedPrompt,
  fallbackPrompt,
  greetingPrompt,
  offerPrompt,
  spokenDigits,
  type Clip,
} from '../domain/spokenPrompt.js';
import { AlreadyBooked, BookingClosed, NoFreeSlot, SlotFull, SlotUnavailable, TooManyBookings } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CallbackBookingService, SlotView } from './callbackBooking.js';

/** Where a call is: carried from one webhook to the next (in the provider's next URL, which is secret-keyed). */
export interface CallState {
  callId: string;
  clinicId: string;
  step: 'offer' | 'number' | 'confirm' | 'cancel';
  /** The number to call back (E.164); null while a hidden caller has not keyed one. */
  phone: string | null;
  /** The number was keyed in, not shown by the network: anyone can key anyone's number. */
  keyed: boolean;
  /** The offered slot's start (offer step). */
  slot: DateTime | null;
  /** The caller's open callback they may cancel (cancel step). */
  callbackId: string | null;
  /** The clinic's fallback number, national digits, read out when something fails. */
  fallback: string | null;
}

export type VoiceReply =
  | { kind: 'say'; clips: Clip[] }
  /** `intro` is said once before the menu (the greeting); only `clips` are repeated while the caller keys nothing. */
  | { kind: 'ask'; clips: Clip[]; maxDigits: number; next: CallState; intro?: Clip[] };

/** What came back from a menu: the keys pressed, or none (`keys` may then hold digits keyed without the final #). */
export interface KeyedInput {
  keys: string | null;
  /** The menu ended without a complete entry (46elks: why=noinput, or result=failed). */
  timedOut: boolean;
}

export interface IncomingCallStart {
  callId: string;
  /** The caller's number as the network gives it: "anonymous", empty or garbage when hidden. */
  from: string;
  /** The booking number called. */
  to: string;
}

export interface PhoneBookingService {
  /** A call to `call.to`, which the caller (the webhook's URL) has already shown to be a booking number of `clinicId`. */
  start(clinicId: string, call: IncomingCallStart): Promise<VoiceReply>;
  /** What was keyed at an ask. */
  answer(state: CallState, input: KeyedInput): Promise<VoiceReply>;
  /** Records that the call failed; never throws. */
  markFailed(callId: string): Promise<void>;
  /** The apology, with the fallback number when one is known. */
  apology(fallback: string | null): VoiceReply;
  /** The clinic's fallback digits (read now, remembered for knownFallback); null when it has none. */
  fallbackOf(clinicId: string): Promise<string | null>;
  /** The fallback digits last seen for a clinic, for apologies when the database is down. */
  knownFallback(clinicId: string): string | null;
  /** Whether `number` (E.164) is one of the clinic's booking numbers. */
  isBookingNumberOf(clinicId: string, number: string): Promise<boolean>;
}

const KEYED_NUMBER_MAX_DIGITS = 15;
/** A number keyed without the final # is taken as complete when it has this many digits (Swedish numbers: 8–15). */
const KEYED_NUMBER_MIN_DIGITS = 8;

export function createPhoneBookingService(deps: {
  db: Database;
  clock: Clock;
  booking: CallbackBookingService;
  logger: Logger;
  maxOpenPerPhone?: number;
  /** Whether the clinic's name can be said (a generated or recorded clip of its current name); default never. */
  hasNameClip?: (clinicId: string) => Promise<boolean>;
}): PhoneBookingService {
  const { db, clock, booking, logger } = deps;
  const maxOpenPerPhone = deps.maxOpenPerPhone ?? DEFAULT_MAX_OPEN_PER_PHONE;
  const hasNameClip = deps.hasNameClip ?? (async () => false);
  // Clinic → fallback digits, so an apology during a database outage can still give a number to call.
  const fallbackByClinic = new Map<string, string | null>();

  async function fallbackOf(clinicId: string): Promise<string | null> {
    const telephony = await findClinicTelephony(db, clinicId);
    const fallback = nationalDigits(telephony?.fallbackPhone ?? null);
    fallbackByClinic.set(clinicId, fallback);
    return fallback;
  }

  const setOutcome = (callId: string, outcome: IncomingCallOutcome, callbackId: string | null = null) =>
    setIncomingCallOutcome(db, callId, outcome, clock.now(), callbackId);

  function apology(fallback: string | null): VoiceReply {
    return { kind: 'say', clips: ['sorry', ...fallbackPrompt(fallback), 'goodbye'] };
  }

  function inZone(rules: ClinicRules, at: DateTime): DateTime {
    return at.setZone(rules.timezone);
  }

  function now(rules: ClinicRules): DateTime {
    return inZone(rules, clock.now());
  }

  /** The offer menu for a slot, recording "no time today" when only a later day was left. */
  async function offerSlot(state: CallState, rules: ClinicRules, slot: SlotView, prefix: Clip[], todayFull: boolean): Promise<VoiceReply> {
    if (todayFull) await setOutcome(state.callId, 'no_time_today');
    const clips = [...prefix, ...(todayFull ? ['no_time_today'] : []), ...offerPrompt({ start: inZone(rules, slot.start), end: inZone(rules, slot.end) }, now(rules))];
    return { kind: 'ask', clips, maxDigits: 1, next: { ...state, step: 'offer', slot: slot.start, callbackId: null } };
  }

  /** What the booking rules say when no time can be offered: closed (and when it opens), or nothing free. */
  async function refusal(state: CallState, rules: ClinicRules, error: unknown, prefix: Clip[]): Promise<VoiceReply> {
    if (error instanceof BookingClosed) {
      await setOutcome(state.callId, 'booking_closed');
      const opensAt = error.opensAt ? LuxonDateTime.fromISO(error.opensAt, { zone: rules.timezone }) : null;
      return { kind: 'say', clips: [...prefix, ...bookingClosedPrompt(opensAt, now(rules))] };
    }
    if (error instanceof NoFreeSlot) {
      await setOutcome(state.callId, 'no_free_time');
      return { kind: 'say', clips: [...prefix, 'no_free_time', ...fallbackPrompt(state.fallback), 'goodbye'] };
    }
    throw error;
  }

  /** Rule 11 for this caller: null when they may book; otherwise what they hear. */
  async function duplicate(state: CallState, rules: ClinicRules, phone: string, prefix: Clip[]): Promise<VoiceReply | null> {
    const open = await listOpenCallbacksOfPhone(db, phone);
    const at = clock.now();
    const refused = callerRefusal(rules, open, maxOpenPerPhone, at);
    if (!refused) return null;
    await setOutcome(state.callId, 'duplicate');
    if (refused.kind === 'too_many_bookings') return { kind: 'say', clips: [...prefix, 'too_many_bookings', 'goodbye'] };
    if (state.keyed) return { kind: 'say', clips: [...prefix, ...alreadyBookedPrompt(null, now(rules))] };
    const existing = open.find((c) => c.clinicId === rules.id && isStillToCome(c, at)) as StoredCallback;
    const slot = { start: inZone(rules, existing.slot.start), end: inZone(rules, existing.slot.end) };
    return { kind: 'ask', clips: [...prefix, ...alreadyBookedPrompt(slot, now(rules))], maxDigits: 1, next: { ...state, step: 'cancel', callbackId: existing.id, slot: null } };
  }

  /** From a known number on: the duplicate policy, then the earliest time (after `after`, when given). */
  async function offerFor(state: CallState, rules: ClinicRules, prefix: Clip[], after: DateTime | null = null): Promise<VoiceReply> {
    const refused = await duplicate(state, rules, state.phone!, prefix);
    if (refused) return refused;
    let offer;
    try {
      offer = await booking.offer(rules.id);
    } catch (error) {
      return refusal(state, rules, error, prefix);
    }
    const slots = offer.days.flatMap((d) => d.slots);
    if (after) {
      const next = slots.find((s) => s.start > after);
      // Past the last free time the menu starts again from the earliest.
      if (!next) return offerSlot(state, rules, offer.earliest, [...prefix, 'no_more_times'], offer.todayFull);
      return offerSlot(state, rules, next, prefix, offer.todayFull);
    }
    return offerSlot(state, rules, offer.earliest, prefix, offer.todayFull);
  }

  async function book(state: CallState, rules: ClinicRules): Promise<VoiceReply> {
    try {
      const { callback } = await booking.book(
        rules.id,
        { phoneE164: state.phone!, personalIdentityNumber: null, patientName: null, reason: null, channel: 'ivr', slotStart: state.slot },
        // A webhook the provider sends again books nothing new.
        `ivr-${state.callId}`,
      );
      await setOutcome(state.callId, 'booked', callback.id);
      const telephony = await findClinicTelephony(db, rules.id);
      const callerId = nationalDigits(telephony ? shownCallerId(telephony) : null);
      return { kind: 'say', clips: bookedPrompt({ start: inZone(rules, callback.slot.start), end: inZone(rules, callback.slot.end) }, now(rules), callerId) };
    } catch (error) {
      if (error instanceof SlotFull || error instanceof SlotUnavailable) return offerFor(state, rules, ['slot_taken'], state.slot);
      if (error instanceof AlreadyBooked || error instanceof TooManyBookings) {
        return (await duplicate(state, rules, state.phone!, [])) ?? apology(state.fallback);
      }
      return refusal(state, rules, error, []);
    }
  }

  async function cancel(state: CallState): Promise<VoiceReply> {
    // The web's cancel, with the caller's shown number in place of the token.
    const cancelled = await booking.cancelByCaller(state.callbackId!, { clinicId: state.clinicId, phoneE164: state.phone! });
    if (!cancelled) {
      const current = await findCallback(db, state.callbackId!);
      if (current?.status === 'cancelled') return { kind: 'say', clips: ['cancelled', 'you_get_sms', 'goodbye'] };
      return apology(state.fallback);
    }
    // The patient is told by SMS too (callbackBooking queues it): caller id can be forged.
    return { kind: 'say', clips: ['cancelled', 'you_get_sms', 'goodbye'] };
  }

  function askNumber(state: CallState, prefix: Clip[]): VoiceReply {
    return { kind: 'ask', clips: [...prefix, 'enter_number'], maxDigits: KEYED_NUMBER_MAX_DIGITS, next: { ...state, step: 'number', phone: null, slot: null } };
  }

  async function rulesOf(clinicId: string): Promise<ClinicRules> {
    return booking.clinicRules(clinicId);
  }

  /** A keyed number without its #: taken as entered when long enough, otherwise explained, with the fallback. */
  function incompleteNumber(state: CallState, digits: string): VoiceReply | null {
    if (digits.length >= KEYED_NUMBER_MIN_DIGITS && digits.length <= KEYED_NUMBER_MAX_DIGITS) return null;
    return { kind: 'say', clips: ['no_number_received', ...fallbackPrompt(state.fallback), 'goodbye'] };
  }

  return {
    apology,
    fallbackOf,
    knownFallback: (clinicId) => fallbackByClinic.get(clinicId) ?? null,
    isBookingNumberOf: async (clinicId, number) => (await clinicOfBookingNumber(db, number)) === clinicId,

    async markFailed(callId) {
      try {
        await markIncomingCallFailed(db, callId, clock.now());
      } catch (error) {
        logger.warn({ err: { type: (error as Error)?.name } }, 'could not record a failed phone booking call');
      }
    },

    async start(clinicId, call) {
      const shown = normaliseSwedishPhone(call.from);
      // The call's row first: whatever fails or hangs after it leaves the call marked failed, not 'answered'.
      const recorded = await recordIncomingCallTo(db, { callId: call.callId, bookingNumber: call.to, receivedAt: clock.now(), callerHidden: !shown.ok });
      if (recorded !== clinicId) return { kind: 'say', clips: ['unknown_number', 'goodbye'] };
      const [rules, fallback, named] = await Promise.all([rulesOf(clinicId), fallbackOf(clinicId), hasNameClip(clinicId)]);
      const greeting = greetingPrompt(named);
      const state: CallState = { callId: call.callId, clinicId, step: 'offer', phone: shown.ok ? shown.value : null, keyed: false, slot: null, callbackId: null, fallback };
      // The greeting once, then the first menu: only the menu repeats while the caller keys nothing.
      const greeted = (reply: VoiceReply): VoiceReply => (reply.kind === 'ask' ? { ...reply, intro: greeting } : { ...reply, clips: [...greeting, ...reply.clips] });
      if (state.phone) return greeted(await offerFor(state, rules, []));
      // A hidden number keys in one, but only when there is a time to offer: a closed line says so at once.
      try {
        await booking.offer(clinicId);
      } catch (error) {
        return greeted(await refusal(state, rules, error, []));
      }
      return greeted(askNumber(state, []));
    },

    async answer(state, input) {
      // "#" alone (an empty entry) or anything but keys is a wrong key: each step below repeats its menu on it.
      const entered = (input.keys ?? '').replace(/#$/, '');
      const key = /^[0-9*]+$/.test(entered) ? entered : '';
      if (input.timedOut) {
        // A number keyed without its # (46elks gives up waiting and posts what was keyed so far).
        if (state.step === 'number') {
          const incomplete = incompleteNumber(state, key.replace(/\D/g, ''));
          if (incomplete) return incomplete;
        } else if (!key) {
          // Nothing keyed after the menu's repeats: at a booked time's menu that keeps the time, as it said.
          return { kind: 'say', clips: state.step === 'cancel' ? ['time_kept', 'goodbye'] : ['goodbye'] };
        }
      }
      const rules = await rulesOf(state.clinicId);
      switch (state.step) {
        case 'offer':
          if (!state.phone || !state.slot) return apology(state.fallback);
          if (key === '1') return book(state, rules);
          if (key === '2') return offerFor(state, rules, [], state.slot);
          return offerFor(state, rules, ['invalid_choice'], state.slot.minus({ milliseconds: 1 }));
        case 'number': {
          const number = normaliseSwedishPhone(key);
          if (!number.ok) return askNumber(state, ['invalid_number']);
          return {
            kind: 'ask',
            clips: ['you_entered', ...spokenDigits(key), 'press_1_if_correct'],
            maxDigits: 1,
            next: { ...state, step: 'confirm', phone: number.value, keyed: true },
          };
        }
        case 'confirm':
          if (!state.phone) return apology(state.fallback);
          if (key === '1') return offerFor(state, rules, []);
          if (key === '2') return askNumber(state, []);
          return {
            kind: 'ask',
            clips: ['invalid_choice', 'you_entered', ...spokenDigits(nationalDigits(state.phone) ?? ''), 'press_1_if_correct'],
            maxDigits: 1,
            next: state,
          };
        case 'cancel':
          if (state.keyed || !state.phone || !state.callbackId) return apology(state.fallback);
          if (key === '3') return cancel(state);
          // Another key repeats the menu (the caller's time, then "tryck 3"), as every menu here does.
          return (await duplicate(state, rules, state.phone, ['invalid_choice'])) ?? offerFor(state, rules, []);
      }
    },
  };
}

/** A number as dialled within Sweden (08-123 45 67 → "081234567"), for reading out digit by digit. */
export function nationalDigits(e164: string | null): string | null {
  if (!e164) return null;
  try {
    return parsePhoneNumberWithError(e164).formatNational().replace(/\D/g, '');
  } catch {
    return e164.replace(/\D/g, '');
  }
}
