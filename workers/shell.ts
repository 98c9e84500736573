// The one BullMQ shell every queue's worker runs in: payload re-validation, permanent vs transient failures, putting a
// job back until its time, giving up after the last attempt, stalled-job settings.
import { DelayedError, UnrecoverableError, Worker, type Processor } from 'bullmq';
import type { z } from 'zod';
import { PermanentJobFailure } from '../src/jobs/failures.js';
import type { JobHandler } from '../src/jobs/handlers.js';
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

/** A handler's answer that puts the job back: its work is not due for this many milliseconds. */
export const isDelay = (outcome: unknown): outcome is { delayMs: number } =>
  typeof outcome === 'object' && outcome !== null && typeof (outcome as { delayMs?: unknown }).delayMs === 'number';

/**
 * One BullMQ worker for a queue of the contract, running `handler` on each job's re-validated payload: a permanent
 * failure fails the job at once, anything else is retried with the queue's backoff; `{ delayMs }` puts the job back
 * until then; a job whose last attempt failed is handed to the handler's giveUp.
 */
export function startWorker<K extends QueueKey>(key: K, settings: WorkerSettings, handler: JobHandler<K>, concurrency: number = QUEUES[key].concurrency): Worker {
  const queue = QUEUES[key];
  const processor: Processor = async (job, token) => {
    const parsed = queue.payload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ${queue.job} payload`);
    const end = jobDuration.startTimer({ queue: queue.name });
    let outcome: unknown;
    try {
      outcome = await handler.handle(parsed.data as z.output<(typeof QUEUES)[K]['payload']>);
    } catch (error) {
      jobFailuresTotal.inc({ queue: queue.name });
      if (error instanceof PermanentJobFailure) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      end();
    }
    if (isDelay(outcome)) {
      await job.moveToDelayed(Date.now() + outcome.delayMs, token);
      throw new DelayedError();
    }
    return outcome;
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
  if (handler.giveUp) {
    const giveUp = handler.giveUp;
    worker.on('failed', (job) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void giveUp(job.data).catch(() => undefined);
    });
  }
  return worker;
}
