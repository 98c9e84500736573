// startWorkers' close(): "finishes the jobs in flight, then closes every connection". Counted with Node's
// own list of open TCP handles, in a file of its own so nothing else opens or closes sockets meanwhile.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { openPglite } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { startWorkers } from '../../workers/index.js';
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
    // Sockets close asynchronously after QUIT; give them a moment, bounded.
    await waitFor('the sockets to close', () => openSockets() === before, 3000, 50).catch(() => undefined);
    expect(openSockets()).toBe(before);
  });
});
