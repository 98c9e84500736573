// Care-guarantee cases (vårdgaranti 0-3): opened by a covered outcome, closed by an assessment or an
// exclusion; the at-risk list; the managers' daily summary. Every staff read of a case is audited.
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { findCallback, findCallbacks, type StoredCallback } from '../db/callbacks.js';
import { findClinicRules } from '../db/clinics.js';
import type { Database, Queryable } from '../db/database.js';
import {
  findCase,
  listOpenCases,
  openCase,
  recordAssessment,
  recordExclusion,
  START_COLUMN,
  type StoredGuaranteeCase,
} from '../db/guaranteeCases.js';
import type { CallbackOutcome } from '../domain/callbackOutcome.js';
import type { ClinicRules } from '../domain/clinic.js';
import { assessmentTimeProblem, caseUrgency, deadline, startDate, type ExclusionReason, type GuaranteeStartBasis } from '../domain/guaranteeCase.js';
import type { ContactMode, Profession } from '../domain/profession.js';
import { localDate, regionDate } from '../domain/schedule.js';
import { CallbackNotFound, CaseNotOpen, ClinicNotFound, GuaranteeCaseNotFound, ValidationFailed } from '../errors.js';
import type { GuaranteeSummaryMessage } from '../notify/port.js';
import { authorize, type StaffMember } from './staffAuth.js';

const CLINICAL_ROLES = ['nurse', 'admin'] as const;
const READ_ROLES = ['nurse', 'manager', 'admin'] as const;

/**
 * Applies a recorded outcome to the callback's case, in the outcome's transaction: covered opens the case
 * (contact date = the request's local date); a call that was itself the assessment closes it at the moment
 * the patient answered; an outcome corrected to "not covered" excludes the case with that reason rather than deleting it.
 */
export async function applyOutcomeToCase(
  tx: Queryable,
  rules: ClinicRules,
  callback: StoredCallback,
  outcome: CallbackOutcome,
  staffId: string,
  now: DateTime,
): Promise<void> {
  const existing = await findCase(tx, callback.id);
  if (!outcome.guaranteeReason) {
    if (existing && existing.status !== 'excluded') {
      await recordExclusion(tx, callback.id, { reason: 'not_covered', note: 'Outcome corrected: not covered.', by: staffId, now });
    }
    return;
  }
  // reachedAt is the moment the patient answered (domain/callAttempt.ts reachedAt), not when the call
  // ended: an in-call assessment answered 23:55 and ended 00:10 was made the day before.
  const reached = callback.reachedAt ?? now;
  await openCase(tx, {
    callbackId: callback.id,
    clinicId: callback.clinicId,
    reason: outcome.guaranteeReason,
    contactDate: localDate(rules, callback.requestedAt),
    decisionDate: localDate(rules, reached),
    at: now,
    by: staffId,
  });
  const reopened = existing?.exclusionReason === 'not_covered';
  if (outcome.assessedBy && (!existing || existing.status === 'open' || reopened)) {
    await recordAssessment(tx, callback.id, {
      at: reached,
      date: localDate(rules, reached),
      profession: outcome.assessedBy,
      mode: 'phone',
      note: null,
      by: staffId,
      now,
    });
  }
}

export interface AtRiskCase {
  case: StoredGuaranteeCase;
  start: string;
  deadline: string;
  urgency: 'overdue' | 'due_today' | 'upcoming';
  callback: StoredCallback;
}

export type DailySummary = GuaranteeSummaryMessage;

export interface GuaranteeCaseService {
  basis: GuaranteeStartBasis;
  get(staff: StaffMember, callbackId: string): Promise<{ case: StoredGuaranteeCase; timezone: string }>;
  recordAssessment(
    staff: StaffMember,
    callbackId: string,
    input: { at: DateTime; profession: Profession; mode: ContactMode; note: string | null; correct: boolean },
  ): Promise<{ case: StoredGuaranteeCase; timezone: string }>;
  recordExclusion(
    staff: StaffMember,
    callbackId: string,
    input: { reason: ExclusionReason; note: string | null; correct: boolean },
  ): Promise<{ case: StoredGuaranteeCase; timezone: string }>;
  atRisk(staff: StaffMember, clinicId: string): Promise<{ today: string; timezone: string; cases: AtRiskCase[] }>;
  dailySummaries(): Promise<DailySummary[]>;
}

