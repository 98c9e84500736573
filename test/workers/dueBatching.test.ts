// The due worker's batching: concurrent jobs share one UPDATE, each gets its own answer, and a failed statement
// fails every job of its batch so that BullMQ retries each of them. Real database, real Redis and BullMQ.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDueJobs, addWorkerClinic, insertBookedCallbacks } from '../../bench/support/workerSeed.js';
import { manualClock } from '../../src/clock.js';
import type { Database, Queryable } from '../../src/db/database.js';
import { createBatcher } from '../../src/jobs/batcher.js';
import { createDueBatcher, type MakeDueResult } from '../../src/jobs/makeCallbackDue.js';
import { createLogger } from '../../src/logger.js';
import { silentOutageMonitor } from '../../src/ops/outage.js';
import { dueCallbackLag } from '../../src/ops/metrics.js';
import { jobIds } from '../../src/queue/contract.js';
import { createQueue } from '../../src/queue/jobScheduler.js';
import { callbackDueHandler } from '../../src/jobs/makeCallbackDue.js';
import { startWorker } from '../../workers/shell.js';
import { openTestDatabase, uniqueClinicId } from '../support/database.js';
import { deleteKeysUnder, randomPrefix, REDIS_URL, waitFor } from './support.js';

const NOW = '2027-03-30T09:00:00+02:00';
const nowMs = DateTime.fromISO(NOW).toMillis();
let db: Database;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefixes: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await db?.close();
});

/** The database, counting the statements that mark callbacks due; `failNext` makes the next n of them fail. */
function countingDb(inner: Queryable) {
  const seen = { markDue: 0, failNext: 0 };
  const db: Queryable = {
    async query(sql, params) {
      if (/^\s*UPDATE callbacks c SET status = 'due'/.test(sql)) {
        seen.markDue++;
        if (seen.failNext > 0) {
          seen.failNext--;
          throw new Error('connection terminated unexpectedly');
        }
      }
      return inner.query(sql, params);
    },
    exec: (sql) => inner.exec(sql),
  };
  return { db, seen };
}

const statusesOf = async (ids: string[]) =>
  (await db.query<{ status: string; made_due_at: Date | null }>('SELECT status, made_due_at FROM callbacks WHERE id = ANY($1::uuid[])', [ids])).rows;

