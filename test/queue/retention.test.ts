// Redis memory stays flat under continuous work: finished jobs and queue events are trimmed.
import { silentOutageMonitor } from '../../src/ops/outage.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { EVENTS_MAX_LEN, JOB_RETENTION, QUEUES } from '../../src/queue/contract.js';
import { createQueue } from '../../src/queue/jobScheduler.js';
import { startWorker } from '../../workers/shell.js';
import { deleteKeysUnder } from '../support/redis.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-${randomBytes(5).toString('hex')}`;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

describe('job retention', () => {
  it('keeps at most 1000 completed jobs and a capped event stream after 3000 jobs', async () => {
    const queue = createQueue('sms', redis, prefix);
    let done = 0;
    const worker = startWorker('sms', { redisUrl: REDIS_URL, prefix, lockDurationMs: 30_000, logger: createLogger('silent'), redisOutage: silentOutageMonitor('redis') }, {
      handle: async () => {
        done++;
      },
    }, 50);
    for (let batch = 0; batch < 3; batch++) {
      await queue.addBulk(Array.from({ length: 1000 }, () => ({ name: QUEUES.sms.job, data: { messageId: randomUUID() } })));
    }
    const deadline = Date.now() + 150_000;
    while (done < 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(3000);
    await worker.close();
    expect(await queue.getCompletedCount()).toBeLessThanOrEqual(JOB_RETENTION.removeOnComplete.count);
    // XADD … MAXLEN ~ trims in whole radix-tree nodes, so allow one node (100 entries) of slack.
    expect(await redis.xlen(`${prefix}:${QUEUES.sms.name}:events`)).toBeLessThanOrEqual(EVENTS_MAX_LEN + 100);
    const jobHashes = (await redis.keys(`${prefix}:${QUEUES.sms.name}:*`)).filter((k) => /:[0-9a-f-]{8,}$|:\d+$/.test(k));
    expect(jobHashes.length).toBeLessThanOrEqual(JOB_RETENTION.removeOnComplete.count + 10);
    await queue.close();
  });
});
