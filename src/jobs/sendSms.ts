// Job handler: send one queued SMS, exactly once. The send is recorded before the provider is asked ('sending');
// a retry that finds it so (the worker was killed, or the database failed after the provider accepted) first asks
// the provider whether it went out, and only sends again when it did not. A message whose time has changed since
// it was queued is skipped: a newer message says the time as it is.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { findClinicRules } from '../db/clinics.js';
import { findClinicTelephony, shownCallerId } from '../db/clinicTelephony.js';
import type { Queryable } from '../db/database.js';
import {
  findSmsToSend,
  markSmsGivenUp,
  markSmsSending,
  markSmsSent,
  markSmsSkipped,
  otherSmsSending,
  recordSmsFailure,
  type SmsToSend,
} from '../db/smsMessages.js';
import type { CallbackTokens } from '../services/callbackTokens.js';
import { patientLinks } from '../links.js';
import { smsText } from '../sms/messages.js';
import { SmsRejected, type SmsSender } from '../sms/port.js';
import { PermanentJobFailure } from './failures.js';

export interface SendSmsDeps {
  db: Queryable;
  clock: Clock;
  sms: SmsSender;
  tokens: CallbackTokens;
  publicBaseUrl: string;
}

/** Thrown to retry later (with the job's backoff) without counting as the provider's fault. */
export class SmsNotYet extends Error {}

/** How far back the provider's history is searched, before our record of the send: clocks differ a little. */
const HISTORY_MARGIN_MS = 10 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A confirmation or change of time whose time is no longer the callback's: a newer message (or none) says it. */
function outOfDate(m: SmsToSend): boolean {
  if (m.kind !== 'booking_confirmation' && m.kind !== 'time_changed') return false;
  return m.callbackStatus === 'cancelled' || m.slotStart.toMillis() !== m.currentSlotStart.toMillis();
}

async function textOf(deps: SendSmsDeps, m: SmsToSend): Promise<string> {
  const [rules, telephony] = await Promise.all([findClinicRules(deps.db, m.clinicId), findClinicTelephony(deps.db, m.clinicId)]);
  if (!rules) throw new PermanentJobFailure(`no clinic for SMS ${m.id}`);
  const token = deps.tokens.issue(m.callbackId);
  return smsText(m.kind, {
    clinicName: rules.name,
    timezone: rules.timezone,
    slotStart: m.slotStart,
    slotEnd: m.slotEnd,
    cancelUrl: `${deps.publicBaseUrl}${patientLinks.cancel(m.callbackId, token)}`,
    // The "book again" links land on the clinic's own page, where the patient can book again.
    bookingUrl: `${deps.publicBaseUrl}${patientLinks.clinic(m.clinicId)}`,
    callerId: telephony ? shownCallerId(telephony) : null,
    bookingNumber: telephony?.bookingNumbers[0] ?? null,
    cancelledBy: m.cancelledBy,
  });
}

export async function sendSms(deps: SendSmsDeps, payload: { messageId: string }): Promise<'sent' | 'already_done' | 'skipped' | 'found_sent'> {
  const message = await findSmsToSend(deps.db, payload.messageId);
  if (!message) throw new PermanentJobFailure(`no SMS ${payload.messageId}`);
  if (message.status !== 'pending' && message.status !== 'sending') return 'already_done';
  if (message.status === 'pending' && outOfDate(message)) {
    await markSmsSkipped(deps.db, message.id);
    return 'skipped';
  }
  // One message of a callback at a time, so that they reach the phone in the order they were queued.
  if (await otherSmsSending(deps.db, message)) throw new SmsNotYet(`another SMS of callback ${message.callbackId} is being sent`);
  const text = await textOf(deps, message);

  if (message.status === 'sending') {
    // Handed to the provider before, and nothing recorded since: did it go out?
    if (deps.sms.findSent && message.sendingStartedAt && message.textSha256) {
      const since = new Date(message.sendingStartedAt.getTime() - HISTORY_MARGIN_MS);
      const found = await deps.sms.findSent({ to: message.phoneE164, textSha256: message.textSha256, since });
      if (found) {
        await markSmsSent(deps.db, message.id, found, deps.clock.now());
        return 'found_sent';
      }
    }
    // Not at the provider (or a provider that sends each reference once, whatever is asked): send.
    if (!(await markSmsSending(deps.db, message.id, sha256(text), 'sending'))) return 'already_done';
  } else if (!(await markSmsSending(deps.db, message.id, sha256(text), 'pending'))) {
    return 'already_done';
  }

  let providerId: string;
  try {
    providerId = await deps.sms.send({ to: message.phoneE164, text, reference: message.id });
  } catch (error) {
    if (error instanceof SmsRejected) {
      await recordSmsFailure(deps.db, message.id, error.message, true);
      throw new PermanentJobFailure(error.message);
    }
    // It may have gone out all the same (an answer lost on the way): the row stays 'sending' for the retry to ask.
    await recordSmsFailure(deps.db, message.id, (error as Error).message ?? 'unknown error', false);
    throw error;
  }
  // Should this fail (the database gone just now), the retry finds the message at the provider and sends nothing.
  await markSmsSent(deps.db, message.id, providerId, deps.clock.now());
  return 'sent';
}

/** Called by the worker when BullMQ has used up the job's attempts: the message is given up, visibly. */
export async function giveUpSms(deps: Pick<SendSmsDeps, 'db'>, payload: { messageId: string }): Promise<void> {
  await markSmsGivenUp(deps.db, payload.messageId);
}
