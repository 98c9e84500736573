// Job handler (repeatable, every few minutes): rule 12, marks missed the open callbacks whose day has ended in
// their clinic's zone. Idempotent by construction: one conditional UPDATE per batch, so a second run, or two
// workers at once, mark nothing twice. Their due jobs need no removal: makeCallbackDue only moves 'booked'.
import type { Clock } from '../clock.js';
import { listClinicTimezones, markMissed } from '../db/callbackSweeps.js';
import type { Queryable } from '../db/database.js';
import { startOfClinicDay } from '../domain/missedCallback.js';

/** Rows per UPDATE: a region's missed day is a few thousand at most; batches keep each statement short. */
const BATCH = 1000;

export async function markMissedCallbacks(deps: { db: Queryable; clock: Clock }): Promise<{ marked: number }> {
  const now = deps.clock.now();
  let marked = 0;
  for (const zone of await listClinicTimezones(deps.db)) {
    const dayStart = startOfClinicDay(zone, now);
    for (;;) {
      const batch = await markMissed(deps.db, zone, now, dayStart, BATCH);
      marked += batch.length;
      if (batch.length < BATCH) break;
    }
  }
  return { marked };
}
