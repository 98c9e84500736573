// Redis connections for BullMQ, and the start-up check that fails fast with a useful message.
import { Redis, type RedisOptions } from 'ioredis';
import { silentOutageMonitor, type OutageMonitor } from '../ops/outage.js';

export class RedisUnavailable extends Error {}

/** The URL without its password, safe to print. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/**
 * Workers block on Redis and must retry forever (maxRetriesPerRequest: null, as BullMQ requires);
 * the API's connection fails fast instead, so an outage becomes a quick 503 rather than a hang.
 */
export function createRedisConnection(url: string, role: 'worker' | 'api', outage: OutageMonitor = silentOutageMonitor('redis')): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  const redis = new Redis(url, options);
  // Without a listener ioredis prints every reconnect failure as a multi-line stack trace. Instead: one JSON
  // line when Redis goes away and one when it is back (the requests in between fail fast or wait).
  redis.on('error', (error) => outage.failed(error));
  redis.on('ready', () => outage.succeeded());
  return redis;
}

/**
 * Connection options from a redis:// URL, for BullMQ classes that should open (and close) their own
 * connections: a Worker needs a blocking connection of its own and only closes connections it created.
 */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export async function assertRedisReachable(url: string, timeoutMs = 2000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = (error as { code?: string; message?: string }).code ?? (error as Error).message;
    throw new RedisUnavailable(
      `Redis at ${describeRedisUrl(url)} did not answer (${reason}).\n` +
        'Start one with `docker compose up -d redis` or `redis-server`, or point REDIS_URL at a running Redis.',
    );
  } finally {
    probe.disconnect();
  }
}

/** Resolves once the connection is ready (commands would otherwise fail fast without an offline queue). */
export function waitUntilReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisUnavailable('Redis did not become ready in time.')), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
