// Job handler: PostgreSQL is the truth. Re-creates the Redis jobs that booked callbacks and pending SMS
// should have, e.g. after Redis lost its data. Safe to run anywhere, any number of times. Never for a callback
// whose day has ended: it is missed (rule 12), and a due job would only bring yesterday's promise back.
//
// Three things keep it cheap and quiet (issue 11):
// - pipelined: each page of callbacks is checked in one Redis round trip (JobScheduler.ensureDueMany), and those found
//   missing a job are read again before it is added (one made due meanwhile needs none);
// - a grace period: a callback scheduled (booked, moved, booked again for a retry) less than
//   DUE_GRACE_SECONDS ago is left alone, because the API adds its job just after committing; restoring it
//   would race that add and log a false "restored missing jobs";
// - incremental: the repeatable job (createReconciler) reads only the callbacks scheduled since its last pass,
//   and every `fullEvery`-th pass all of them. A pass at start-up, the watchdog's after a Redis flush, and
//   reconcile() itself are full: lost jobs of callbacks booked long ago are found there.
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { databaseNow, listClinicTimezones, listWaitingCallbacks, stillWaiting, type WaitingCursor } from '../db/callbackSweeps.js';
import type { Queryable } from '../db/database.js';
import { listPendingSms } from '../db/smsMessages.js';
import { startOfClinicDay } from '../domain/missedCallback.js';
import type { DueJobRef, JobScheduler } from '../queue/jobScheduler.js';
import type { Logger } from '../logger.js';
import type { SpeechSynthesizer } from '../telephony/speech.js';
import type { WavFormat } from '../telephony/wav.js';
import { makeClinicNameClips } from './clinicNameClips.js';

const PAGE = 1000;
/** A pending SMS younger than this is probably still on its way through the queue. */
const SMS_GRACE_SECONDS = 60;
/** A callback scheduled less than this ago probably has its due job on the way (the API adds it after commit). */
export const DUE_GRACE_SECONDS = 60;
/**
 * The repeatable job's full pass: every 3rd (with the default 30 s interval, every 90 s). A full pass is a keyset walk
 * of the booked index checked a page per Redis round trip (~0.3 s of CPU for 50,000 booked), so a job lost long after
 * its booking waits at most ~90 s to be restored rather than 5 minutes.
 */
export const FULL_PASS_EVERY = 3;

type Deps = { db: Queryable; jobs: JobScheduler; clock: Clock };
export type ReconcileResult = { dueJobsRestored: number; smsJobsRestored: number };

/**
 * Of the callbacks found missing their due job, those still waiting for it, with their due time as it is now. Their
 * page was read before the jobs were checked: one made due meanwhile (its job run and removed) misses nothing, and
 * one moved meanwhile (its job being replaced by the API, with the new time) is past the grace edge again. Read
 * again, so that neither a busy due worker nor a move makes a false "restored missing jobs", or a job at the old time.
 */
export const stillMissingIn =
  (db: Queryable, window: { to: DateTime; dayStarts: ReadonlyMap<string, DateTime> }) =>
  async (missing: readonly DueJobRef[]): Promise<DueJobRef[]> => {
    const waiting = await stillWaiting(db, missing, window.to, window.dayStarts);
    return missing.flatMap((c) => {
      const dueAt = waiting.get(`${c.callbackId}/${c.attemptCount}`);
      return dueAt ? [{ ...c, dueAt }] : [];
    });
  };

async function ensureDueJobs(
  db: Queryable,
  jobs: JobScheduler,
  page: readonly DueJobRef[],
  window: { to: DateTime; dayStarts: ReadonlyMap<string, DateTime> },
): Promise<number> {
  if (jobs.ensureDueMany) return (await jobs.ensureDueMany(page, stillMissingIn(db, window))).length;
  let restored = 0;
  for (const c of page) if (await jobs.ensureDue(c.callbackId, c.attemptCount, c.dueAt)) restored++;
  return restored;
}

