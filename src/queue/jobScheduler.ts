// The scheduling port the services use, and its BullMQ adapter. Services never import BullMQ.
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { DUE_JOB_OPTIONS, EVENTS_MAX_LEN, JOB_RETENTION, jobIds, NATIONAL_DELIVERY_JOB_OPTIONS, QUEUES, SMS_JOB_OPTIONS } from './contract.js';

export interface JobScheduler {
  /** Makes the callback due at `dueAt` (immediately when that has passed). Adding it twice adds one job. */
  scheduleDue(callbackId: string, attemptCount: number, dueAt: DateTime): Promise<void>;
  unscheduleDue(callbackId: string, attemptCount: number): Promise<void>;
  enqueueSms(messageId: string): Promise<void>;
  /** Reconciliation: re-creates the due job unless one is waiting, delayed or running. True when it had to. */
  ensureDue(callbackId: string, attemptCount: number, dueAt: DateTime): Promise<boolean>;
  ensureSms(messageId: string): Promise<boolean>;
  /** Adds the delivery of a unit's national file of a month unless one is waiting, retrying or running. True when it had to. */
  ensureNationalDelivery(month: string, hsaId: string): Promise<boolean>;
  /**
   * ensureDue for many callbacks, checking them all in one Redis round trip; answers the callback ids whose
   * job it had to re-create. Optional: a scheduler without it gets ensureDue once per callback.
   */
  ensureDueMany?(callbacks: readonly DueJobRef[], recheck?: (missing: readonly DueJobRef[]) => Promise<readonly DueJobRef[]>): Promise<string[]>;
  close(): Promise<void>;
}

export interface DueJobRef {
  callbackId: string;
  attemptCount: number;
  dueAt: DateTime;
}

export function createQueue(key: keyof typeof QUEUES, connection: Redis, prefix: string): Queue {
  const queue = new Queue(QUEUES[key].name, {
    connection,
    prefix,
    streams: { events: { maxLen: EVENTS_MAX_LEN } },
    defaultJobOptions: { ...JOB_RETENTION },
  });
  // The queue re-emits its connection's errors; the connection's own listener logs them once
  // (createRedisConnection). Without this BullMQ prints each one as a raw stack trace.
  queue.on('error', () => undefined);
  return queue;
}

async function isPending(job: Job | undefined): Promise<boolean> {
  if (!job) return false;
  const state = await job.getState();
  return state === 'delayed' || state === 'waiting' || state === 'active' || state === 'prioritized' || state === 'waiting-children';
}

/**
 * Reconciliation's check of many due jobs in one Redis command: the 1-based positions of the job keys that are
 * not pending. BullMQ keeps a job as a hash at queue.toKey(id), with `timestamp` set when added and
 * `finishedOn` only once it completed or failed for good (a retry clears it): a hash with a timestamp and no
 * finishedOn is a job still waiting, delayed or running. The rest (no job, or a finished one) take ensureDue's
 * careful path, which asks BullMQ for the state. One script instead of a pipeline of HMGETs: building and
 * parsing a command per callback cost the worker's event loop more than Redis's time.
 */
const NOT_PENDING_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'finishedOn', 'timestamp')
  if v[1] or not v[2] then out[#out + 1] = i end
end
return out`;

export function createBullJobScheduler(deps: { connection: Redis; prefix: string; clock: Clock }): JobScheduler {
  const due = createQueue('callbackDue', deps.connection, deps.prefix);
  const sms = createQueue('sms', deps.connection, deps.prefix);
  const national = createQueue('nationalDelivery', deps.connection, deps.prefix);

  const delayUntil = (at: DateTime) => Math.max(0, at.toMillis() - deps.clock.now().toMillis());

  async function addDue(callbackId: string, attemptCount: number, dueAt: DateTime) {
    await due.add(
      QUEUES.callbackDue.job,
      { callbackId },
      { jobId: jobIds.callbackDue(callbackId, attemptCount), delay: delayUntil(dueAt), ...DUE_JOB_OPTIONS },
    );
  }
  async function addSms(messageId: string) {
    await sms.add(QUEUES.sms.job, { messageId }, { jobId: jobIds.sms(messageId), ...SMS_JOB_OPTIONS });
  }

  async function ensureDue(callbackId: string, attemptCount: number, dueAt: DateTime): Promise<boolean> {
    const id = jobIds.callbackDue(callbackId, attemptCount);
    const job = await due.getJob(id);
    if (await isPending(job)) return false;
    // A finished job kept for inspection would block re-adding the same id.
    if (job) await due.remove(id);
    await addDue(callbackId, attemptCount, dueAt);
    return true;
  }

  return {
    scheduleDue: addDue,
    async unscheduleDue(callbackId, attemptCount) {
      await due.remove(jobIds.callbackDue(callbackId, attemptCount));
    },
    enqueueSms: addSms,
    ensureDue,
    async ensureDueMany(callbacks, recheck) {
      const keys = callbacks.map((c) => due.toKey(jobIds.callbackDue(c.callbackId, c.attemptCount)));
      const notPending = keys.length ? ((await deps.connection.eval(NOT_PENDING_SCRIPT, keys.length, ...keys)) as number[]) : [];
      let missing = notPending.map((index) => callbacks[index - 1]!);
      if (recheck && missing.length) missing = [...(await recheck(missing))];
      const restored: string[] = [];
      for (const c of missing) {
        if (await ensureDue(c.callbackId, c.attemptCount, c.dueAt)) restored.push(c.callbackId);
      }
      return restored;
    },
    async ensureSms(messageId) {
      const id = jobIds.sms(messageId);
      const job = await sms.getJob(id);
      if (await isPending(job)) return false;
      if (job) await sms.remove(id);
      await addSms(messageId);
      return true;
    },
    async ensureNationalDelivery(month, hsaId) {
      const id = jobIds.nationalDelivery(month, hsaId);
      const job = await national.getJob(id);
      if (await isPending(job)) return false;
      // A job kept after it finished (given up, or done) would block adding the same id again.
      if (job) await national.remove(id);
      await national.add(QUEUES.nationalDelivery.job, { month, hsaId }, { jobId: id, ...NATIONAL_DELIVERY_JOB_OPTIONS });
      return true;
    },
    async close() {
      await Promise.all([due.close(), sms.close(), national.close()]);
    },
  };
}
