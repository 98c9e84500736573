// startWorkers' close(): "finishes the jobs in flight, then closes every connection". Counted with Node's
// own list of open TCP handles, in a file of its own so nothing else opens or closes sockets meanwhile.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { openPglite } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { insertClinic } from '../../src/db/clinics.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { createBullJobScheduler } from '../../src/queue/jobScheduler.js';
import { createCallbackBookingService } from '../../src/services/callbackBooking.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import type { SmsSender } from '../../src/sms/port.js';
import { startWorkers } from '../../workers/index.js';
import { openTestDatabase, uniqueClinicId } from '../support/database.js';
import { webBooking } from '../support/webBooking.js';
import { deleteKeysUnder, randomPrefix, recordingSms, REDIS_URL, waitFor } from './support.js';

const prefix = randomPrefix('lifecycle');

afterAll(async () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPWrap' || r === 'TCPSocketWrap').length;

describe('closing the workers', () => {
  it('leaves no Redis connection open behind', async () => {
    // PGlite: the database adds no socket of its own.
    const db = await openPglite();
    await migrate(db);
    const before = openSockets();
    const config = parseConfig({ REDIS_URL, BULLMQ_PREFIX: prefix, LOG_LEVEL: 'silent', WORKER_LOCK_DURATION_MS: '2000', RECONCILE_INTERVAL_SECONDS: '5' });
    const workers = await startWorkers(config, createLogger('silent'), { db, clock: manualClock('2027-03-30T08:00:00+02:00'), sms: recordingSms() });
    expect(openSockets()).toBeGreaterThan(before);

    await workers.close();
    await db.close();
    // Sockets close asynchronously after QUIT; wait for them, as long as a busy machine may take (the assertion
    // below names the count if they never do).
    await waitFor('the sockets to close', () => openSockets() === before, 60_000, 50).catch(() => undefined);
    expect(openSockets()).toBe(before);
  });
});

describe('graceful shutdown', () => {
  it('finishes a job in flight before close() resolves (what SIGTERM calls)', async () => {
    const db = await openTestDatabase();
    const clock = manualClock('2027-03-30T08:00:00+02:00');
    const shutdownPrefix = randomPrefix('shutdown');
    const producer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const jobs = createBullJobScheduler({ connection: producer, prefix: shutdownPrefix, clock });
    let started = false;
    let finished = false;
    // The send ends only when the test says so: no timing decides the outcome.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slowSms: SmsSender = {
      async send() {
        started = true;
        await gate;
        finished = true;
        return 'slow-1';
      },
    };
    const config = parseConfig({ REDIS_URL, BULLMQ_PREFIX: shutdownPrefix, LOG_LEVEL: 'silent' });
    const workers = await startWorkers(config, createLogger('silent'), { db, clock, sms: slowSms });
    try {
      const clinicId = uniqueClinicId();
      await insertClinic(db, clinicRules({ id: clinicId, name: 'Test' }));
      const booking = createCallbackBookingService({ db, clock, tokens: createCallbackTokens('x'.repeat(32)), jobs, logger: createLogger('silent') });
      const { callback } = await booking.book(clinicId, webBooking(), null);
      await waitFor('the SMS to be in flight', () => started);
      let finishedWhenClosed: boolean | null = null;
      const closing = workers.close().then(() => {
        finishedWhenClosed = finished;
      });
      // Time for close() to return early, if it would; then let the send finish.
      await new Promise((r) => setTimeout(r, 300));
      release();
      await closing;
      expect(finishedWhenClosed).toBe(true);
      const { rows } = await db.query<{ status: string }>('SELECT status FROM sms_messages WHERE callback_id = $1', [callback.id]);
      expect(rows[0]!.status).toBe('sent');
    } finally {
      await jobs.close();
      await deleteKeysUnder(producer, shutdownPrefix);
      await producer.quit();
      await db.close();
    }
  });
});
