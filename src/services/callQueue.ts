// The nurses' call queue: list, claim, renew, release, log attempts, record outcomes. Every read of patient
// data is written to the audit trail.
import { randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { insertAttempt, listAttempts, type CallAttempt } from '../db/callAttempts.js';
import { findOutcome, upsertOutcome } from '../db/callbackOutcomes.js';
import { claimCallback, claimNext, listOpenQueue, recordAttemptResult, releaseClaim, renewClaim } from '../db/queueClaims.js';
import { findCallback, lockCallback, type StoredCallback } from '../db/callbacks.js';
import { findClinicRules } from '../db/clinics.js';
import type { Database, Queryable } from '../db/database.js';
import { insertSms } from '../db/smsMessages.js';
import { afterAttempt, callTimeProblem, reachedAt, type AfterAttempt, type CallOutcome } from '../domain/callAttempt.js';
import { outcomeProblems, type CallbackOutcome, type RecordedOutcome } from '../domain/callbackOutcome.js';
import { compareQueueEntries, queueState, type QueueState } from '../domain/callQueue.js';
import { startOfClinicDay } from '../domain/missedCallback.js';
import { endOfLocalDate, localDate } from '../domain/schedule.js';
import { CallbackNotFound, ClinicNotFound, NotClaimable, NotClaimed, NotReached, ValidationFailed, type FieldIssue } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobScheduler } from '../queue/jobScheduler.js';
import { createAfterCommit } from './afterCommit.js';
import { applyOutcomeToCase } from './guaranteeCases.js';
import { createMissedCallbackService, type MissedCallbackService } from './missedCallbacks.js';
import { authorize, type StaffMember } from './staffAuth.js';

const QUEUE_ROLES = ['nurse', 'admin'] as const;

export interface QueueEntry {
  state: QueueState;
  callback: StoredCallback;
}

export interface AttemptInput {
  startedAt: DateTime | null;
  endedAt: DateTime | null;
  outcome: CallOutcome;
  note: string | null;
}

export interface ConcludedAttempt {
  attempt: CallAttempt;
  callback: StoredCallback;
  next: AfterAttempt;
}

/** The queue, and (rule 12) the missed callbacks beside it, listed for follow-up. */
export interface CallQueueService extends MissedCallbackService {
  list(staff: StaffMember, clinicId: string): Promise<{ timezone: string; entries: QueueEntry[] }>;
  claimNext(staff: StaffMember, clinicId: string): Promise<StoredCallback | null>;
  /** Claims one callback from the list (a patient who calls in again); NotClaimable when it is not due or another nurse has it. */
  claimCallback(staff: StaffMember, callbackId: string): Promise<StoredCallback>;
  renew(staff: StaffMember, callbackId: string): Promise<StoredCallback>;
  release(staff: StaffMember, callbackId: string): Promise<StoredCallback>;
  logAttempt(staff: StaffMember, callbackId: string, input: AttemptInput): Promise<ConcludedAttempt>;
  recordOutcome(staff: StaffMember, callbackId: string, outcome: CallbackOutcome): Promise<void>;
  details(staff: StaffMember, callbackId: string): Promise<{ callback: StoredCallback; attempts: CallAttempt[]; outcome: RecordedOutcome | null }>;
  timezoneOf(clinicId: string): Promise<string>;
}

/** An attempt that has ended, as it concludes its callback. */
export interface EndedAttempt {
  startedAt: DateTime;
  answeredAt: DateTime | null;
  endedAt: DateTime;
  outcome: CallOutcome;
}

/**
 * Applies an attempt's consequence to a locked callback inside a transaction: reached, a retry later,
 * or unreachable (with the "we tried to reach you" SMS queued in the same transaction).
 */
