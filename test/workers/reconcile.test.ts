// Reconciliation against real Redis (BullMQ) and a real database: which due jobs it restores. The grace period
// leaves a callback the API has just committed (its job about to be added) alone, without a warning; older
// ones, moved ones and those whose job finished are handled as before; incremental passes see what was
// scheduled since the last pass, and the full pass everything.
import { Writable } from 'node:stream';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDueJobs, addWorkerClinic, insertBookedCallbacks } from '../../bench/support/workerSeed.js';
import { manualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { createReconciler, DUE_GRACE_SECONDS, reconcile, stillMissingIn } from '../../src/jobs/reconcile.js';
import { createLogger } from '../../src/logger.js';
import { silentOutageMonitor } from '../../src/ops/outage.js';
import { jobIds, QUEUES } from '../../src/queue/contract.js';
import { createBullJobScheduler, createQueue } from '../../src/queue/jobScheduler.js';
import { redisOptionsFromUrl } from '../../src/queue/redis.js';
import { maintenanceHandler } from '../../src/jobs/reconcile.js';
import { startWorker } from '../../workers/shell.js';
import { deleteKeysUnder, openIsolatedDatabase, randomPrefix, REDIS_URL, silentSpeech, waitFor, type IsolatedDatabase } from './support.js';
import { uniqueClinicId } from '../support/database.js';
import { databaseNow, listClinicTimezones } from '../../src/db/callbackSweeps.js';
import { startOfClinicDay } from '../../src/domain/missedCallback.js';
import { clipSetIn } from '../../src/telephony/clips.js';

let isolated: IsolatedDatabase;
let db: Database;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefixes: string[] = [];

beforeAll(async () => {
  // Reconciliation reads every booked callback: a database of this file's own.
  isolated = await openIsolatedDatabase();
  db = isolated.db;
});
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await isolated?.dispose();
});

/** A clock at the real now: the grace is measured against scheduled_at, stamped by the database's clock. */
const realNowClock = () => manualClock(DateTime.now());
const inTwoHours = (minute = 0) => Date.now() + 2 * 3600_000 + minute * 60_000;

async function setup() {
  const prefix = randomPrefix('reconcile');
  prefixes.push(prefix);
  const clock = realNowClock();
  const jobs = createBullJobScheduler({ connection: redis, prefix, clock });
  const queue = createQueue('callbackDue', redis, prefix);
  const clinicId = await addWorkerClinic(db, uniqueClinicId('vc-reconcile'));
  return { prefix, clock, jobs, queue, clinicId, state: (id: string, attempt = 0) => queue.getJobState(jobIds.callbackDue(id, attempt)) };
}

/** Stands a callback's scheduling back in time (as if booked that long ago). */
const scheduledAgo = (id: string, seconds: number) =>
  db.query(`UPDATE callbacks SET scheduled_at = now() - make_interval(secs => $2) WHERE id = $1`, [id, seconds]);

async function withoutOthers(run: () => Promise<void>) {
  // Each test's callbacks are its own, but reconciliation sees the whole database: finish the others' first.
  await db.query("UPDATE callbacks SET status = 'cancelled', cancelled_at = now() WHERE status = 'booked'");
  await run();
}