export function createGuaranteeCaseService(deps: { db: Database; clock: Clock; basis: GuaranteeStartBasis }): GuaranteeCaseService {
  const { db, clock, basis } = deps;

  async function rulesOf(clinicId: string): Promise<ClinicRules> {
    const rules = await findClinicRules(db, clinicId);
    if (!rules) throw new ClinicNotFound(clinicId);
    return rules;
  }

  /**
   * A callback's case a staff member may see or change. Access is decided first, on the callback's clinic, as
   * everywhere else (callQueue's authorizedCallback): 404 only when no callback has this id, 403 for another
   * clinic's callback whether or not it has a case, and only then 404 guarantee_case_not_found. Looking the
   * case up first told staff of other clinics which of that clinic's callbacks were covered.
   */
  async function authorizedCase(staff: StaffMember, callbackId: string, roles: readonly StaffMember['role'][]) {
    const callback = await findCallback(db, callbackId);
    if (!callback) throw new CallbackNotFound();
    authorize(staff, roles, callback.clinicId);
    const found = await findCase(db, callbackId);
    if (!found) throw new GuaranteeCaseNotFound(callbackId);
    return { case: found, callback };
  }

  const audit = (staff: StaffMember, action: string, clinicId: string, callbackIds: string[]) =>
    recordAudit(db, { at: clock.now(), staffId: staff.id, action, clinicId, callbackIds });

  function assertOpenOrCorrecting(c: StoredGuaranteeCase, correct: boolean) {
    if (c.status !== 'open' && !correct) throw new CaseNotOpen(c.status);
  }

  return {
    basis,

    async get(staff, callbackId) {
      const { case: c } = await authorizedCase(staff, callbackId, READ_ROLES);
      await audit(staff, 'guarantee_case.read', c.clinicId, [callbackId]);
      return { case: c, timezone: (await rulesOf(c.clinicId)).timezone };
    },

    async recordAssessment(staff, callbackId, input) {
      const { case: c, callback } = await authorizedCase(staff, callbackId, CLINICAL_ROLES);
      assertOpenOrCorrecting(c, input.correct);
      const now = clock.now();
      const problem = assessmentTimeProblem(input.at, callback.requestedAt, now);
      if (problem) throw new ValidationFailed([{ field: 'body.assessedAt', message: problem }]);
      const rules = await rulesOf(c.clinicId);
      await recordAssessment(db, callbackId, {
        at: input.at,
        date: localDate(rules, input.at),
        profession: input.profession,
        mode: input.mode,
        note: input.note,
        by: staff.id,
        now,
      });
      await audit(staff, 'guarantee_case.assessment', c.clinicId, [callbackId]);
      return { case: (await findCase(db, callbackId))!, timezone: rules.timezone };
    },

    async recordExclusion(staff, callbackId, input) {
      const { case: c } = await authorizedCase(staff, callbackId, CLINICAL_ROLES);
      assertOpenOrCorrecting(c, input.correct);
      await recordExclusion(db, callbackId, { reason: input.reason, note: input.note, by: staff.id, now: clock.now() });
      await audit(staff, 'guarantee_case.exclusion', c.clinicId, [callbackId]);
      return { case: (await findCase(db, callbackId))!, timezone: (await rulesOf(c.clinicId)).timezone };
    },

    async atRisk(staff, clinicId) {
      authorize(staff, READ_ROLES, clinicId);
      const rules = await rulesOf(clinicId);
      const today = localDate(rules, clock.now());
      const open = await listOpenCases(db, clinicId, START_COLUMN[basis]);
      const callbacks = await findCallbacks(db, open.map((c) => c.callbackId));
      const cases: AtRiskCase[] = open.map((c) => {
        const start = startDate(c, basis);
        return { case: c, start, deadline: deadline(start), urgency: caseUrgency(start, today), callback: callbacks.get(c.callbackId)! };
      });
      cases.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.case.callbackId.localeCompare(b.case.callbackId));
      await audit(staff, 'guarantee_case.at_risk', clinicId, cases.map((c) => c.case.callbackId));
      return { today, timezone: rules.timezone, cases };
    },

    async dailySummaries() {
      const today = regionDate(clock.now());
      const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM clinics ORDER BY id');
      const summaries: DailySummary[] = [];
      for (const clinic of rows) {
        const open = await listOpenCases(db, clinic.id, START_COLUMN[basis]);
        const urgency = open.map((c) => caseUrgency(startDate(c, basis), today));
        const dueToday = urgency.filter((u) => u === 'due_today').length;
        const overdue = urgency.filter((u) => u === 'overdue').length;
        if (dueToday || overdue) summaries.push({ date: today, clinicId: clinic.id, clinicName: clinic.name, dueToday, overdue });
      }
      return summaries;
    },
  };
}
