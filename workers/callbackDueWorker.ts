// Worker: makes booked callbacks due at their time (see src/jobs/makeCallbackDue.ts). Its jobs hand their
// callback ids to one batcher, so many jobs running at once cost one UPDATE between them; a failed statement
// fails each of its jobs, which BullMQ retries one by one.
import { DelayedError } from 'bullmq';
import type { Clock } from '../src/clock.js';
import type { Queryable } from '../src/db/database.js';
import { createDueBatcher } from '../src/jobs/makeCallbackDue.js';
import { startWorker, type WorkerSettings } from './shell.js';

/** Jobs running at once: enough to fill the batches; each waits only for its statement. */
export const CALLBACK_DUE_CONCURRENCY = 100;

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
