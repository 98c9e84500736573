// A worker process dies (SIGKILL) while an SMS is on its way to the provider: another worker process takes
// the job over once the dead one's lock lapses, finds it recorded as being sent, and (this provider keeps no history
// to ask) re-sends with the same reference, so a provider that deduplicates on the idempotency key sends one SMS.
// 46elks, which does not deduplicate, is asked instead: test/faults/smsExactlyOnce.test.ts. Separate processes need
// PostgreSQL (PGlite is in-process).
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { insertClinic } from '../../src/db/clinics.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { createLogger } from '../../src/logger.js';
import { jobIds, QUEUES } from '../../src/queue/contract.js';
import { createBullJobScheduler, type JobScheduler } from '../../src/queue/jobScheduler.js';
import { createCallbackBookingService } from '../../src/services/callbackBooking.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { uniqueClinicId } from '../support/database.js';
import { webBooking } from '../support/webBooking.js';
import { completedJob, deleteKeysUnder, openIsolatedDatabase, randomPrefix, REDIS_URL, waitFor, type IsolatedDatabase } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HAS_POSTGRES = Boolean(process.env.DATABASE_URL);
const HOLD_FIRST_RESPONSE_MS = 10_000;

interface ProviderRequest {
  idempotencyKey: string | undefined;
  reference: string;
  to: string;
  from: string;
  message: string;
}

