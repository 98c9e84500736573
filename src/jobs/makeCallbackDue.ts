// Job handler: a booked callback's due time has come; put it in the nurses' queue. Idempotent: a second run,
// or a run for a cancelled or already claimed callback, changes nothing.
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { findCallback, markDue } from '../db/callbacks.js';
import type { Queryable } from '../db/database.js';
import { dueCallbackLag } from '../ops/metrics.js';

export type MakeDueResult =
  | { result: 'made_due' }
  | { result: 'nothing_to_do'; status: string | null }
  /** The job ran before the callback's due time (clocks, or a moved slot): run again then. */
  | { result: 'not_yet_due'; dueAt: DateTime };

/** Jobs may fire a little early across machines' clocks; within this margin the callback counts as due. */
const EARLY_MARGIN_MS = 1000;

export async function makeCallbackDue(deps: { db: Queryable; clock: Clock }, payload: { callbackId: string }): Promise<MakeDueResult> {
  const now = deps.clock.now();
  const made = await markDue(deps.db, payload.callbackId, now.plus({ milliseconds: EARLY_MARGIN_MS }));
  if (made) {
    dueCallbackLag.observe(Math.max(0, now.toMillis() - made.dueAt.toMillis()) / 1000);
    return { result: 'made_due' };
  }
  const callback = await findCallback(deps.db, payload.callbackId);
  if (callback?.status === 'booked' && callback.dueAt > now) return { result: 'not_yet_due', dueAt: callback.dueAt };
  return { result: 'nothing_to_do', status: callback?.status ?? null };
}
