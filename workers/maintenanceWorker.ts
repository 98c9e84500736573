// Worker: runs the repeatable reconciliation of PostgreSQL with Redis (see src/jobs/reconcile.ts).
import type { Clock } from '../src/clock.js';
import type { Queryable } from '../src/db/database.js';
import { reconcile } from '../src/jobs/reconcile.js';
import type { JobScheduler } from '../src/queue/jobScheduler.js';
import { startWorker, type WorkerSettings } from './shell.js';

export function startMaintenanceWorker(settings: WorkerSettings, deps: { db: Queryable; jobs: JobScheduler; clock: Clock }) {
  return startWorker('maintenance', settings, 1, async () => {
    const restored = await reconcile(deps);
    if (restored.dueJobsRestored || restored.smsJobsRestored) settings.logger.warn(restored, 'reconciliation restored missing jobs');
    return restored;
  });
}
