// The workers on real BullMQ and Redis, fed by the real HTTP API: due jobs, retries, SMS, and recovery after
// Redis lost its data. The API and the workers share one manual clock and one BullMQ prefix; job delays are
// computed from the manual clock (dueAt − now) and then run in real time.
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { insertSms } from '../../src/db/smsMessages.js';
import { createLogger } from '../../src/logger.js';
import { jobIds, QUEUES, RECONCILE_SCHEDULER_ID, schedules, type QueueKey } from '../../src/queue/contract.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { completedJob, deleteKeysUnder, openIsolatedDatabase, recordingSms, REDIS_URL, waitFor, type IsolatedDatabase } from './support.js';

// Tuesday after Easter 2027, summer time (+02:00).
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';

let isolated: IsolatedDatabase;
let server: TestServer;
let workers: RunningWorkers;
let inspector: Redis;
let dueQueue: Queue;
let smsQueue: Queue;
let maintenanceQueue: Queue;
const sms = recordingSms();

beforeAll(async () => {
  isolated = await openIsolatedDatabase();
  server = await startTestServer(isolated.db, TUESDAY_0800);
  const config = parseConfig({
    REDIS_URL,
    BULLMQ_PREFIX: server.queuePrefix,
    LOG_LEVEL: 'silent',
    WORKER_LOCK_DURATION_MS: '2000',
    RECONCILE_INTERVAL_SECONDS: '5',
    MEASURE_REFRESH_SECONDS: '5',
  });
  workers = await startWorkers(config, createLogger(config.logLevel), { db: isolated.db, clock: server.clock, sms });
  inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = (name: string) => new Queue(name, { connection: inspector, prefix: server.queuePrefix });
  dueQueue = queue(QUEUES.callbackDue.name);
  smsQueue = queue(QUEUES.sms.name);
  maintenanceQueue = queue(QUEUES.maintenance.name);
});

afterAll(async () => {
  await workers?.close();
  await Promise.all([dueQueue?.close(), smsQueue?.close(), maintenanceQueue?.close()]);
  await server?.close(); // deletes the keys under its prefix
  if (inspector && server) await deleteKeysUnder(inspector, server.queuePrefix); // in case a worker wrote one while closing
  await inspector?.quit();
  await isolated?.dispose();
});

const book = (clinicId: string, slotStart?: string, phone = '070-123 45 67') =>
  server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone, ...(slotStart ? { slotStart } : {}) } });

const statusOf = async (id: string) =>
  (await server.db.query<{ status: string }>('SELECT status FROM callbacks WHERE id = $1', [id])).rows[0]?.status;

const smsIdOf = async (callbackId: string, kind: 'booking_confirmation' | 'unreachable') =>
  (await server.db.query<{ id: string }>('SELECT id FROM sms_messages WHERE callback_id = $1 AND kind = $2', [callbackId, kind])).rows[0]?.id;

const dueJob = (callbackId: string, attempt: number) => dueQueue.getJob(jobIds.callbackDue(callbackId, attempt));

const sentTo = (reference: string) => sms.sent.filter((m) => m.reference === reference);

/** Before a test makes the fake provider fail once: no other message may be on its way to take that failure. */
const noSmsPending = () =>
  waitFor('earlier tests’ SMS to be done', async () => {
    const { rows } = await server.db.query("SELECT 1 FROM sms_messages WHERE status = 'pending'");
    return rows.length === 0;
  });

