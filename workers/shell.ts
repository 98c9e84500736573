// What every worker shares: payload re-validation, permanent vs transient failures, stalled-job settings.
import { UnrecoverableError, Worker, type Job, type Processor } from 'bullmq';
import type { z } from 'zod';
import { PermanentJobFailure } from '../src/jobs/failures.js';
import type { Logger } from '../src/logger.js';
import { jobDuration, jobFailuresTotal } from '../src/ops/metrics.js';
import { isRedisUnreachable, type OutageMonitor } from '../src/ops/outage.js';
import { QUEUES, type QueueKey } from '../src/queue/contract.js';
import { redisOptionsFromUrl } from '../src/queue/redis.js';

export interface WorkerSettings {
  redisUrl: string;
  prefix: string;
  /**
   * How long a job's lock lasts without renewal. A worker renews it every lockDuration/2 while the job runs;
   * if the process dies (SIGKILL, power loss), the lock lapses and the stalled check (every lockDuration)
   * moves the job back to waiting for another worker. maxStalledCount 2 tolerates two such deaths per job.
   */
  lockDurationMs: number;
  logger: Logger;
  /** Shared by every worker of the process: one log line per Redis outage, not one per worker and retry. */
  redisOutage: OutageMonitor;
}

export function startWorker<K extends QueueKey>(
  key: K,
  settings: WorkerSettings,
  concurrency: number,
  handle: (payload: z.output<(typeof QUEUES)[K]['payload']>, job: Job, token: string | undefined) => Promise<unknown>,
): Worker {
  const queue = QUEUES[key];
  const processor: Processor = async (job, token) => {
    const parsed = queue.payload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ${queue.job} payload`);
    const end = jobDuration.startTimer({ queue: queue.name });
    try {
      return await handle(parsed.data as z.output<(typeof QUEUES)[K]['payload']>, job, token);
    } catch (error) {
      jobFailuresTotal.inc({ queue: queue.name });
      if (error instanceof PermanentJobFailure) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      end();
    }
  };
  const worker = new Worker(queue.name, processor, {
    // Options, not an instance: BullMQ then owns the connections and closes them with the worker.
    connection: redisOptionsFromUrl(settings.redisUrl),
    prefix: settings.prefix,
    concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.lockDurationMs,
    maxStalledCount: 2,
  });
  // Job ids only: payloads and error messages may hold patient data.
  worker.on('failed', (job, error) =>
    settings.logger.warn({ queue: queue.name, jobId: job?.id, attempts: job?.attemptsMade, err: { type: error?.name } }, 'job failed'),
  );
  // Connection errors repeat on every reconnect attempt: the one Redis outage monitor logs them once.
  worker.on('error', (error) => {
    if (isRedisUnreachable(error)) settings.redisOutage.failed(error);
    else settings.logger.error({ queue: queue.name, err: { type: error?.name } }, 'worker error');
  });
  return worker;
}
