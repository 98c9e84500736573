// The queue contract shared by the API and the workers: queue and job names, payload schemas, job ids, options.
import { z } from 'zod';

export const CallbackDuePayload = z.object({ callbackId: z.uuid() });
export const SendSmsPayload = z.object({ messageId: z.uuid() });
export const ReconcilePayload = z.object({});

export const QUEUES = {
  /** Delayed jobs that move a booked callback into the nurses' queue at its due time. */
  callbackDue: { name: 'callback-due', job: 'make-due', payload: CallbackDuePayload },
  /** Outgoing SMS, retried with backoff. */
  sms: { name: 'sms', job: 'send-sms', payload: SendSmsPayload },
  /** The repeatable reconciliation of PostgreSQL (the truth) with Redis. */
  maintenance: { name: 'maintenance', job: 'reconcile', payload: ReconcilePayload },
} as const;

export type QueueKey = keyof typeof QUEUES;

/** Job ids derive from record ids, so adding the same work twice adds one job. BullMQ forbids ':' in ids. */
export const jobIds = {
  /** One due job per callback and attempt round: the first (0) at the slot, then one per no-answer retry. */
  callbackDue: (callbackId: string, attemptCount: number) => `due-${callbackId}-${attemptCount}`,
  sms: (messageId: string) => `sms-${messageId}`,
};

export const RECONCILE_SCHEDULER_ID = 'reconcile';

/**
 * Bounded retention keeps Redis memory flat under continuous work: completed jobs go after an hour
 * (at most 1000 kept), failed ones after a week (at most 5000) for inspection.
 */
export const JOB_RETENTION = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} as const;

/** The events stream is capped too (BullMQ's default is 10 000 entries per queue). */
export const EVENTS_MAX_LEN = 1000;

export const SMS_JOB_OPTIONS = { attempts: 6, backoff: { type: 'exponential', delay: 10_000 } } as const;
export const DUE_JOB_OPTIONS = { attempts: 10, backoff: { type: 'exponential', delay: 2_000 } } as const;
