// Worker: makes booked callbacks due at their time (see src/jobs/makeCallbackDue.ts).
import { DelayedError } from 'bullmq';
import type { Clock } from '../src/clock.js';
import type { Queryable } from '../src/db/database.js';
import { makeCallbackDue } from '../src/jobs/makeCallbackDue.js';
import { startWorker, type WorkerSettings } from './shell.js';

export function startCallbackDueWorker(settings: WorkerSettings, deps: { db: Queryable; clock: Clock }) {
  return startWorker('callbackDue', settings, 20, async (payload, job, token) => {
    const outcome = await makeCallbackDue(deps, payload);
    if (outcome.result === 'not_yet_due') {
      const waitMs = Math.max(0, outcome.dueAt.toMillis() - deps.clock.now().toMillis());
      await job.moveToDelayed(Date.now() + waitMs, token);
      throw new DelayedError();
    }
    return outcome.result;
  });
}