export async function concludeAttempt(
  tx: Queryable,
  callback: StoredCallback,
  attempt: EndedAttempt,
): Promise<{ next: AfterAttempt; smsId: string | null }> {
  const rules = await findClinicRules(tx, callback.clinicId);
  if (!rules) throw new ClinicNotFound(callback.clinicId);
  const { outcome, endedAt } = attempt;
  const next = afterAttempt(rules, callback.attemptCount + 1, outcome, endedAt);
  let smsId: string | null = null;
  if (next.kind === 'reached') {
    // Reached when the patient answered, closed when the call ended: the two fall on different dates for
    // a call answered just before midnight. An answered attempt always has a reach time.
    await recordAttemptResult(tx, callback.id, { status: 'completed', reachedAt: reachedAt(attempt)!, at: endedAt });
  }
  if (next.kind === 'retry') await recordAttemptResult(tx, callback.id, { status: 'booked', dueAt: next.dueAt });
  if (next.kind === 'unreachable') {
    await recordAttemptResult(tx, callback.id, { status: 'unreachable', at: endedAt });
    if (next.notifyPatient) smsId = await insertSms(tx, callback.id, 'unreachable');
  }
  return { next, smsId };
}

/** Schedules what a concluded attempt needs in Redis, after its transaction committed. */
export async function scheduleAfterAttempt(
  jobs: JobScheduler,
  afterCommit: ReturnType<typeof createAfterCommit>,
  callback: StoredCallback,
  result: { next: AfterAttempt; smsId: string | null },
): Promise<void> {
  if (result.next.kind === 'retry') {
    const dueAt = result.next.dueAt;
    await afterCommit('schedule the retry', () => jobs.scheduleDue(callback.id, callback.attemptCount + 1, dueAt));
  }
  const smsId = result.smsId;
  if (smsId) await afterCommit('enqueue the unreachable SMS', () => jobs.enqueueSms(smsId));
}

