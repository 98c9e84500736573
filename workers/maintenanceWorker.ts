// Worker: runs the repeatable reconciliation of PostgreSQL with Redis (see src/jobs/reconcile.ts): incremental
// passes, a full one every few, each leaving alone what the API scheduled within the grace period.
import type { Clock } from '../src/clock.js';
import type { Queryable } from '../src/db/database.js';
import { createReconciler } from '../src/jobs/reconcile.js';
import type { JobScheduler } from '../src/queue/jobScheduler.js';
import { startWorker, type WorkerSettings } from './shell.js';

export function startMaintenanceWorker(settings: WorkerSettings, deps: { db: Queryable; jobs: JobScheduler; clock: Clock }) {
  const reconciler = createReconciler(deps);
  return startWorker('maintenance', settings, 1, async () => {
    const restored = await reconciler.run();
    if (restored.dueJobsRestored || restored.smsJobsRestored) settings.logger.warn(restored, 'reconciliation restored missing jobs');
    return restored;
  });
}
