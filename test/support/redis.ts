// Clean-up in the shared test Redis: each test owns a key prefix and removes only that.
import type { Redis } from 'ioredis';

/** Deletes every key under one BullMQ prefix; never touches anyone else's keys. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  return keys.length;
}
