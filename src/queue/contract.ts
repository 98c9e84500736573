// The queue contract shared by the API and the workers: queue and job names, payload schemas, job ids, options.
import { z } from 'zod';
import { REGION_TIMEZONE } from '../domain/schedule.js';

export const CallbackDuePayload = z.object({ callbackId: z.uuid() });
export const SendSmsPayload = z.object({ messageId: z.uuid() });
export const ReconcilePayload = z.object({});
export const EmptyPayload = z.object({});
/** A month to produce (YYYY-MM); omitted: the month before today, which is what the schedule sends. */
export const NationalReportPayload = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() });

export const QUEUES = {
  /** Delayed jobs that move a booked callback into the nurses' queue at its due time. */
  callbackDue: { name: 'callback-due', job: 'make-due', payload: CallbackDuePayload },
  /** Outgoing SMS, retried with backoff. */
  sms: { name: 'sms', job: 'send-sms', payload: SendSmsPayload },
  /** The repeatable reconciliation of PostgreSQL (the truth) with Redis. */
  maintenance: { name: 'maintenance', job: 'reconcile', payload: ReconcilePayload },
  /** Folds new calls into the report rollups (reports also do this on every read). */
  measures: { name: 'measures', job: 'refresh-measures', payload: EmptyPayload },
  /** The monthly national-reporting file, on the 1st for the month before. */
  nationalReport: { name: 'national-report', job: 'produce-national-report', payload: NationalReportPayload },
  /** The managers' morning summary of care-guarantee cases that fail unless assessed today. */
  guaranteeSummary: { name: 'guarantee-summary', job: 'send-guarantee-summary', payload: EmptyPayload },
  /** Rule 12: marks missed the callbacks whose day ended without a call (src/jobs/markMissedCallbacks.ts). */
  missedCallbacks: { name: 'missed-callbacks', job: 'mark-missed', payload: EmptyPayload },
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

export const SMS_JOB_OPTIONS = { attempts: 6, backoff: { type: 'exponential', delay: 10_000 } } as const;
export const DUE_JOB_OPTIONS = { attempts: 10, backoff: { type: 'exponential', delay: 2_000 } } as const;
