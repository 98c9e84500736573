// Call events from the telephone system: verified by HMAC, taken once per event id, turned into call attempts.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { findAttemptByTelephonyCall, insertTelephonyAttempt, isLatestAttempt, updateAttempt } from '../db/callAttempts.js';
import { correctToReached } from '../db/queueClaims.js';
import { lockCallback } from '../db/callbacks.js';
import type { Database } from '../db/database.js';
import { recordTelephonyEvent } from '../db/telephonyEvents.js';
import { callTimeProblem, reachedAt, type CallOutcome } from '../domain/callAttempt.js';
import { isOpen } from '../domain/callback.js';
import { CallbackNotFound, InvalidSignature, TelephonyNotConfigured, ValidationFailed } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobScheduler } from '../queue/jobScheduler.js';
import { createAfterCommit } from './afterCommit.js';
import { concludeAttempt, scheduleAfterAttempt } from './callQueue.js';

export const SIGNATURE_HEADER = 'x-telephony-signature';

export interface TelephonyEvent {
  eventId: string;
  type: 'call.started' | 'call.answered' | 'call.ended';
  /** The telephone system's id for the call; all events of one call share it. */
  callId: string;
  callbackId: string;
  at: DateTime;
  /** On call.ended for a call never answered: why (default no_answer). */
  outcome?: Exclude<CallOutcome, 'answered'>;
  /** Who made the call when known (the nurse an agent-first call rang); otherwise the claim's holder. */
  staffId?: string | null;
}

/** "sha256=<hex of HMAC-SHA256(secret, raw body)>", compared in constant time. */
export function signTelephonyBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifyTelephonySignature(secret: string | null, rawBody: Buffer | undefined, header: string | undefined): void {
  if (!secret) throw new TelephonyNotConfigured();
  if (!rawBody || !header) throw new InvalidSignature();
  const expected = Buffer.from(signTelephonyBody(secret, rawBody));
  const given = Buffer.from(header.trim());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidSignature();
}

/** Events of one call may arrive in any order and more than once; the outcome is decided on call.ended. */
export function createTelephonyService(deps: { db: Database; clock: Clock; jobs: JobScheduler; logger: Logger }) {
  const { db, clock, jobs } = deps;
  const afterCommit = createAfterCommit(deps.logger);

  return {
    async ingest(event: TelephonyEvent): Promise<'accepted' | 'duplicate'> {
      const result = await db.transaction(async (tx) => {
        const callback = await lockCallback(tx, event.callbackId);
        if (!callback) throw new CallbackNotFound();
        // Checked before the event id is taken, so a corrected resend of the same event is still accepted.
        const problem = callTimeProblem(event.at, callback.requestedAt, clock.now());
        if (problem) throw new ValidationFailed([{ field: 'body.at', message: problem }]);
        if (!(await recordTelephonyEvent(tx, event.eventId, event.type, event.callbackId))) return null;

        let attempt = await findAttemptByTelephonyCall(tx, event.callId);
        if (!attempt) {
          const first = await insertTelephonyAttempt(tx, {
            id: randomUUID(),
            callbackId: callback.id,
            staffId: event.staffId ?? callback.claimedBy,
            source: 'telephony',
            telephonyCallId: event.callId,
            startedAt: event.at,
            answeredAt: null,
            endedAt: null,
            outcome: null,
            note: null,
          });
          // Null: a concurrent event of the same call id (for another callback: this one is locked) got there first.
          attempt = first ?? (await findAttemptByTelephonyCall(tx, event.callId))!;
        }
        // One call is one attempt on one callback: an event that names another callback's call would end or
        // answer that attempt and conclude this callback without one. Nothing of it is stored.
        if (attempt.callbackId !== callback.id) {
          throw new ValidationFailed([{ field: 'body.callId', message: 'belongs to a call to another callback' }]);
        }
        if (event.type === 'call.answered') {
          await updateAttempt(tx, attempt.id, { answeredAt: event.at });
          // Webhooks can arrive out of order: an answer reported after the call ended corrects the attempt,
          // and, if that attempt was the callback's last, turns its retry or give-up into "reached".
          if (attempt.endedAt && attempt.outcome !== 'answered') {
            await updateAttempt(tx, attempt.id, { outcome: 'answered' });
            const latest = await isLatestAttempt(tx, callback.id, attempt.id);
            if (latest && (callback.status === 'booked' || callback.status === 'unreachable')) {
              const answered = { ...attempt, answeredAt: event.at, outcome: 'answered' as const };
              await correctToReached(tx, callback.id, reachedAt(answered)!, attempt.endedAt);
              return { concluded: null, callback, correctedFrom: callback.status };
            }
          }
          return { concluded: null, callback };
        }
        if (event.type !== 'call.ended' || attempt.endedAt) return { concluded: null, callback };

        // attempt was read under lock, after any earlier call.answered event committed.
        const outcome: CallOutcome = attempt.answeredAt ? 'answered' : (event.outcome ?? 'no_answer');
        await updateAttempt(tx, attempt.id, { endedAt: event.at, outcome });
        // A call to a callback already closed (or cancelled) is recorded but changes nothing else.
        if (!isOpen(callback)) return { concluded: null, callback };
        return { concluded: await concludeAttempt(tx, callback, { ...attempt, endedAt: event.at, outcome }), callback };
      });
      if (!result) return 'duplicate';
      if (result.concluded) await scheduleAfterAttempt(jobs, afterCommit, result.callback, result.concluded);
      if ('correctedFrom' in result && result.correctedFrom === 'booked') {
        const { id, attemptCount } = result.callback;
        await afterCommit('remove the retry job', () => jobs.unscheduleDue(id, attemptCount));
      }
      return 'accepted';
    },
  };
}

export type TelephonyService = ReturnType<typeof createTelephonyService>;