describe('the due worker', () => {
  it('makes a booked callback due at its slot start, not before', async () => {
    server.clock.set('2027-03-30T08:59:58+02:00');
    const clinicId = await server.addClinic({ minNoticeMinutes: 0 });
    const res = await book(clinicId, '2027-03-30T09:00:00+02:00');
    expect(res.status).toBe(201);
    const id: string = res.body.id;

    const job = (await dueJob(id, 0))!;
    expect(job).toBeDefined();
    expect(job.data).toEqual({ callbackId: id });
    expect(job.delay).toBe(2000); // 09:00:00 − 08:59:58 on the manual clock
    // Delayed until its 2 s have run out in real time (a busy machine may take that long to get here).
    const askedAt = Date.now();
    const state = await job.getState();
    if (askedAt < job.timestamp + 2000) expect(state).toBe('delayed');
    expect(await statusOf(id)).toBe('booked');

    server.clock.advance({ seconds: 2 });
    await waitFor("the callback to become 'due'", async () => (await statusOf(id)) === 'due', 60_000);
    // Not before the delay ran out in real time.
    expect(Date.now()).toBeGreaterThanOrEqual(job.timestamp + 2000);
    expect((await completedJob(dueQueue, jobIds.callbackDue(id, 0))).returnvalue).toBe('made_due');
  });

  it('puts a job that fires before the due time (clocks apart) back to wait, and makes the callback due later', async () => {
    server.clock.set('2027-03-30T09:29:58+02:00');
    const clinicId = await server.addClinic({ minNoticeMinutes: 0 });
    const id: string = (await book(clinicId, '2027-03-30T09:30:00+02:00')).body.id;

    // The clock stands still: after 2 s of real time the job runs, finds 09:29:58 < 09:30 and waits 2 s more.
    const rerun = await waitFor(
      'the job to have run once and gone back to delayed',
      async () => {
        if ((await dueQueue.getJobState(jobIds.callbackDue(id, 0))) !== 'delayed') return undefined;
        const job = await dueJob(id, 0);
        return job?.processedOn ? job : undefined;
      },
      60_000,
    );
    // The job's own `delay` field is BullMQ's bookkeeping and is not reliably updated by moveToDelayed;
    // what matters is that it ran, went back to waiting, and left the callback booked.
    expect(rerun.processedOn).toBeGreaterThan(0);
    expect(await statusOf(id)).toBe('booked');

    server.clock.advance({ seconds: 2 });
    await waitFor("the callback to become 'due'", async () => (await statusOf(id)) === 'due', 60_000);
    expect((await completedJob(dueQueue, jobIds.callbackDue(id, 0))).returnvalue).toBe('made_due');
  });

  it('removes the delayed due job when the patient cancels, and reconciliation does not bring it back', async () => {
    server.clock.set('2027-03-30T09:00:00+02:00');
    const clinicId = await server.addClinic();
    const booked = await book(clinicId, '2027-03-30T14:00:00+02:00');
    const id: string = booked.body.id;
    const job = (await dueJob(id, 0))!;
    expect(await job.getState()).toBe('delayed');
    expect(job.delay).toBe(5 * 3600 * 1000);

    const cancelled = await server.request('DELETE', `/api/callbacks/${id}`, { headers: { 'X-Callback-Token': booked.body.token } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await dueJob(id, 0)).toBeUndefined();

    await workers.reconcileNow();
    expect(await dueJob(id, 0)).toBeUndefined();
    expect(await statusOf(id)).toBe('cancelled');
  });
});

describe('no answer, retries and unreachable', () => {
  it('schedules round 1 after the retry delay, and after maxAttempts marks the callback unreachable with one SMS', async () => {
    server.clock.set('2027-03-30T10:59:58+02:00');
    const clinicId = await server.addClinic({ minNoticeMinutes: 0, maxAttempts: 2 }); // retryDelayMinutes: 10 (default)
    const nurse = { Authorization: await server.addStaff('nurse', [clinicId]) };
    const id: string = (await book(clinicId, '2027-03-30T11:00:00+02:00')).body.id;
    server.clock.advance({ seconds: 2 });
    await waitFor("the callback to become 'due'", async () => (await statusOf(id)) === 'due', 60_000);

    const claim = () => server.request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: nurse });
    const noAnswer = () => server.request('POST', `/api/staff/callbacks/${id}/attempts`, { headers: nurse, body: { outcome: 'no_answer' } });

    expect((await claim()).body.id).toBe(id);
    const first = await noAnswer();
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ callbackStatus: 'booked', next: { kind: 'retry', dueAt: '2027-03-30T11:10:00+02:00' } });

    const retry = (await dueJob(id, 1))!;
    expect(retry).toBeDefined();
    expect(await retry.getState()).toBe('delayed');
    expect(retry.delay).toBe(10 * 60 * 1000); // 11:10 − 11:00 on the manual clock
    expect(retry.data).toEqual({ callbackId: id });

    // Ten minutes pass: move the clock and promote the delayed job, standing in for ten real minutes.
    server.clock.advance({ minutes: 10 });
    await retry.promote();
    await waitFor("the retried callback to become 'due' again", async () => (await statusOf(id)) === 'due', 60_000);

    expect((await claim()).body.id).toBe(id);
    const second = await noAnswer();
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ callbackStatus: 'unreachable', next: { kind: 'unreachable', reason: 'max_attempts' } });
    expect(await dueJob(id, 2)).toBeUndefined();

    const unreachableId = (await smsIdOf(id, 'unreachable'))!;
    expect(unreachableId).toBeDefined();
    await waitFor('the unreachable SMS to be sent', () => sentTo(unreachableId).length > 0, 60_000);
    await waitFor("its row to be 'sent'", async () => {
      const { rows } = await server.db.query<{ status: string }>('SELECT status FROM sms_messages WHERE id = $1', [unreachableId]);
      return rows[0]?.status === 'sent';
    });
    await workers.reconcileNow(); // nothing pending: nothing is sent again
    expect(sentTo(unreachableId)).toEqual([
      {
        to: '+46701234567',
        text: expect.stringMatching(/^Test clinic vc-test-[0-9a-f]+ har försökt ringa dig men inte nått dig\. Behöver du fortfarande kontakt, boka en ny tid: http/),
        reference: unreachableId,
      },
    ]);
    expect(sms.sent.filter((m) => m.text.includes('har försökt ringa dig') && m.text.startsWith(`Test clinic ${clinicId} `))).toHaveLength(1);
    expect(await statusOf(id)).toBe('unreachable');
  });
});

