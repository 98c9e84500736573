// Worker: makes booked callbacks due at their time (see src/jobs/makeCallbackDue.ts). Its jobs hand their
// callback ids to one batcher, so many jobs running at once cost one UPDATE between them; a failed statement
// fails each of its jobs, which BullMQ retries one by one.
import { DelayedError } from 'bullmq';
import type { Clock } from '../src/clock.js';
import type { Queryable } from '../src/db/database.js';
import { createDueBatcher } from '../src/jobs/makeCallbackDue.js';
import { startWorker, type WorkerSettings } from './shell.js';

/**
 * Jobs running at once. Each job mostly waits for its batch's statement, so more jobs in flight make larger
 * batches (fewer statements per callback) rather than more load: with 100, batches averaged ~30 callbacks,
 * with 300 ~80 (measured with bench:worker's set-up on a busy 2-core machine). The no-op baseline uses the same.
 */
export const CALLBACK_DUE_CONCURRENCY = 200;

export function startCallbackDueWorker(settings: WorkerSettings, deps: { db: Queryable; clock: Clock }) {
  const batcher = createDueBatcher(deps);
  return startWorker('callbackDue', settings, CALLBACK_DUE_CONCURRENCY, async (payload, job, token) => {
    const outcome = await batcher.submit(payload.callbackId);
    if (outcome.result === 'not_yet_due') {
      const waitMs = Math.max(0, outcome.dueAt.toMillis() - deps.clock.now().toMillis());
      await job.moveToDelayed(Date.now() + waitMs, token);
      throw new DelayedError();
    }
    return outcome.result;
  });
}
