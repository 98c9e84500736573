// The queue contract shared by the API and the workers, in one file: each job's definition (its queue and job name,
// payload schema, job id, retries and how many run at once); the repeatable ones' schedules. A job is this definition
// plus its handler (src/jobs/handlers.ts binds each queue to one); the workers start one BullMQ worker per queue
// from this list, and services add jobs through the JobScheduler port (src/queue/jobScheduler.ts).
import { z } from 'zod';
import { REGION_TIMEZONE } from '../domain/schedule.js';

export const CallbackDuePayload = z.object({ callbackId: z.uuid() });
export const SendSmsPayload = z.object({ messageId: z.uuid() });
export const ReconcilePayload = z.object({});
export const EmptyPayload = z.object({});
/** A month to produce (YYYY-MM); omitted: the month before today, which is what the schedule sends. */
export const NationalReportPayload = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() });
/** One unit's file of one month, to the national receiver. */
export const NationalDeliveryPayload = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), hsaId: z.string().regex(/^SE[0-9]{10}-[A-Z0-9]{1,20}$/) });

/** Retries of the jobs that talk to a provider or race a commit; the rest are repeated by their schedule. */
export const SMS_JOB_OPTIONS = { attempts: 6, backoff: { type: 'exponential', delay: 10_000 } } as const;
export const DUE_JOB_OPTIONS = { attempts: 10, backoff: { type: 'exponential', delay: 2_000 } } as const;
/**
 * The national receiver may be down for a while: 1 minute, then doubling, 12 attempts over about 68 hours. After the
 * last one the delivery is 'failed' (visible to admins) until the next worker start or monthly run adds it again.
 */
export const NATIONAL_DELIVERY_JOB_OPTIONS = { attempts: 12, backoff: { type: 'exponential', delay: 60_000 } } as const;

/**
 * Jobs running at once in one worker process for each queue. The due queue's jobs mostly wait for their batch's
 * statement (src/jobs/makeCallbackDue.ts), so more in flight make larger batches rather than more load: with 600
 * (batches of up to 300) bench:worker's real/no-op ratio went from 0.67 to 0.73–0.79 on its 2-core machine.
 */
export const CALLBACK_DUE_CONCURRENCY = 600;

export const QUEUES = {
  /** Delayed jobs that move a booked callback into the nurses' queue at its due time. */
  callbackDue: { name: 'callback-due', job: 'make-due', payload: CallbackDuePayload, concurrency: CALLBACK_DUE_CONCURRENCY },
  /** Outgoing SMS, retried with backoff. */
  sms: { name: 'sms', job: 'send-sms', payload: SendSmsPayload, concurrency: 5 },
  /** The repeatable reconciliation of PostgreSQL (the truth) with Redis, and the voicing of clinics' names. */
  maintenance: { name: 'maintenance', job: 'reconcile', payload: ReconcilePayload, concurrency: 1 },
  /** Folds new calls into the report rollups (reports also do this on every read). */
  measures: { name: 'measures', job: 'refresh-measures', payload: EmptyPayload, concurrency: 1 },
  /** The monthly national-reporting file, on the 1st for the month before. */
  nationalReport: { name: 'national-report', job: 'produce-national-report', payload: NationalReportPayload, concurrency: 1 },
  /** Each unit's national file of a month to the national receiver, retried with backoff until accepted (once). */
  nationalDelivery: { name: 'national-delivery', job: 'deliver-national-file', payload: NationalDeliveryPayload, concurrency: 2 },
  /** The managers' morning summary of care-guarantee cases that fail unless assessed today. */
  guaranteeSummary: { name: 'guarantee-summary', job: 'send-guarantee-summary', payload: EmptyPayload, concurrency: 1 },
  /** Rule 12: marks missed the callbacks whose day ended without a call (src/jobs/markMissedCallbacks.ts). */
  missedCallbacks: { name: 'missed-callbacks', job: 'mark-missed', payload: EmptyPayload, concurrency: 1 },
} as const;

export const QUEUE_KEYS = Object.keys(QUEUES) as QueueKey[];

export type QueueKey = keyof typeof QUEUES;

/** Job ids derive from record ids, so adding the same work twice adds one job. BullMQ forbids ':' in ids. */
export const jobIds = {
  /** One due job per callback and attempt round: the first (0) at the slot, then one per no-answer retry. */
  callbackDue: (callbackId: string, attemptCount: number) => `due-${callbackId}-${attemptCount}`,
  sms: (messageId: string) => `sms-${messageId}`,
  /** One delivery job per unit and month while it runs or waits for its next retry. */
  nationalDelivery: (month: string, hsaId: string) => `national-${month}-${hsaId}`,
};

export const RECONCILE_SCHEDULER_ID = 'reconcile';

/**
 * Every 5 minutes on the minute (BullMQ aligns `every` to multiples of it): the first run after local midnight
 * comes at 00:00, and the queue already hides yesterday's callbacks before any run (src/db/callbacks.ts).
 */
export const MISSED_SWEEP_EVERY_MS = 5 * 60 * 1000;

/** Repeatable jobs: BullMQ keeps them in Redis, so the workers' watchdog re-creates any that vanish. */
export interface Schedule {
  id: string;
  queue: QueueKey;
  repeat: { every: number } | { pattern: string; tz: string };
}

export function schedules(s: { reconcileSeconds: number; measureRefreshSeconds: number; summaryAt: string }): Schedule[] {
  const [hour, minute] = s.summaryAt.split(':').map(Number);
  return [
    { id: RECONCILE_SCHEDULER_ID, queue: 'maintenance', repeat: { every: s.reconcileSeconds * 1000 } },
    { id: 'refresh-measures', queue: 'measures', repeat: { every: s.measureRefreshSeconds * 1000 } },
    // 03:00 on the 1st, Swedish time: the month before is complete.
    { id: 'national-report', queue: 'nationalReport', repeat: { pattern: '0 3 1 * *', tz: REGION_TIMEZONE } },
    { id: 'guarantee-summary', queue: 'guaranteeSummary', repeat: { pattern: `${minute} ${hour} * * *`, tz: REGION_TIMEZONE } },
    { id: 'mark-missed', queue: 'missedCallbacks', repeat: { every: MISSED_SWEEP_EVERY_MS } },
  ];
}

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