describe('the SMS worker', () => {
  it('delivers the booking confirmation to the provider exactly once per booking, even when its job runs again', async () => {
    server.clock.set('2027-03-30T09:00:00+02:00');
    const clinicId = await server.addClinic();
    const phones = ['070-111 11 11', '070-222 22 22', '070-333 33 33'];
    const ids: string[] = [];
    for (const phone of phones) ids.push((await book(clinicId, undefined, phone)).body.id);
    const smsIds = await Promise.all(ids.map(async (id) => (await smsIdOf(id, 'booking_confirmation'))!));

    await waitFor('three confirmations', () => smsIds.every((ref) => sentTo(ref).length > 0), 60_000);
    await waitFor("their rows to be 'sent'", async () => {
      const { rows } = await server.db.query<{ status: string }>("SELECT status FROM sms_messages WHERE id = ANY($1) AND status = 'sent'", [smsIds]);
      return rows.length === 3;
    });
    expect(smsIds.map((ref) => sentTo(ref).map((m) => m.to))).toEqual([['+46701111111'], ['+46702222222'], ['+46703333333']]);
    // At 09:00 with 5 minutes' notice: 09:15 twice (capacity 2), then 09:30.
    expect(smsIds.map((ref) => sentTo(ref)[0]!.text.match(/mellan \d\d:\d\d och \d\d:\d\d/)![0])).toEqual([
      'mellan 09:15 och 09:30',
      'mellan 09:15 och 09:30',
      'mellan 09:30 och 09:45',
    ]);
    expect(sentTo(smsIds[0]!)[0]!.text).toContain(`Test clinic ${clinicId} ringer dig tisdag 30 mars`);

    const completed = () => Promise.all(smsIds.map((ref) => completedJob(smsQueue, jobIds.sms(ref))));
    await completed();

    // The same jobs delivered again (as after a lost acknowledgement): they run, and send nothing.
    for (const ref of smsIds) expect(await server.jobs.ensureSms(ref)).toBe(true);
    const reruns = await completed();
    expect(reruns.map((j) => j.returnvalue)).toEqual(['already_done', 'already_done', 'already_done']);
    expect(smsIds.map((ref) => sentTo(ref).length)).toEqual([1, 1, 1]);
  });
});

