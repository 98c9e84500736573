// Shared pieces for the worker tests: recording fakes for the scheduling port and the SMS port, a bounded
// poll, an isolated database, and clean-up of one BullMQ prefix in the shared Redis.
import type { SpeechSynthesizer } from '../../src/telephony/speech.js';
import { randomBytes } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import type { DateTime } from 'luxon';
import { openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import type { JobScheduler } from '../../src/queue/jobScheduler.js';
import type { OutgoingSms, SmsSender } from '../../src/sms/port.js';
import { freshPostgresSchema, openTestDatabase } from '../support/database.js';
import { until } from '../support/until.js';
export { deleteKeysUnder } from '../support/redis.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type SchedulerCall =
  | { method: 'scheduleDue' | 'ensureDue'; callbackId: string; attemptCount: number; dueAt: string }
  | { method: 'unscheduleDue'; callbackId: string; attemptCount: number }
  | { method: 'enqueueSms' | 'ensureSms'; messageId: string }
  | { method: 'ensureNationalDelivery'; month: string; hsaId: string }
  | { method: 'close' };

/** A JobScheduler that only records what it was asked to do (dueAt as an ISO instant in UTC). */
export function recordingScheduler(): JobScheduler & { calls: SchedulerCall[] } {
  const calls: SchedulerCall[] = [];
  const iso = (d: DateTime) => d.toUTC().toISO()!;
  return {
    calls,
    async scheduleDue(callbackId, attemptCount, dueAt) {
      calls.push({ method: 'scheduleDue', callbackId, attemptCount, dueAt: iso(dueAt) });
    },
    async unscheduleDue(callbackId, attemptCount) {
      calls.push({ method: 'unscheduleDue', callbackId, attemptCount });
    },
    async enqueueSms(messageId) {
      calls.push({ method: 'enqueueSms', messageId });
    },
    async ensureDue(callbackId, attemptCount, dueAt) {
      calls.push({ method: 'ensureDue', callbackId, attemptCount, dueAt: iso(dueAt) });
      return true;
    },
    async ensureSms(messageId) {
      calls.push({ method: 'ensureSms', messageId });
      return true;
    },
    async ensureNationalDelivery(month, hsaId) {
      calls.push({ method: 'ensureNationalDelivery', month, hsaId });
      return true;
    },
    async close() {
      calls.push({ method: 'close' });
    },
  };
}

/** An SmsSender that records every message; `next` decides what the next send does (default: succeeds). */
export function recordingSms(): SmsSender & { sent: OutgoingSms[]; failNextWith(error: Error): void } {
  const sent: OutgoingSms[] = [];
  const failures: Error[] = [];
  return {
    sent,
    failNextWith(error) {
      failures.push(error);
    },
    async send(message) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(message);
      return `fake-${sent.length}`;
    },
  };
}

/** Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 60_000, intervalMs = 100): Promise<NonNullable<T>> {
  return (await until(async () => probe(), (value) => Boolean(value), what, timeoutMs, intervalMs)) as NonNullable<T>;
}

/**
 * Waits until a job has completed and returns it read afresh: a Job object read while the job was still
 * running keeps returnvalue null even when getState() already answers 'completed'.
 */
export async function completedJob(queue: Queue, jobId: string, timeoutMs = 60_000): Promise<Job> {
  await waitFor(`job ${jobId} to complete`, async () => (await queue.getJobState(jobId)) === 'completed', timeoutMs);
  return (await queue.getJob(jobId))!;
}

export function randomPrefix(name: string): string {
  return `test-${name}-${randomBytes(5).toString('hex')}`;
}


export interface IsolatedDatabase {
  db: Database;
  /** The connection string of the fresh PostgreSQL database; null on PGlite. */
  url: string | null;
  /** Closes the pool and drops the database. */
  dispose(): Promise<void>;
}

/**
 * A database only this test file sees, and, on PostgreSQL, its connection string for a worker process.
 * Workers reconcile *every* booked callback and pending SMS they find, so they must never share one.
 */
export async function openIsolatedDatabase(): Promise<IsolatedDatabase> {
  if (!process.env.DATABASE_URL) {
    const db = await openTestDatabase('pglite');
    return { db, url: null, dispose: () => db.close() };
  }
  const { url, drop } = await freshPostgresSchema();
  const db = openPostgres(url, 10);
  await migrate(db);
  return {
    db,
    url,
    async dispose() {
      await db.close();
      await drop();
    },
  };
}

/** A speech synthesizer that says a tenth of a second of silence: workers' tests are not about voicing clinic names. */
export const silentSpeech: SpeechSynthesizer = {
  speak: async (_text, format) => Buffer.alloc((format.sampleRate / 10) * (format.bitsPerSample / 8) * format.channels),
};