describe('the due batcher', () => {
  it('marks callbacks submitted at once in one statement, and answers each its own result', async () => {
    const clock = manualClock(NOW);
    const clinicId = await addWorkerClinic(db, uniqueClinicId('vc-batch'));
    const due = await insertBookedCallbacks(db, clinicId, Array.from({ length: 40 }, (_, i) => nowMs - i * 1000));
    const [later] = await insertBookedCallbacks(db, clinicId, [nowMs + 3_600_000]);
    const [cancelled] = await insertBookedCallbacks(db, clinicId, [nowMs - 60_000]);
    await db.query("UPDATE callbacks SET status = 'cancelled', cancelled_at = $2 WHERE id = $1", [cancelled, NOW]);
    const absent = '00000000-0000-4000-8000-000000000000';
    const { db: counted, seen } = countingDb(db);
    const batcher = createDueBatcher({ db: counted, clock });

    const results = await Promise.all([...due, later!, cancelled!, absent].map((id) => batcher.submit(id)));

    expect(seen.markDue).toBe(1);
    expect(results.slice(0, 40)).toEqual(due.map((): MakeDueResult => ({ result: 'made_due' })));
    expect(results.slice(40).map((r) => (r.result === 'not_yet_due' ? { ...r, dueAt: r.dueAt.toMillis() } : r))).toEqual([
      { result: 'not_yet_due', dueAt: nowMs + 3_600_000 },
      { result: 'nothing_to_do', status: 'cancelled' },
      { result: 'nothing_to_do', status: null },
    ]);
    const rows = await statusesOf(due);
    expect(rows.every((r) => r.status === 'due' && r.made_due_at?.getTime() === nowMs)).toBe(true);
    expect((await statusesOf([later!]))[0]).toEqual({ status: 'booked', made_due_at: null });

    // Submitted again: already due, nothing changes.
    const again = await Promise.all(due.slice(0, 3).map((id) => batcher.submit(id)));
    expect(again).toEqual([0, 1, 2].map(() => ({ result: 'nothing_to_do', status: 'due' })));
  });

  it('observes each made-due callback’s pickup lag to the millisecond (the due time comes back as epoch ms)', async () => {
    const clinicId = await addWorkerClinic(db, uniqueClinicId('vc-lag'));
    const lagsMs = [90_250, 1_001, 7];
    const ids = await insertBookedCallbacks(db, clinicId, lagsMs.map((lag) => nowMs - lag));
    dueCallbackLag.reset();
    const batcher = createDueBatcher({ db, clock: manualClock(NOW) });
    await Promise.all(ids.map((id) => batcher.submit(id)));
    const { values } = await dueCallbackLag.get();
    const of = (name: string, le?: number) => values.find((v) => v.metricName === name && (le === undefined || v.labels.le === le))!.value;
    expect(of('due_callback_lag_seconds_count')).toBe(3);
    expect(of('due_callback_lag_seconds_sum')).toBeCloseTo(91.258, 6);
    expect([of('due_callback_lag_seconds_bucket', 0.1), of('due_callback_lag_seconds_bucket', 1), of('due_callback_lag_seconds_bucket', 2)]).toEqual([1, 1, 2]);
  });

  it('rejects every item of a failed batch with its error, and goes on with the next batch', async () => {
    const error = new Error('connection terminated unexpectedly');
    const calls: number[][] = [];
    const batcher = createBatcher<number, number>(
      async (items) => {
        calls.push(items);
        if (calls.length === 1) throw error;
        return items.map((n) => n * 2);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const first = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(first).toEqual([1, 2, 3].map(() => ({ status: 'rejected', reason: error })));
    await expect(Promise.all([4, 5].map((n) => batcher.submit(n)))).resolves.toEqual([8, 10]);
    expect(calls).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('sends a full batch at once, and holds items while the in-flight limit is reached, sending them together after', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = createBatcher<number, number>(
      async (items) => {
        calls.push(items);
        if (calls.length === 1) await gate;
        return items;
      },
      { maxBatch: 3, maxInFlight: 1 },
    );
    const firstBatch = [1, 2, 3].map((n) => batcher.submit(n));
    // Full: sent synchronously, without waiting for the tick.
    expect(calls).toEqual([[1, 2, 3]]);
    const waiting = [4, 5, 6, 7].map((n) => batcher.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    release();
    await expect(Promise.all([...firstBatch, ...waiting])).resolves.toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });
});

describe('the due worker on BullMQ', () => {
  async function withWorker(db: Queryable, work: (queue: Queue, clock: ReturnType<typeof manualClock>) => Promise<void>) {
    const prefix = randomPrefix('due-batch');
    prefixes.push(prefix);
    const clock = manualClock(NOW);
    const queue = createQueue('callbackDue', redis, prefix);
    const settings = { redisUrl: REDIS_URL, prefix, lockDurationMs: 30_000, logger: createLogger('silent'), redisOutage: silentOutageMonitor('redis') };
    const worker = startWorker('callbackDue', settings, callbackDueHandler({ db, clock }));
    try {
      await work(queue, clock);
    } finally {
      await worker.close();
      await queue.close();
    }
  }

  it('makes 300 due callbacks due, each job completing made_due, and sends a job that came early back to wait', async () => {
    const clinicId = await addWorkerClinic(db, uniqueClinicId('vc-batch'));
    const dueAt = Array.from({ length: 300 }, (_, i) => nowMs - i * 100);
    const ids = await insertBookedCallbacks(db, clinicId, dueAt);
    const [early] = await insertBookedCallbacks(db, clinicId, [nowMs + 3_600_000]);
    const { db: counted, seen } = countingDb(db);
    await withWorker(counted, async (queue) => {
      // Every job runs at once (delay 0 on the real clock); the early one finds its callback not yet due.
      await addDueJobs(queue, [...ids, early!], [...dueAt, nowMs + 3_600_000], Number.POSITIVE_INFINITY);
      await waitFor('300 completed jobs', async () => (await queue.getCompletedCount()) === 300, 60_000);
      const jobs = await Promise.all(ids.map((id) => queue.getJob(jobIds.callbackDue(id, 0))));
      expect(jobs.map((j) => j?.returnvalue)).toEqual(ids.map(() => 'made_due'));
      await waitFor('the early job to wait again', async () => (await queue.getJobState(jobIds.callbackDue(early!, 0))) === 'delayed');
    });
    expect((await statusesOf(ids)).every((r) => r.status === 'due')).toBe(true);
    expect((await statusesOf([early!]))[0]!.status).toBe('booked');
    // Batched: fewer statements than jobs (how many fewer depends on timing, so only that).
    expect(seen.markDue).toBeLessThan(301);
  });

  it('fails every job of a batch whose statement failed, and BullMQ retries each until it is done', async () => {
    const clinicId = await addWorkerClinic(db, uniqueClinicId('vc-batch'));
    const dueAt = Array.from({ length: 20 }, () => nowMs - 1000);
    const ids = await insertBookedCallbacks(db, clinicId, dueAt);
    const { db: failing, seen } = countingDb(db);
    seen.failNext = 1;
    await withWorker(failing, async (queue) => {
      await addDueJobs(queue, ids, dueAt, Number.POSITIVE_INFINITY);
      await waitFor('every job completed', async () => (await queue.getCompletedCount()) === ids.length, 60_000);
      const jobs = await Promise.all(ids.map((id) => queue.getJob(jobIds.callbackDue(id, 0))));
      expect(jobs.map((j) => j?.returnvalue)).toEqual(ids.map(() => 'made_due'));
      // The jobs of the failed statement were retried (a second attempt); none was lost or failed for good.
      const retried = jobs.filter((j) => j!.attemptsMade > 1 || (j!.stacktrace ?? []).length > 0);
      expect(retried.length).toBeGreaterThan(0);
      expect(retried.every((j) => (j!.stacktrace ?? []).some((s) => s.includes('connection terminated unexpectedly')))).toBe(true);
      expect(await queue.getFailedCount()).toBe(0);
    });
    expect((await statusesOf(ids)).every((r) => r.status === 'due')).toBe(true);
  });
});
