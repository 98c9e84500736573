// Job handler: PostgreSQL is the truth. Re-creates the Redis jobs that booked callbacks and pending SMS
// should have, e.g. after Redis lost its data. Safe to run anywhere, any number of times. Never for a callback
// whose day has ended: it is missed (rule 12), and a due job would only bring yesterday's promise back.
import type { Clock } from '../clock.js';
import { listClinicTimezones, listWaitingCallbacks } from '../db/callbacks.js';
import type { Queryable } from '../db/database.js';
import { listPendingSms } from '../db/smsMessages.js';
import { startOfClinicDay } from '../domain/missedCallback.js';
import type { JobScheduler } from '../queue/jobScheduler.js';

const PAGE = 500;
/** A pending SMS younger than this is probably still on its way through the queue. */
const SMS_GRACE_SECONDS = 60;

export async function reconcile(
  deps: { db: Queryable; jobs: JobScheduler; clock: Clock },
): Promise<{ dueJobsRestored: number; smsJobsRestored: number }> {
  let dueJobsRestored = 0;
  let afterId: string | null = null;
  const now = deps.clock.now();
  const dayStarts = new Map((await listClinicTimezones(deps.db)).map((zone) => [zone, startOfClinicDay(zone, now)]));
  for (;;) {
    const page = await listWaitingCallbacks(deps.db, afterId, PAGE, dayStarts);
    for (const c of page) {
      if (await deps.jobs.ensureDue(c.id, c.attemptCount, c.dueAt)) dueJobsRestored++;
    }
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  let smsJobsRestored = 0;
  const pending = await listPendingSms(deps.db, deps.clock.now().minus({ seconds: SMS_GRACE_SECONDS }), 5000);
  for (const id of pending) {
    if (await deps.jobs.ensureSms(id)) smsJobsRestored++;
  }
  return { dueJobsRestored, smsJobsRestored };
}