/**
 * The due jobs of callbacks scheduled after `from` (null: ever) and no later than `to`. The grace period is
 * `to`: the caller's clock less DUE_GRACE_SECONDS, compared with scheduled_at on the database's clock (as the
 * SMS grace compares created_at): on a test's manual clock ahead of real time, nothing waits.
 */
async function reconcileDue(deps: Deps, window: { from: DateTime | null; to: DateTime }): Promise<number> {
  const now = deps.clock.now();
  const dayStarts = new Map((await listClinicTimezones(deps.db)).map((zone) => [zone, startOfClinicDay(zone, now)]));
  let restored = 0;
  let cursor: WaitingCursor | null = null;
  do {
    const page = await listWaitingCallbacks(deps.db, { ...window, cursor }, PAGE, dayStarts);
    restored += await ensureDueJobs(
      deps.db,
      deps.jobs,
      page.callbacks.map((c) => ({ callbackId: c.id, attemptCount: c.attemptCount, dueAt: c.dueAt })),
      { to: window.to, dayStarts },
    );
    cursor = page.cursor;
  } while (cursor);
  return restored;
}

async function reconcileSms(deps: Deps): Promise<number> {
  let restored = 0;
  const pending = await listPendingSms(deps.db, deps.clock.now().minus({ seconds: SMS_GRACE_SECONDS }), 5000);
  for (const id of pending) {
    if (await deps.jobs.ensureSms(id)) restored++;
  }
  return restored;
}

/** A full pass: every booked callback scheduled before the grace period, and every pending SMS. */
export async function reconcile(deps: Deps): Promise<ReconcileResult> {
  const dueJobsRestored = await reconcileDue(deps, { from: null, to: deps.clock.now().minus({ seconds: DUE_GRACE_SECONDS }) });
  return { dueJobsRestored, smsJobsRestored: await reconcileSms(deps) };
}

/**
 * The repeatable job's reconciliation: incremental passes (the callbacks scheduled since the last pass's grace
 * edge), a full pass first and every `fullEvery`-th time. Its state is this process's own: another worker
 * process starts with a full pass of its own.
 */
export function createReconciler(deps: Deps, options: { fullEvery: number } = { fullEvery: FULL_PASS_EVERY }) {
  let since: DateTime | null = null;
  let passes = 0;
  return {
    async run(): Promise<ReconcileResult & { full: boolean }> {
      const full = since === null || passes % options.fullEvery === 0;
      const databaseAt = await databaseNow(deps.db);
      const to = deps.clock.now().minus({ seconds: DUE_GRACE_SECONDS });
      const dueJobsRestored = await reconcileDue(deps, { from: full ? null : since, to });
      // Everything scheduled up to here has now been checked. On the database's clock, since scheduled_at is:
      // the earlier of the two edges, so a clock behind the database's skips nothing.
      const edge = databaseAt.minus({ seconds: DUE_GRACE_SECONDS });
      since = edge < to ? edge : to;
      passes++;
      return { dueJobsRestored, smsJobsRestored: await reconcileSms(deps), full };
    },
  };
}

/**
 * The maintenance queue's handler: a reconciliation pass (incremental, a full one every few), then the voicing of
 * clinics created or renamed since (src/jobs/clinicNameClips.ts). Says once, not every pass, that names cannot be voiced.
 */
export function maintenanceHandler(deps: Deps & { speech: SpeechSynthesizer; clipFormat: WavFormat; logger: Logger }) {
  const reconciler = createReconciler(deps);
  let toldUnavailable = false;
  return {
    async handle() {
      const restored = await reconciler.run();
      if (restored.dueJobsRestored || restored.smsJobsRestored) deps.logger.warn(restored, 'reconciliation restored missing jobs');
      const names = await makeClinicNameClips({ db: deps.db, speech: deps.speech, format: deps.clipFormat });
      if (names.unavailable && !toldUnavailable) {
        deps.logger.warn({ reason: names.unavailable }, 'clinic names cannot be voiced; the phone line greets callers without the clinic name');
      }
      toldUnavailable = names.unavailable !== null;
      return { ...restored, clinicNamesVoiced: names.made };
    },
  };
}