describe('the grace period', () => {
  it('leaves a callback committed just now without its job alone, and restores one older than the grace', async () => {
    await withoutOthers(async () => {
      const s = await setup();
      const [fresh, old] = await insertBookedCallbacks(db, s.clinicId, [inTwoHours(), inTwoHours()]);
      await scheduledAgo(old!, DUE_GRACE_SECONDS + 5);

      expect(await reconcile({ db, jobs: s.jobs, clock: s.clock })).toEqual({ dueJobsRestored: 1, smsJobsRestored: 0 });
      expect(await s.state(fresh!)).toBe('unknown');
      expect(await s.state(old!)).toBe('delayed');

      // Past the grace (on the clock), the fresh one is restored too, had the API never added its job.
      s.clock.set(DateTime.now().plus({ seconds: DUE_GRACE_SECONDS + 1 }));
      expect(await reconcile({ db, jobs: s.jobs, clock: s.clock })).toEqual({ dueJobsRestored: 1, smsJobsRestored: 0 });
      expect(await s.state(fresh!)).toBe('delayed');
      await s.jobs.close();
      await s.queue.close();
    });
  });

  it('counts a moved slot or a retry round as newly scheduled: within the grace again', async () => {
    await withoutOthers(async () => {
      const s = await setup();
      const [moved, retried] = await insertBookedCallbacks(db, s.clinicId, [inTwoHours(), inTwoHours()]);
      await scheduledAgo(moved!, 600);
      await scheduledAgo(retried!, 600);
      await db.query(`UPDATE callbacks SET due_at = due_at + interval '1 hour', slot_start = slot_start + interval '1 hour' WHERE id = $1`, [moved]);
      await db.query(`UPDATE callbacks SET attempt_count = attempt_count + 1 WHERE id = $1`, [retried]);

      expect((await reconcile({ db, jobs: s.jobs, clock: s.clock })).dueJobsRestored).toBe(0);
      s.clock.set(DateTime.now().plus({ seconds: DUE_GRACE_SECONDS + 1 }));
      expect((await reconcile({ db, jobs: s.jobs, clock: s.clock })).dueJobsRestored).toBe(2);
      expect(await s.state(moved!)).toBe('delayed');
      expect(await s.state(retried!, 1)).toBe('delayed');
      await s.jobs.close();
      await s.queue.close();
    });
  });

  it('the maintenance worker warns "restored missing jobs" for an old booking, never for one still within the grace', async () => {
    await withoutOthers(async () => {
      const s = await setup();
      const lines: string[] = [];
      const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
      const settings = { redisUrl: REDIS_URL, prefix: s.prefix, lockDurationMs: 30_000, logger, redisOutage: silentOutageMonitor('redis') };
      const worker = startWorker('maintenance', settings, maintenanceHandler({ db, jobs: s.jobs, clock: s.clock, speech: silentSpeech, clipFormat: clipSetIn().format, logger }));
      const maintenance = createQueue('maintenance', redis, s.prefix);
      const runOnce = async (n: number) => {
        await maintenance.add(QUEUES.maintenance.job, {}, { jobId: `pass-${n}` });
        await waitFor(`reconciliation pass ${n}`, async () => (await maintenance.getJobState(`pass-${n}`)) === 'completed');
        return (await maintenance.getJob(`pass-${n}`))!.returnvalue;
      };
      const warnings = () => lines.filter((l) => l.includes('restored missing jobs')).map((l) => JSON.parse(l).dueJobsRestored);
      try {
        // An old booking whose job Redis lost, and one the API committed just now, its job not added yet.
        const [old, fresh] = await insertBookedCallbacks(db, s.clinicId, [inTwoHours(), inTwoHours()]);
        await scheduledAgo(old!, 600);
        expect(await runOnce(1)).toMatchObject({ dueJobsRestored: 1, full: true });
        expect(warnings()).toEqual([1]);
        expect(await s.state(old!)).toBe('delayed');
        expect(await s.state(fresh!)).toBe('unknown');

        // The API's add-after-commit arrives: nothing for reconciliation to do, then or later, and no warning.
        await addDueJobs(s.queue, [fresh!], [inTwoHours()]);
        s.clock.set(DateTime.now().plus({ seconds: DUE_GRACE_SECONDS + 1 }));
        expect(await runOnce(2)).toMatchObject({ dueJobsRestored: 0, full: false });
        expect(warnings()).toEqual([1]);
      } finally {
        await worker.close();
        await maintenance.close();
        await s.jobs.close();
        await s.queue.close();
      }
    });
  });
});

