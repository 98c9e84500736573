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
 * with 200 ~50. With 600 (batches of up to 300, DUE_BATCH) bench:worker's real/no-op ratio went from 0.67 to
 * 0.73–0.79 on its 2-core machine, the no-op's own rate unchanged: PostgreSQL's CPU per callback falls with the
 * batch (≈ 38 µs at 50, 28 at 200), and the worker's per-statement work is shared by more jobs. The no-op
 * baseline uses the same concurrency.
 */
export const CALLBACK_DUE_CONCURRENCY = 600;

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
