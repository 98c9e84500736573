// Job handler: a booked callback's due time has come; put it in the nurses' queue. Idempotent: a second run,
// or a run for a cancelled or already claimed callback, changes nothing. The worker hands many callbacks at
// once to makeCallbacksDue (through a batcher): one UPDATE for all of them, since a round trip per callback
// was what limited the worker (issue 11).
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { findDueStates, markDueMany } from '../db/queueClaims.js';
import type { Queryable } from '../db/database.js';
import { dueCallbackLag } from '../ops/metrics.js';
import { createBatcher, type Batcher } from './batcher.js';

export type MakeDueResult =
  | { result: 'made_due' }
  | { result: 'nothing_to_do'; status: string | null }
  /** The job ran before the callback's due time (clocks, or a moved slot): run again then. */
  | { result: 'not_yet_due'; dueAt: DateTime };

/** Jobs may fire a little early across machines' clocks; within this margin the callback counts as due. */
const EARLY_MARGIN_MS = 1000;

/**
 * Makes due every callback among `callbackIds` whose time has come, in one statement (a second one reads the
 * rest, which is rare: a job is normally late, not early); one result per id, in order.
 */
export async function makeCallbacksDue(deps: { db: Queryable; clock: Clock }, callbackIds: readonly string[]): Promise<MakeDueResult[]> {
  // Epoch ms, not luxon: its plus() and toISO() on every batch were ≈ 3 % of the worker's CPU in bench:worker.
  const now = deps.clock.now();
  const nowMs = now.toMillis();
  const made = new Map((await markDueMany(deps.db, callbackIds, nowMs + EARLY_MARGIN_MS, nowMs)).map((m) => [m.id, m.dueAtMs]));
  for (const dueAtMs of made.values()) dueCallbackLag.observe(Math.max(0, nowMs - dueAtMs) / 1000);
  const rest = callbackIds.filter((id) => !made.has(id));
  const states = rest.length > 0 ? await findDueStates(deps.db, rest) : new Map();
  // The same callback twice in one batch (two jobs at once): only the first made it due.
  const answered = new Set<string>();
  return callbackIds.map((id): MakeDueResult => {
    const first = !answered.has(id);
    answered.add(id);
    if (made.has(id) && first) return { result: 'made_due' };
    if (made.has(id)) return { result: 'nothing_to_do', status: 'due' };
    const state = states.get(id);
    if (state?.status === 'booked' && state.dueAt > now) return { result: 'not_yet_due', dueAt: state.dueAt };
    return { result: 'nothing_to_do', status: state?.status ?? null };
  });
}

export async function makeCallbackDue(deps: { db: Queryable; clock: Clock }, payload: { callbackId: string }): Promise<MakeDueResult> {
  return (await makeCallbacksDue(deps, [payload.callbackId]))[0]!;
}

/**
 * How the due worker batches: up to 300 callbacks per statement, at most two statements at a time, so that the
 * worker's 600 jobs in flight (CALLBACK_DUE_CONCURRENCY, src/queue/contract.ts) fill the two.
 */
export const DUE_BATCH = { maxBatch: 300, maxInFlight: 2 } as const;

/** One per worker: its concurrent jobs' callbacks are made due together. */
export function createDueBatcher(deps: { db: Queryable; clock: Clock }, options = DUE_BATCH): Batcher<string, MakeDueResult> {
  return createBatcher((ids: string[]) => makeCallbacksDue(deps, ids), options);
}

/** The due queue's handler: one batcher per worker process; a callback not due yet puts its job back until it is. */
export function callbackDueHandler(deps: { db: Queryable; clock: Clock }) {
  const batcher = createDueBatcher(deps);
  return {
    async handle(payload: { callbackId: string }): Promise<string | { delayMs: number }> {
      const outcome = await batcher.submit(payload.callbackId);
      if (outcome.result !== 'not_yet_due') return outcome.result;
      return { delayMs: Math.max(0, outcome.dueAt.toMillis() - deps.clock.now().toMillis()) };
    },
  };
}