describe('incremental passes', () => {
  it('check what was scheduled since the last pass; by default every third pass checks everything', async () => {
    await withoutOthers(async () => {
      const s = await setup();
      const reconciler = createReconciler({ db, jobs: s.jobs, clock: s.clock });
      const [a] = await insertBookedCallbacks(db, s.clinicId, [inTwoHours()]);
      await scheduledAgo(a!, 600);
      expect(await reconciler.run()).toMatchObject({ dueJobsRestored: 1, full: true });

      // Redis loses a's job (booked long ago); b is booked now and the API never adds its job.
      await s.queue.remove(jobIds.callbackDue(a!, 0));
      const [b] = await insertBookedCallbacks(db, s.clinicId, [inTwoHours()]);
      s.clock.set(DateTime.now().plus({ seconds: DUE_GRACE_SECONDS + 1 }));
      // Incremental: b, scheduled since the last pass, is restored; a is not looked at.
      expect(await reconciler.run()).toMatchObject({ dueJobsRestored: 1, full: false });
      expect(await s.state(b!)).toBe('delayed');
      expect(await s.state(a!)).toBe('unknown');
      expect(await reconciler.run()).toMatchObject({ dueJobsRestored: 0, full: false });
      // The third pass after the full one is full again: a's job is back.
      expect(await reconciler.run()).toMatchObject({ dueJobsRestored: 1, full: true });
      expect(await s.state(a!)).toBe('delayed');
      await s.jobs.close();
      await s.queue.close();
    });
  });
});

describe('the pipelined check', () => {
  it('leaves waiting and delayed jobs alone, re-creates missing ones and replaces finished ones', async () => {
    await withoutOthers(async () => {
      const s = await setup();
      const [delayed, missing, finished, waiting] = (await insertBookedCallbacks(db, s.clinicId, [1, 2, 3, 4].map(inTwoHours))) as [string, string, string, string];
      // A finished job kept for inspection (its callback booked again meanwhile, say) does not count as pending.
      await addDueJobs(s.queue, [finished], [Date.now()]);
      const worker = new Worker(QUEUES.callbackDue.name, async () => 'done', { connection: redisOptionsFromUrl(REDIS_URL), prefix: s.prefix });
      await waitFor('the job to finish', async () => (await s.state(finished)) === 'completed');
      await worker.close();
      await addDueJobs(s.queue, [delayed, waiting], [inTwoHours(), Date.now()]);
      expect(await s.state(waiting)).toBe('waiting');

      const all = [delayed, missing, finished, waiting];
      const restored = await s.jobs.ensureDueMany!(all.map((id) => ({ callbackId: id, attemptCount: 0, dueAt: DateTime.fromMillis(inTwoHours()) })));
      expect(restored.sort()).toEqual([missing, finished].sort());
      expect(await Promise.all(all.map((id) => s.state(id)))).toEqual(['delayed', 'delayed', 'delayed', 'waiting']);
      await s.jobs.close();
      await s.queue.close();
    });
  });

  it('does not re-create the job of a callback made due, moved or retried after its page was read', async () => {
    await withoutOthers(async () => {
      const s = await setup();
      const [madeDue, stillBooked, retried, moved] = (await insertBookedCallbacks(db, s.clinicId, [1, 2, 3, 4].map(inTwoHours))) as [string, string, string, string];
      // The pass's grace edge, after these were scheduled; then, before the jobs are checked: the due worker makes one
      // due (its job run and removed), one goes on to its next attempt, and one is moved (the API replaces its job).
      const window = { to: await databaseNow(db), dayStarts: new Map((await listClinicTimezones(db)).map((zone) => [zone, startOfClinicDay(zone, s.clock.now())])) };
      await db.query("UPDATE callbacks SET status = 'due', made_due_at = now() WHERE id = $1", [madeDue]);
      await db.query('UPDATE callbacks SET attempt_count = 1 WHERE id = $1', [retried]);
      await db.query("UPDATE callbacks SET due_at = due_at + interval '1 hour' WHERE id = $1", [moved]);
      const refs = [madeDue, stillBooked, retried, moved].map((id) => ({ callbackId: id, attemptCount: 0, dueAt: DateTime.fromMillis(inTwoHours()) }));
      expect(await s.jobs.ensureDueMany!(refs, stillMissingIn(db, window))).toEqual([stillBooked]);
      expect(await Promise.all([madeDue, stillBooked, retried, moved].map((id) => s.state(id)))).toEqual(['unknown', 'delayed', 'unknown', 'unknown']);
      await s.jobs.close();
      await s.queue.close();
    });
  });
});