export function createCallQueueService(deps: {
  db: Database;
  clock: Clock;
  jobs: JobScheduler;
  logger: Logger;
  claimTimeoutMinutes: number;
}): CallQueueService {
  const { db, clock, jobs } = deps;
  const afterCommit = createAfterCommit(deps.logger);

  async function timezoneOf(clinicId: string): Promise<string> {
    const rules = await findClinicRules(db, clinicId);
    if (!rules) throw new ClinicNotFound(clinicId);
    return rules.timezone;
  }

  async function audit(staff: StaffMember, action: string, clinicId: string, callbackIds: string[]) {
    await recordAudit(db, { at: clock.now(), staffId: staff.id, action, clinicId, callbackIds });
  }

  /** Loads a callback a staff member may work on; 404 when it does not exist, 403 for another clinic's. */
  async function authorizedCallback(staff: StaffMember, callbackId: string): Promise<StoredCallback> {
    const callback = await findCallback(db, callbackId);
    if (!callback) throw new CallbackNotFound();
    authorize(staff, QUEUE_ROLES, callback.clinicId);
    return callback;
  }

  const claimExpiry = () => clock.now().plus({ minutes: deps.claimTimeoutMinutes });

  return {
    ...createMissedCallbackService({ db, clock }),
    timezoneOf,

    async list(staff, clinicId) {
      authorize(staff, QUEUE_ROLES, clinicId);
      const rules = await findClinicRules(db, clinicId);
      if (!rules) throw new ClinicNotFound(clinicId);
      const now = clock.now();
      // Today's callbacks; tomorrow's are not yet the nurses' concern, and earlier days' are missed (rule 12).
      const callbacks = await listOpenQueue(db, clinicId, endOfLocalDate(rules, localDate(rules, now)), now, startOfClinicDay(rules.timezone, now));
      const entries = callbacks
        .map((callback) => ({ state: queueState(callback, now)!, callback }))
        .sort(compareQueueEntries);
      await audit(staff, 'queue.list', clinicId, entries.map((e) => e.callback.id));
      return { timezone: rules.timezone, entries };
    },

    async claimNext(staff, clinicId) {
      authorize(staff, QUEUE_ROLES, clinicId);
      const now = clock.now();
      const dayStart = startOfClinicDay(await timezoneOf(clinicId), now);
      const claimed = await claimNext(db, clinicId, now, staff.id, claimExpiry(), dayStart);
      if (claimed) await audit(staff, 'callback.claim', clinicId, [claimed.id]);
      return claimed;
    },

    async claimCallback(staff, callbackId) {
      const callback = await authorizedCallback(staff, callbackId);
      const now = clock.now();
      const dayStart = startOfClinicDay(await timezoneOf(callback.clinicId), now);
      const claimed = await claimCallback(db, callbackId, now, staff.id, claimExpiry(), dayStart);
      if (!claimed) {
        const current = (await findCallback(db, callbackId)) ?? callback;
        // A second click of the nurse who already holds it is not a conflict.
        if (current.claimedBy === staff.id && queueState(current, now) === 'claimed') return current;
        throw new NotClaimable(current.status, queueState(current, now));
      }
      await audit(staff, 'callback.claim', callback.clinicId, [callbackId]);
      return claimed;
    },

    async renew(staff, callbackId) {
      const callback = await authorizedCallback(staff, callbackId);
      const renewed = await renewClaim(db, callbackId, staff.id, clock.now(), claimExpiry());
      if (!renewed) throw new NotClaimed();
      await audit(staff, 'callback.claim_renew', callback.clinicId, [callbackId]);
      return renewed;
    },

    async release(staff, callbackId) {
      const callback = await authorizedCallback(staff, callbackId);
      const released = await releaseClaim(db, callbackId, staff.id);
      if (!released) throw new NotClaimed();
      await audit(staff, 'callback.claim_release', callback.clinicId, [callbackId]);
      return released;
    },

    async logAttempt(staff, callbackId, input) {
      const booked = await authorizedCallback(staff, callbackId);
      const now = clock.now();
      const problems: FieldIssue[] = [];
      for (const field of ['startedAt', 'endedAt'] as const) {
        const at = input[field];
        const problem = at && callTimeProblem(at, booked.requestedAt, now);
        if (problem) problems.push({ field: `body.${field}`, message: problem });
      }
      if (problems.length) throw new ValidationFailed(problems);
      const endedAt = input.endedAt ?? now;
      const startedAt = input.startedAt ?? endedAt;
      if (startedAt > endedAt) throw new ValidationFailed([{ field: 'body.endedAt', message: 'must not be before startedAt' }]);
      const result = await db.transaction(async (tx) => {
        const callback = await lockCallback(tx, callbackId);
        if (!callback) throw new CallbackNotFound();
        // Only the nurse holding the claim may log; an expired claim still counts until someone else claims.
        if (callback.status !== 'claimed' || callback.claimedBy !== staff.id) throw new NotClaimed();
        const attempt = await insertAttempt(tx, {
          id: randomUUID(),
          callbackId,
          staffId: staff.id,
          source: 'staff',
          telephonyCallId: null,
          startedAt,
          answeredAt: input.outcome === 'answered' ? startedAt : null,
          endedAt,
          outcome: input.outcome,
          note: input.note,
        });
        const concluded = await concludeAttempt(tx, callback, { ...attempt, endedAt, outcome: input.outcome });
        return { attempt, callback, ...concluded };
      });
      await scheduleAfterAttempt(jobs, afterCommit, result.callback, result);
      await audit(staff, 'callback.attempt', result.callback.clinicId, [callbackId]);
      const callback = (await findCallback(db, callbackId))!;
      return { attempt: result.attempt, callback, next: result.next };
    },

    async recordOutcome(staff, callbackId, outcome) {
      const callback = await authorizedCallback(staff, callbackId);
      const problems = outcomeProblems(outcome);
      if (problems.length) throw new ValidationFailed(problems.map((p) => ({ field: `body.${p.field}`, message: p.message })));
      if (callback.status !== 'completed') throw new NotReached(callback.status);
      const rules = await findClinicRules(db, callback.clinicId);
      if (!rules) throw new ClinicNotFound(callback.clinicId);
      const now = clock.now();
      await db.transaction(async (tx) => {
        await upsertOutcome(tx, { ...outcome, callbackId, recordedBy: staff.id, recordedAt: now });
        await applyOutcomeToCase(tx, rules, callback, outcome, staff.id, now);
      });
      await audit(staff, 'callback.outcome', callback.clinicId, [callbackId]);
    },

    async details(staff, callbackId) {
      const callback = await authorizedCallback(staff, callbackId);
      const [attempts, outcome] = await Promise.all([listAttempts(db, callbackId), findOutcome(db, callbackId)]);
      await audit(staff, 'callback.read', callback.clinicId, [callbackId]);
      return { callback, attempts, outcome };
    },
  };
}
