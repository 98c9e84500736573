// The worker container's health check: this host has a live BullMQ worker on every queue, and PostgreSQL answers.
// Exit 0 healthy, 1 not, with one line saying why (Docker keeps the line in `docker inspect`).
// A worker connection exists only while the worker process runs and is connected to Redis, so this checks the
// worker itself, not just its dependencies. Matched by this host's address as Redis sees it: in a container
// that is the container; on a machine running several worker processes, any one of them counts.
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { openPostgres } from '../src/db/database.js';
import { QUEUES } from '../src/queue/contract.js';
import { createQueue } from '../src/queue/jobScheduler.js';

const TIMEOUT_MS = 5000;

async function check(): Promise<string> {
  const config = parseConfig();
  if (config.database.kind !== 'postgres') throw new ConfigError('a worker process needs DATABASE_URL (PostgreSQL)');
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: TIMEOUT_MS, retryStrategy: () => null });
  redis.on('error', () => undefined);
  const db = openPostgres(config.database.url, 1);
  try {
    await step('PostgreSQL did not answer', () => db.query('SELECT 1'));
    // CLIENT INFO: "id=… addr=172.18.0.5:41234 …"; the host part is how Redis sees this container.
    const info = String(await step('Redis did not answer', () => redis.call('CLIENT', 'INFO')));
    const ownHost = hostOf(/(?:^|\s)addr=(\S+)/.exec(info)?.[1]);
    const missing: string[] = [];
    for (const key of Object.keys(QUEUES) as (keyof typeof QUEUES)[]) {
      const queue = createQueue(key, redis, config.queuePrefix);
      const workers = await queue.getWorkers();
      await queue.close();
      if (!workers.some((w) => hostOf(w.addr) === ownHost)) missing.push(QUEUES[key].name);
    }
    if (missing.length) throw new Error(`no worker on this host for queue(s) ${missing.join(', ')}`);
    return `healthy: workers on all ${Object.keys(QUEUES).length} queues; PostgreSQL answers`;
  } finally {
    redis.disconnect();
    await db.close();
  }
}

/** Labels a failure with the dependency, keeping only its code: messages may carry a URL with a password. */
async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const e = error as { code?: string; name?: string };
    throw new Error(`${label} (${e.code ?? e.name ?? 'error'})`);
  }
}

/** "172.18.0.5:41234" → "172.18.0.5"; "[::1]:41234" → "[::1]". */
function hostOf(addr: string | undefined): string | undefined {
  return addr?.slice(0, addr.lastIndexOf(':'));
}

const timer = setTimeout(() => {
  console.log(`unhealthy: no answer within ${TIMEOUT_MS} ms`);
  process.exit(1);
}, TIMEOUT_MS * 2);
check().then(
  (line) => {
    console.log(line);
    clearTimeout(timer);
    process.exit(0);
  },
  (error: unknown) => {
    console.log(`unhealthy: ${(error as Error).message}`);
    process.exit(1);
  },
);