describe('the SMS worker giving up', () => {
  it('marks the message failed once BullMQ has used up the job’s attempts, counting only the attempts made', async () => {
    server.clock.set('2027-03-30T09:00:00+02:00');
    const clinicId = await server.addClinic();
    const id: string = (await book(clinicId, '2027-03-30T15:00:00+02:00')).body.id;
    const confirmation = (await smsIdOf(id, 'booking_confirmation'))!;
    await waitFor('the confirmation to be sent', () => sentTo(confirmation).length > 0);
    // On a clock at the real "now" reconciliation leaves a message younger than a minute alone, so the
    // job added below (one attempt instead of six, to not wait minutes of backoff) is the only one.
    server.clock.set(DateTime.utc());
    await noSmsPending();
    const messageId = (await insertSms(server.db, id, 'unreachable'))!;
    sms.failNextWith(new Error('SMS provider unavailable (HTTP 503)'));
    await smsQueue.add(QUEUES.sms.job, { messageId }, { jobId: jobIds.sms(messageId), attempts: 1 });

    const row = await waitFor("the message to be 'failed'", async () => {
      const { rows } = await server.db.query<any>('SELECT status, attempts, sent_at FROM sms_messages WHERE id = $1', [messageId]);
      return rows[0]?.status === 'failed' ? rows[0] : undefined;
    });
    expect(sentTo(messageId)).toEqual([]);
    const job = (await smsQueue.getJob(jobIds.sms(messageId)))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    // One send was attempted; giving up is not another attempt.
    expect(row).toEqual({ status: 'failed', attempts: 1, sent_at: null });
  });
});

describe('when Redis lost its data', () => {
  // Simulates FLUSHALL / a Redis restart without persistence by deleting every key under this file's own
  // prefix only: the shared Redis (database 0) is never flushed.
  it('restores every booked callback’s due job and sends a pending SMS whose job was lost, within 60 s', async () => {
    server.clock.set('2027-03-30T09:00:00+02:00');
    const clinicId = await server.addClinic();
    const slots = ['13:00', '13:15', '13:30', '14:00'].map((t) => `2027-03-30T${t}:00+02:00`);
    await noSmsPending();
    // The first send meets a provider outage: that confirmation stays 'sending' (the provider may have it), its job
    // waiting 10 s to retry.
    sms.failNextWith(new Error('SMS provider unavailable (HTTP 503)'));
    const ids: string[] = [];
    for (const [i, slot] of slots.entries()) ids.push((await book(clinicId, slot, `070-444 44 4${i}`)).body.id);
    const smsIds = await Promise.all(ids.map(async (id) => (await smsIdOf(id, 'booking_confirmation'))!));

    const delays = await Promise.all(ids.map(async (id) => (await dueJob(id, 0))?.delay));
    expect(delays).toEqual([4, 4.25, 4.5, 5].map((h) => h * 3600 * 1000));
    const failed = await waitFor('one confirmation to fail transiently and the other three to be sent', async () => {
      const { rows } = await server.db.query<{ id: string; status: string; attempts: number }>(
        'SELECT id, status, attempts FROM sms_messages WHERE id = ANY($1)',
        [smsIds],
      );
      const pending = rows.filter((r) => r.status === 'sending' && r.attempts === 1);
      return pending.length === 1 && rows.filter((r) => r.status === 'sent').length === 3 ? pending[0]!.id : undefined;
    });
    await waitFor('its job to back off (delayed)', async () => (await smsQueue.getJobState(jobIds.sms(failed))) === 'delayed');

    // What is lost: every key under the prefix, the due jobs among them. Checked before, not after, the delete:
    // the running workers write keys of their own at any moment (stalled checks, repeatable jobs), so "no keys
    // left" afterwards would race them.
    const lost = await inspector.keys(`${server.queuePrefix}:*`);
    for (const id of ids) expect(lost).toContain(`${server.queuePrefix}:${QUEUES.callbackDue.name}:${jobIds.callbackDue(id, 0)}`);
    const deleted = await deleteKeysUnder(inspector, server.queuePrefix);
    expect(deleted).toBeGreaterThan(0);
    const lostAt = Date.now();

    const restored = await waitFor(
      'every due job to be back',
      async () => {
        const jobs = await Promise.all(ids.map((id) => dueJob(id, 0)));
        return jobs.every(Boolean) ? (jobs as Job[]) : undefined;
      },
      60_000,
      250,
    );
    const restoredAfterMs = Date.now() - lostAt;
    expect(await Promise.all(restored.map((j) => j.getState()))).toEqual(['delayed', 'delayed', 'delayed', 'delayed']);
    // Same manual clock, same due times: the same delays as before.
    expect(restored.map((j) => j.delay)).toEqual(delays);
    expect(await maintenanceQueue.getJobScheduler(RECONCILE_SCHEDULER_ID)).toBeTruthy();
    await waitFor('every repeatable job to be back', async () => {
      const found = await Promise.all(trackerSchedules().map((x) => trackerScheduler(x.queue, x.id)));
      return found.every(Boolean) || undefined;
    });

    await waitFor('the lost SMS to be sent', () => sentTo(failed).length > 0, 60_000, 250);
    expect(smsIds.map((ref) => sentTo(ref).length)).toEqual([1, 1, 1, 1]);
    // The watchdog checks every 2.5 s (half the 5 s interval); report how long it took.
    console.info(`due jobs restored ${restoredAfterMs} ms after the keys were deleted`);
  });

});

