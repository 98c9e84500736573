// Every patient gets their confirmation SMS exactly once through 46elks (which keeps no idempotency key), though a
// worker process is killed (SIGKILL) while a send is out at 46elks and PostgreSQL is stopped just after 46elks
// accepted another: the sends are recorded before 46elks is asked, and the retries find those in 46elks' history
// instead of sending them again. Worker processes of their own, on a PostgreSQL of this test's own and a fake 46elks.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { insertClinic } from '../../src/db/clinics.js';
import { openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { createLogger } from '../../src/logger.js';
import { createBullJobScheduler, type JobScheduler } from '../../src/queue/jobScheduler.js';
import { createCallbackBookingService } from '../../src/services/callbackBooking.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { FAKE_ELKS_PASSWORD, FAKE_ELKS_USERNAME, startFakeElks, type ElksRequest, type FakeElks } from '../support/fakeElks.js';
import { missingBinaries, startPrivatePostgres, type PrivateService } from '../support/privateServices.js';
import { deleteKeysUnder, randomPrefix, REDIS_URL, waitFor } from '../workers/support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const missing = missingBinaries();
const PATIENTS = 30;
/** The sends the faults strike: the worker is killed while the 5th is out, PostgreSQL stops once the 20th is accepted. */
const KILL_AT = 5;
const STOP_AT = 20;

let pg: PrivateService | undefined;
let db: Database | undefined;
let fake: FakeElks | undefined;
let redis: Redis | undefined;
let jobs: JobScheduler | undefined;
const prefix = randomPrefix('sms-once');
const children: ChildProcess[] = [];

function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], { cwd: ROOT, env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return { child, exited, output: () => output };
}

beforeAll(async () => {
  if (missing) return;
  pg = await startPrivatePostgres();
  db = openPostgres(pg.url, 4);
  await migrate(db);
  fake = await startFakeElks();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await jobs?.close();
  if (redis) {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  }
  await fake?.close();
  await db?.close().catch(() => undefined);
  await pg?.dispose();
});

describe('confirmation SMS through 46elks while a worker is killed and PostgreSQL stops', () => {
  it.skipIf(Boolean(missing))(
    `reach every patient exactly once${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      const clock = manualClock('2027-03-30T07:00:00+02:00');
      jobs = createBullJobScheduler({ connection: redis!, prefix, clock });
      const booking = createCallbackBookingService({ db: db!, clock, tokens: createCallbackTokens('sms-once-secret-sms-once-secret-sms!'), jobs, logger: createLogger('silent') });
      await insertClinic(db!, clinicRules({ id: 'vc-sms-once', name: 'Vårdcentralen Arboga', capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 100 }] }));
      const phones = Array.from({ length: PATIENTS }, (_, i) => `+4670${String(2_000_000 + i)}`);
      for (const phone of phones) {
        await booking.book('vc-sms-once', { phoneE164: phone, personalIdentityNumber: null, patientName: null, reason: null, channel: 'web', slotStart: null }, null);
      }

      // The faults, struck from inside 46elks at the moment a message is accepted (before its answer goes back).
      let accepted = 0;
      let releaseKilled!: () => void;
      const killedSendReleased = new Promise<void>((resolve) => (releaseKilled = resolve));
      let sendOutAtKill: ElksRequest | undefined;
      let stoppedAt: number | undefined;
      fake!.onAccepted = async (request) => {
        accepted += 1;
        if (accepted === KILL_AT) {
          sendOutAtKill = request;
          // Held until the worker that sent it is dead: its answer then reaches nobody.
          await killedSendReleased;
        } else if (accepted === STOP_AT) {
          // 46elks has it; the worker is about to record it, and PostgreSQL goes away.
          await pg!.stop('immediate');
          stoppedAt = Date.now();
        }
      };

      const env = {
        DATABASE_URL: pg!.url,
        REDIS_URL,
        BULLMQ_PREFIX: prefix,
        SMS_PROVIDER: '46elks',
        ELKS_API_URL: fake!.apiUrl,
        ELKS_API_USERNAME: FAKE_ELKS_USERNAME,
        ELKS_API_PASSWORD: FAKE_ELKS_PASSWORD,
        // A killed worker's job is taken over after 2 s, not 30.
        WORKER_LOCK_DURATION_MS: '2000',
        LOG_LEVEL: 'warn',
      };
      const first = startWorkerProcess(env);
      await waitFor('the 5th send to be out at 46elks', () => sendOutAtKill !== undefined, 150_000, 100).catch((error: Error) => {
        throw new Error(`${error.message}\nworker:\n${first.output()}`);
      });
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      releaseKilled();

      const second = startWorkerProcess(env);
      await waitFor('PostgreSQL to be stopped after the 20th was accepted', () => stoppedAt !== undefined, 150_000, 100).catch((error: Error) => {
        throw new Error(`${error.message}\nworker:\n${second.output()}`);
      });
      // Seconds without a database while the worker goes on trying (and its jobs back off).
      await waitFor('five seconds of outage', () => Date.now() - stoppedAt! >= 5_000, 30_000, 200);
      await pg!.start();

      const statuses = () => db!.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM sms_messages GROUP BY status ORDER BY status');
      await waitFor(
        'every confirmation to be sent',
        async () => {
          const rows = (await statuses().catch(() => ({ rows: [] }))).rows;
          return rows.length === 1 && rows[0]!.status === 'sent' && rows[0]!.n === PATIENTS;
        },
        240_000,
        500,
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify((await statuses().catch(() => ({ rows: [] }))).rows)}\nworker:\n${second.output()}`);
      });

      // What 46elks sent: one message to every patient, none twice.
      const perPhone = new Map<string, number>();
      for (const r of fake!.sms) if (r.id) perPhone.set(r.fields.to!, (perPhone.get(r.fields.to!) ?? 0) + 1);
      expect([...perPhone.keys()].sort()).toEqual([...phones].sort());
      expect([...perPhone.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      // The two struck sends were found in 46elks' history, not sent again.
      const provider = await db!.query<{ provider_message_id: string }>(
        `SELECT m.provider_message_id FROM sms_messages m JOIN callbacks c ON c.id = m.callback_id WHERE c.phone_e164 = $1`,
        [sendOutAtKill!.fields.to],
      );
      expect(provider.rows).toEqual([{ provider_message_id: sendOutAtKill!.id }]);
      expect(fake!.historyQueries.length).toBeGreaterThanOrEqual(2);

      second.child.kill('SIGTERM');
      await second.exited;
    },
    480_000,
  );
});
