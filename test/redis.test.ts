// Redis is real here: the start-up check passes against it and fails fast, with advice, when it is absent.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { assertRedisReachable, describeRedisUrl, RedisUnavailable } from '../src/queue/redis.js';
import { startWorkers } from '../workers/index.js';
import { openTestDatabase } from './support/database.js';
import { deleteKeysUnder } from './support/redis.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Redis start-up check', () => {
  it('passes against the real Redis', async () => {
    await expect(assertRedisReachable(REDIS_URL)).resolves.toBeUndefined();
  });

  it('fails when nothing listens, saying how to start Redis', async () => {
    const error = await assertRedisReachable('redis://127.0.0.1:1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailable);
    expect((error as Error).message).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 did not answer/);
    expect((error as Error).message).toContain('docker compose up -d redis');
    expect((error as Error).message).toContain('redis-server');
  });

  it('never prints a Redis password', () => {
    expect(describeRedisUrl('redis://:s3cret@redis.example:6379')).toBe('redis://:***@redis.example:6379');
  });
});

describe('worker entry point', () => {
  it('connects to Redis, reconciles, and closes cleanly', async () => {
    const db = await openTestDatabase();
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const config = parseConfig({ REDIS_URL, BULLMQ_PREFIX: prefix, LOG_LEVEL: 'silent' });
    const workers = await startWorkers(config, createLogger('silent'), { db, clock: manualClock('2027-03-30T08:00:00+02:00') });
    await expect(workers.reconcileNow()).resolves.toEqual({ dueJobsRestored: 0, smsJobsRestored: 0 });
    await expect(workers.close()).resolves.toBeUndefined();
    await db.close();
    const redis = new Redis(REDIS_URL);
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });
});