describe('the tracker’s repeatable jobs', () => {
  it('produces the month before’s national file when a worker starts after the 1st', async () => {
    // The workers started on Tuesday 30 March 2027 with no file for February.
    const { rows } = await isolated.db.query<any>('SELECT month FROM national_reports ORDER BY month');
    expect(rows.map((r) => r.month)).toEqual(['2027-02']);
  });

  it('schedules the tracker’s jobs in Swedish time and folds new bookings into the report rollups', async () => {
    const found = await Promise.all(trackerSchedules().map((x) => trackerScheduler(x.queue, x.id)));
    expect(found.map((f) => [f?.key, f?.pattern ?? null, f?.tz ?? null, f?.every ?? null])).toEqual([
      ['refresh-measures', null, null, 5000],
      ['national-report', '0 3 1 * *', 'Europe/Stockholm', null],
      ['guarantee-summary', '0 7 * * *', 'Europe/Stockholm', null],
      ['mark-missed', null, null, 300_000],
    ]);
    server.clock.set(TUESDAY_0800);
    const clinicId = await server.addClinic();
    const booked = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } });
    expect(booked.status).toBe(201);
    // No report is read: only the repeatable refresh job can consume the booking's change marker.
    await waitFor('the refresh job to classify the booking', async () => {
      const { rows } = await isolated.db.query<any>('SELECT same_day FROM callback_measures WHERE callback_id = $1', [booked.body.id]);
      return rows[0]?.same_day;
    }, 60_000, 250);
    expect((await isolated.db.query<any>('SELECT count(*)::int AS n FROM measure_changes')).rows[0].n).toBe(0);
  });
});

function trackerSchedules() {
  return schedules({ reconcileSeconds: 5, measureRefreshSeconds: 5, summaryAt: '07:00' }).filter((x) => x.queue !== 'maintenance');
}

async function trackerScheduler(key: QueueKey, id: string) {
  const q = new Queue(QUEUES[key].name, { connection: inspector, prefix: server.queuePrefix });
  try {
    return await q.getJobScheduler(id);
  } finally {
    await q.close();
  }
}
