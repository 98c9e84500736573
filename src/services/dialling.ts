// Agent-first dialling: "Ring" on a claimed callback asks the provider to ring the nurse, whose answer loads
// our voice_start (connect the patient, showing the clinic's number); the hang-up record becomes the call
// attempt through the same path as other telephony events (retries, unreachable, the measures).
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { findCallback } from '../db/callbacks.js';
import { holdClaim } from '../db/queueClaims.js';
import { findClinicTelephony, shownCallerId } from '../db/clinicTelephony.js';
import { findClinicRules } from '../db/clinics.js';
import type { Database } from '../db/database.js';
import {
  adoptPlacement,
  findOutgoingCall,
  latestOutgoingCall,
  markEnded,
  markFailed,
  markPlaced,
  reserveOutgoingCall,
  takeForPlacing,
  type OutgoingCall,
} from '../db/outgoingCalls.js';
import { findStaffPhone } from '../db/staffPhones.js';
import { isOpen } from '../domain/callback.js';
import { diallingRefusal, readHangup, type HangupFields } from '../domain/dialling.js';
import { showInstant } from '../domain/schedule.js';
import {
  AgentPhoneMissing,
  AppError,
  BeforePromisedTime,
  CallbackNotFound,
  CallRefusedByProvider,
  ClinicNotFound,
  DiallingUnavailable,
  NotClaimed,
  OutsideCallingHours,
  ServiceUnavailable,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { maskPhone } from '../sms/port.js';
import { ELKS_WEBHOOK_PATHS } from '../telephony/elks.js';
import { CallOutcomeUnknown, CallRefused, type TelephonyProvider } from '../telephony/port.js';
import { webhookUrl } from '../telephony/webhookKey.js';
import { authorize, type StaffMember } from './staffAuth.js';
import type { TelephonyService } from './telephony.js';

/** How long the nurse's phone and then the patient's may ring. */
export const RING_SECONDS = 30;

/**
 * While a call placed for a nurse may be live her claim is held this long (from the press, and again from her
 * answer), so a long call cannot let it lapse and another nurse take the callback; the hang-up record ends the
 * hold (the attempt releases the claim, or a call that reached nobody resumes the normal timeout). Only a call
 * whose record never comes holds it this long.
 */
export const CALL_CLAIM_HOLD_MINUTES = 120;

/** What voice_start answers: a 46elks call action. */
export type VoiceAction = { connect: string; callerid: string; timeout: number } | { hangup: 'reject' };

export interface DiallingService {
  /** Places (at most once per attempt) the call for a callback the nurse holds; `placedNow` false for a repeat. */
  dial(staff: StaffMember, callbackId: string, agentPhone: string | null): Promise<{ call: OutgoingCall; placedNow: boolean }>;
  /**
   * The nurse answered: connect the patient, or hang up when the callback is no longer open or the call is not
   * the row's current placement (`placement` from the URL; null in URLs made before placements were numbered).
   */
  voiceStart(outgoingCallId: string, placement: number | null, providerCallId: string | null): Promise<VoiceAction>;
  /** The provider's hang-up record; idempotent (the provider repeats it until it gets a 2xx). */
  hangup(outgoingCallId: string, placement: number | null, fields: HangupFields): Promise<'recorded' | 'not_dialled' | 'ignored'>;
  /** The latest call of a callback, for the console. */
  latest(callbackId: string): Promise<OutgoingCall | null>;
  /** Whether "Ring" works at this clinic: a provider is configured, the clinic dials agent first and has a number to show. */
  enabledFor(clinicId: string): Promise<boolean>;
}

export function createDiallingService(deps: {
  db: Database;
  clock: Clock;
  logger: Logger;
  telephony: TelephonyService;
  /** null: TELEPHONY_PROVIDER=none. */
  provider: TelephonyProvider | null;
  webhookSecret: string | null;
  publicBaseUrl: string;
  /** The queue's claim timeout (CLAIM_TIMEOUT_MINUTES): a call that reached nobody gives the nurse that again. */
  claimTimeoutMinutes: number;
}): DiallingService {
  const { db, clock, logger, provider, webhookSecret } = deps;
  const hold = (callbackId: string, staffId: string) => holdClaim(db, callbackId, staffId, clock.now().plus({ minutes: CALL_CLAIM_HOLD_MINUTES }));
  /** The call ended without an attempt (or was never placed): the claim times out as usual from now. */
  const resume = async (callbackId: string, staffId: string | null) => {
    if (staffId) await holdClaim(db, callbackId, staffId, clock.now().plus({ minutes: deps.claimTimeoutMinutes }));
  };
  return {
    async enabledFor(clinicId) {
      if (!provider || !webhookSecret) return false;
      const settings = await findClinicTelephony(db, clinicId);
      return !!settings && settings.dialAgentFirst && shownCallerId(settings) !== null;
    },

    async dial(staff, callbackId, agentPhoneGiven) {
      const callback = await findCallback(db, callbackId);
      if (!callback) throw new CallbackNotFound();
      authorize(staff, ['nurse', 'admin'], callback.clinicId);
      // As for logging an attempt: only the holder of the claim; a lapsed claim counts until someone else claims.
      if (callback.status !== 'claimed' || callback.claimedBy !== staff.id) throw new NotClaimed();
      const settings = await findClinicTelephony(db, callback.clinicId);
      const rules = await findClinicRules(db, callback.clinicId);
      if (!settings || !rules) throw new ClinicNotFound(callback.clinicId);
      if (!settings.dialAgentFirst) throw new DiallingUnavailable('off');
      const callerId = shownCallerId(settings);
      if (!callerId) throw new DiallingUnavailable('no_caller_id');
      if (!provider || !webhookSecret) throw new DiallingUnavailable('no_provider');
      const agentPhone = agentPhoneGiven ?? (await findStaffPhone(db, staff.id));
      if (!agentPhone) throw new AgentPhoneMissing();

      const now = clock.now();
      const refusal = diallingRefusal(rules, callback.slot, now);
      if (refusal?.kind === 'before_promised_time') throw new BeforePromisedTime(showInstant(rules, refusal.callableFrom));
      if (refusal?.kind === 'outside_calling_hours') {
        const hours = refusal.hours && { opens: showInstant(rules, refusal.hours.opens), closes: showInstant(rules, refusal.hours.closes) };
        throw new OutsideCallingHours(hours, refusal.opensAt && showInstant(rules, refusal.opensAt));
      }

      // Held (and checked still hers, atomically) before anything rings.
      if (!(await hold(callbackId, staff.id))) throw new NotClaimed();
      const who = { staffId: staff.id, agentPhone, callerId, at: now };
      const reserved = await reserveOutgoingCall(db, { callbackId, attemptNumber: callback.attemptCount + 1 }, who);
      const taken = await takeForPlacing(db, reserved.id, who);
      if (!taken) return { call: (await findOutgoingCall(db, reserved.id))!, placedNow: false };

      const url = (path: string) => webhookUrl(deps.publicBaseUrl, webhookSecret, path);
      let providerCallId: string;
      // Only the provider's request is in here: once it has answered with an id the call exists, and nothing
      // that fails after that may mark it failed (a new press would ring the nurse a second time).
      try {
        ({ providerCallId } = await provider.placeCall({
          from: callerId,
          to: agentPhone,
          voiceStartUrl: url(ELKS_WEBHOOK_PATHS.voiceStart(taken.id, taken.placement)),
          whenHangupUrl: url(ELKS_WEBHOOK_PATHS.hangup(taken.id, taken.placement)),
          timeoutSeconds: RING_SECONDS,
        }));
      } catch (error) {
        const refused = error instanceof CallRefused;
        // A timeout (or a 5xx) leaves it unknown whether the call exists; if it does, its voice_start or hang-up
        // record for this placement is still taken as this attempt's call (adoptPlacement).
        const failure = refused ? 'provider_refused' : error instanceof CallOutcomeUnknown ? 'provider_timeout' : 'provider_unavailable';
        logger.warn({ outgoingCallId: taken.id, failure, err: { type: (error as Error).name } }, 'agent-first call not placed');
        try {
          await markFailed(db, taken.id, failure, clock.now(), taken.placement);
        } catch (markError) {
          // Left 'placing': a press after STALE_PLACING_SECONDS may place it again.
          logger.error({ outgoingCallId: taken.id, err: { type: (markError as Error).name } }, 'failed call could not be marked failed');
        }
        // A call that may exist after all re-holds the claim when the nurse answers it (voiceStart).
        await resume(callbackId, staff.id).catch(() => undefined);
        if (refused) throw new CallRefusedByProvider(error.message);
        throw new ServiceUnavailable('The telephony provider');
      }
      logger.info({ outgoingCallId: taken.id, agent: maskPhone(agentPhone) }, 'agent-first call placed');
      const assumed: OutgoingCall = { ...taken, state: 'placed', providerCallId, updatedAt: clock.now() };
      try {
        const placed = await markPlaced(db, taken.id, taken.placement, providerCallId, clock.now());
        await recordAudit(db, { at: now, staffId: staff.id, action: 'callback.dial', clinicId: callback.clinicId, callbackIds: [callbackId] });
        return { call: placed ?? (await findOutgoingCall(db, taken.id)) ?? assumed, placedNow: true };
      } catch (error) {
        // The call rings regardless. The row stays 'placing' until this placement's voice_start or hang-up
        // record adopts the provider's id (or, if neither comes, a press after STALE_PLACING_SECONDS).
        logger.error({ outgoingCallId: taken.id, err: { type: (error as Error).name } }, 'placed call could not be stored or audited');
        return { call: assumed, placedNow: true };
      }
    },

    async voiceStart(outgoingCallId, placement, providerCallId) {
      let call = await findOutgoingCall(db, outgoingCallId);
      if (!call) return { hangup: 'reject' };
      // A call of an earlier placement (the nurse pressed again after a timeout): the current one rings her.
      if (placement !== null && placement !== call.placement) return { hangup: 'reject' };
      if (call.providerCallId && providerCallId && call.providerCallId !== providerCallId) return { hangup: 'reject' };
      if (placement !== null && !call.providerCallId && providerCallId) {
        // Answered before we stored the provider's id (it answered after our timeout, or is still answering).
        call = await adoptPlacement(db, call.id, placement, providerCallId, clock.now());
        if (!call) return { hangup: 'reject' };
      }
      if (call.state !== 'placing' && call.state !== 'placed') return { hangup: 'reject' };
      const callback = await findCallback(db, call.callbackId);
      // Cancelled (or otherwise closed) while the nurse's phone rang: nobody to connect.
      if (!callback || !isOpen(callback)) return { hangup: 'reject' };
      // From her answer the call may last long: the claim must not lapse under it.
      if (call.staffId) await hold(callback.id, call.staffId);
      return { connect: callback.phoneE164, callerid: call.callerId, timeout: RING_SECONDS };
    },

    async hangup(outgoingCallId, placement, fields) {
      let call = await findOutgoingCall(db, outgoingCallId);
      if (!call) return 'ignored';
      if (placement !== null) {
        // A record of an earlier placement of this attempt (the nurse pressed again after it failed).
        if (placement !== call.placement) return 'ignored';
        // This placement's call, whose id we never stored (the provider answered after our timeout, or the
        // record came first): it is the attempt's call.
        if (!call.providerCallId) call = (await adoptPlacement(db, call.id, placement, fields.id, clock.now())) ?? (await findOutgoingCall(db, call.id))!;
      } else if (call.state === 'placing' || call.state === 'pending') {
        // A URL without a placement (made before they were numbered): wait until our record of the call is stored.
        throw new ServiceUnavailable('The call record', 30);
      }
      if (call.providerCallId !== fields.id) return 'ignored';
      const callback = await findCallback(db, call.callbackId);
      if (!callback) return 'ignored';
      let reading;
      try {
        reading = readHangup(fields, callback.phoneE164);
      } catch (error) {
        // Repeating an unreadable record cannot mend it: acknowledged, and the card lets the nurse press again.
        logger.warn({ outgoingCallId: call.id, problem: (error as Error).message }, 'hang-up record unreadable');
        await markFailed(db, call.id, 'hangup_unreadable', clock.now());
        await resume(callback.id, call.staffId);
        return 'ignored';
      }
      if (reading.kind === 'not_dialled') {
        await markFailed(db, call.id, reading.reason, clock.now());
        await resume(callback.id, call.staffId);
        return 'not_dialled';
      }
      // One call, one attempt: the three events carry ids derived from the provider's call id, so a repeated
      // hang-up record (or a crash half-way through) adds nothing twice.
      const callId = `46elks:${fields.id}`;
      const event = (type: 'call.started' | 'call.answered' | 'call.ended', at = reading.startedAt) => ({
        eventId: `${callId}:${type}`,
        type,
        callId,
        callbackId: callback.id,
        at,
        // The nurse this call rang, whoever holds the claim by the time the record arrives.
        staffId: call.staffId,
      });
      try {
        await deps.telephony.ingest(event('call.started'));
        if (reading.answeredAt) await deps.telephony.ingest(event('call.answered', reading.answeredAt));
        await deps.telephony.ingest({
          ...event('call.ended', reading.endedAt),
          ...(reading.outcome !== 'answered' ? { outcome: reading.outcome } : {}),
        });
      } catch (error) {
        // A record that can never be taken (a time in the future, before the booking): log it and stop the
        // provider's retries; anything else (the database down) is answered 5xx so the provider repeats it.
        if (!(error instanceof AppError) || error.code === 'service_unavailable') throw error;
        logger.warn({ outgoingCallId: call.id, code: error.code }, 'hang-up record not taken as an attempt');
        await markFailed(db, call.id, `hangup_${error.code}`, clock.now());
        await resume(callback.id, call.staffId);
        return 'ignored';
      }
      await markEnded(db, call.id, clock.now());
      return 'recorded';
    },

    latest: (callbackId) => latestOutgoingCall(db, callbackId),
  };
}
