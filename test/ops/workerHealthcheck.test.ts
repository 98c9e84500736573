// The worker container's health check (workers/healthcheck.ts) against the real Redis and PostgreSQL.
import { QUEUES } from '../../src/queue/contract.js';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startWorkers } from '../../workers/index.js';
import { deleteKeysUnder, openIsolatedDatabase, randomPrefix, recordingSms, REDIS_URL } from '../workers/support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const prefix = randomPrefix('health');

function healthcheck(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/healthcheck.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, REDIS_URL, BULLMQ_PREFIX: prefix, ...env },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

afterAll(async () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

// The check needs PostgreSQL: a separate worker process refuses the embedded PGlite.
describe.skipIf(!process.env.DATABASE_URL)('worker health check', () => {
  it('is healthy while the workers run, and names the queues without a worker once they stop', async () => {
    const isolated = await openIsolatedDatabase();
    const config = parseConfig({ REDIS_URL, BULLMQ_PREFIX: prefix, LOG_LEVEL: 'silent' });
    const workers = await startWorkers(config, createLogger('silent'), { db: isolated.db, clock: manualClock('2027-03-30T08:00:00+02:00'), sms: recordingSms() });
    try {
      const healthy = await healthcheck({ DATABASE_URL: isolated.url! });
      expect(healthy).toEqual({ code: 0, output: `healthy: workers on all ${Object.keys(QUEUES).length} queues; PostgreSQL answers\n` });
    } finally {
      await workers.close();
    }
    const stopped = await healthcheck({ DATABASE_URL: isolated.url! });
    expect(stopped.code).toBe(1);
    expect(stopped.output).toContain('unhealthy: no worker on this host for queue(s) callback-due, sms, maintenance');
    await isolated.dispose();
  });

  it('is unhealthy when PostgreSQL does not answer, without printing the connection string', async () => {
    const result = await healthcheck({ DATABASE_URL: 'postgres://callback:s3cret-password@127.0.0.1:1/callback' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^unhealthy: PostgreSQL did not answer \(\w+\)\n$/);
    expect(result.output).not.toContain('s3cret');
  });
});