/** A fake SMS provider: records every request, holds the first response, deduplicates on the idempotency key. */
function startFakeProvider() {
  const requests: ProviderRequest[] = [];
  const delivered = new Map<string, string>(); // idempotency key → provider message id: one SMS per key
  let signalFirst!: () => void;
  const firstArrived = new Promise<void>((resolve) => (signalFirst = resolve));
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as { reference: string; to: string; from: string; message: string };
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      requests.push({ idempotencyKey, reference: body.reference, to: body.to, from: body.from, message: body.message });
      const key = idempotencyKey ?? body.reference;
      if (!delivered.has(key)) delivered.set(key, `provider-${delivered.size + 1}`);
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: delivered.get(key) }));
      };
      if (requests.length === 1) {
        const timer = setTimeout(answer, HOLD_FIRST_RESPONSE_MS);
        res.on('close', () => clearTimeout(timer)); // the caller died: nobody to answer
        signalFirst();
      } else {
        answer();
      }
    });
  });
  const listening = new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`)),
  );
  return {
    requests,
    delivered,
    firstArrived,
    listening,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const children: ChildProcess[] = [];

function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

describe('a worker process killed while sending an SMS', () => {
  const prefix = randomPrefix('crash');
  let isolated: IsolatedDatabase | undefined;
  let redis: Redis | undefined;
  let jobs: JobScheduler | undefined;
  let smsQueue: Queue | undefined;
  const provider = startFakeProvider();

  beforeAll(async () => {
    if (!HAS_POSTGRES) return;
    // A database of this test's own: a worker reconciles and sends everything pending it finds.
    isolated = await openIsolatedDatabase();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    smsQueue = new Queue(QUEUES.sms.name, { connection: redis, prefix });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await jobs?.close();
    await smsQueue?.close();
    if (redis) {
      await deleteKeysUnder(redis, prefix);
      await redis.quit();
    }
    await provider.close();
    await isolated?.dispose();
  });

  it.skipIf(!HAS_POSTGRES)(
    'the second worker re-sends with the same reference; the row ends sent once, the provider sends one SMS, the callback is untouched',
    async () => {
      const db = isolated!.db;
      const providerUrl = await provider.listening;
      const clock = manualClock('2027-03-30T08:00:00+02:00');
      jobs = createBullJobScheduler({ connection: redis!, prefix, clock });
      const booking = createCallbackBookingService({
        db,
        clock,
        tokens: createCallbackTokens('crash-test-secret-crash-test-secret!!'),
        jobs,
        logger: createLogger('silent'),
      });
      const clinicId = uniqueClinicId('vc-crash');
      await insertClinic(db, clinicRules({ id: clinicId, name: 'Vårdcentralen Arboga' }));
      const { callback } = await booking.book(clinicId, webBooking(), null);
      const smsId = (await db.query<{ id: string }>('SELECT id FROM sms_messages WHERE callback_id = $1', [callback.id])).rows[0]!.id;
      expect(await (await smsQueue!.getJob(jobIds.sms(smsId)))?.getState()).toBe('waiting');
      const callbackBefore = (await db.query<any>('SELECT * FROM callbacks WHERE id = $1', [callback.id])).rows[0];

      const env = {
        DATABASE_URL: isolated!.url!,
        REDIS_URL,
        BULLMQ_PREFIX: prefix,
        SMS_PROVIDER: 'http',
        SMS_HTTP_URL: providerUrl,
        WORKER_LOCK_DURATION_MS: '2000',
        LOG_LEVEL: 'warn',
      };
      const first = startWorkerProcess(env);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        provider.firstArrived,
        first.exited.then(() => Promise.reject(new Error(`the first worker exited:\n${first.output()}`))),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no SMS request within 150 s:\n${first.output()}`)), 150_000))),
      ]).finally(() => clearTimeout(timer));
      first.child.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const killedAt = Date.now();
      // Died between the provider call and the database update: the message is recorded as being sent.
      expect((await db.query('SELECT status, attempts FROM sms_messages WHERE id = $1', [smsId])).rows[0]).toEqual({
        status: 'sending',
        attempts: 1,
      });
      expect(await (await smsQueue!.getJob(jobIds.sms(smsId)))?.getState()).toBe('active'); // held by a dead worker

      const second = startWorkerProcess(env);
      // As long as the first worker may take to start on a busy machine (tsx compiling it), and then some.
      await waitFor('the second worker to re-send', () => provider.requests.length >= 2, 150_000, 100).catch((error: Error) => {
        throw new Error(`${error.message}\nsecond worker's output:\n${second.output()}`);
      });
      const resentAfterMs = Date.now() - killedAt;
      const job = await completedJob(smsQueue!, jobIds.sms(smsId));
      expect(job.returnvalue).toBe('sent');
      expect(job.stalledCounter).toBe(1); // recovered by the stalled-job check, not by reconciliation

      // Both requests carried the message id as reference and idempotency key: one SMS for the provider.
      expect(provider.requests).toHaveLength(2);
      for (const r of provider.requests) {
        expect(r).toMatchObject({ idempotencyKey: smsId, reference: smsId, to: '+46701234567', from: 'Vardcentral' });
        expect(r.message).toMatch(/^Vårdcentralen Arboga ringer dig tisdag 30 mars mellan 08:15 och 08:30\. Avboka: /);
      }
      expect(new Set(provider.requests.map((r) => r.reference)).size).toBe(1);
      expect([...provider.delivered.keys()]).toEqual([smsId]);

      const { rows: messages } = await db.query<any>('SELECT * FROM sms_messages WHERE callback_id = $1', [callback.id]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ id: smsId, status: 'sent', attempts: 2, provider_message_id: 'provider-1', last_error: null });
      expect((await db.query('SELECT * FROM callbacks WHERE id = $1', [callback.id])).rows[0]).toEqual(callbackBefore);
      expect(callbackBefore).toMatchObject({ status: 'booked', attempt_count: 0 });
      expect(DateTime.fromJSDate(callbackBefore.due_at).toUTC().toISO()).toBe('2027-03-30T06:15:00.000Z');

      // The survivor shuts down cleanly on SIGTERM.
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      console.info(`re-sent ${resentAfterMs} ms after the first worker was killed`);
    },
    // Two worker processes started one after the other, each allowed 150 s above: a hang, not a busy machine,
    // should end the test (90 s would not cover two starts of the 30-50 s an app's start took on a busy CI machine).
    420_000,
  );
});
