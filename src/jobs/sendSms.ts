// Job handler: send one queued SMS. Idempotent: a message already sent is not sent again.
import type { Clock } from '../clock.js';
import { findClinicRules } from '../db/clinics.js';
import type { Queryable } from '../db/database.js';
import { findSmsToSend, markSmsGivenUp, markSmsSent, markSmsSkipped, recordSmsFailure } from '../db/smsMessages.js';
import type { CallbackTokens } from '../services/callbackTokens.js';
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

export async function sendSms(deps: SendSmsDeps, payload: { messageId: string }): Promise<'sent' | 'already_done' | 'skipped'> {
  const message = await findSmsToSend(deps.db, payload.messageId);
  if (!message) throw new PermanentJobFailure(`no SMS ${payload.messageId}`);
  if (message.status !== 'pending') return 'already_done';
  if (message.kind === 'booking_confirmation' && message.callbackStatus === 'cancelled') {
    await markSmsSkipped(deps.db, message.id);
    return 'skipped';
  }
  const rules = await findClinicRules(deps.db, message.clinicId);
  if (!rules) throw new PermanentJobFailure(`no clinic for SMS ${payload.messageId}`);

  const token = deps.tokens.issue(message.callbackId);
  const text = smsText(message.kind, {
    clinicName: rules.name,
    timezone: rules.timezone,
    slotStart: message.slotStart,
    slotEnd: message.slotEnd,
    cancelUrl: `${deps.publicBaseUrl}/avboka/${message.callbackId}?token=${encodeURIComponent(token)}`,
    // The "we tried to call you" link lands on the clinic's own page, where the patient can book again.
    bookingUrl: `${deps.publicBaseUrl}/vardcentral/${message.clinicId}`,
  });
  try {
    const providerId = await deps.sms.send({ to: message.phoneE164, text, reference: message.id });
    await markSmsSent(deps.db, message.id, providerId, deps.clock.now());
    return 'sent';
  } catch (error) {
    if (error instanceof SmsRejected) {
      await recordSmsFailure(deps.db, message.id, error.message, true);
      throw new PermanentJobFailure(error.message);
    }
    await recordSmsFailure(deps.db, message.id, (error as Error).message ?? 'unknown error', false);
    throw error;
  }
}

/** Called by the worker when BullMQ has used up the job's attempts: the message is given up, visibly. */
export async function giveUpSms(deps: Pick<SendSmsDeps, 'db'>, payload: { messageId: string }): Promise<void> {
  await markSmsGivenUp(deps.db, payload.messageId);
}
