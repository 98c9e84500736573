// Queue depths for the metrics: how many jobs wait, are delayed, run or failed in each queue, read from Redis.
import type { Redis } from 'ioredis';
import { QUEUES, type QueueKey } from './contract.js';
import { createQueue } from './jobScheduler.js';

const STATES = ['wait', 'delayed', 'active', 'failed', 'prioritized'] as const;

export function createQueueDepthReader(connection: Redis, prefix: string) {
  const queues = (Object.keys(QUEUES) as QueueKey[]).map((key) => createQueue(key, connection, prefix));
  return {
    async read(): Promise<{ queue: string; state: string; count: number }[]> {
      const all = await Promise.all(
        queues.map(async (q) => {
          const counts = await q.getJobCounts(...STATES);
          return STATES.map((state) => ({ queue: q.name, state, count: counts[state] ?? 0 }));
        }),
      );
      return all.flat();
    },
    close: () => Promise.all(queues.map((q) => q.close())).then(() => undefined),
  };
}
