// Clean-up in the shared test Redis: each test owns a key prefix and removes only that.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

/** Deletes every key under one BullMQ prefix; never touches anyone else's keys. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  return keys.length;
}

/** Two connections to the Redis at `url`, as two processes hold, and a prefix of their own: cleaned and closed after the tests. */
export function useRedisPair(url: string, name: string): { prefix: string; redisA: Redis; redisB: Redis } {
  const prefix = `${name}-${randomBytes(4).toString('hex')}`;
  const redisA = new Redis(url);
  const redisB = new Redis(url);
  afterAll(async () => {
    await deleteKeysUnder(redisA, prefix);
    redisA.disconnect();
    redisB.disconnect();
  });
  return { prefix, redisA, redisB };
}
