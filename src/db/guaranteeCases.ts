// SQL for care-guarantee cases (vårdgaranti 0-3).
import { DateTime } from 'luxon';
import type { ExclusionReason, GuaranteeCase, GuaranteeCaseStatus } from '../domain/guaranteeCase.js';
import type { ContactMode, Profession } from '../domain/profession.js';
import type { Queryable } from './database.js';

export interface GuaranteeCaseRow {
  callback_id: string;
  clinic_id: string;
  reason: string;
  contact_date: string;
  decision_date: string;
  status: GuaranteeCaseStatus;
  assessed_at: Date | null;
  assessment_date: string | null;
  assessment_profession: Profession | null;
  assessment_mode: ContactMode | null;
  exclusion_reason: ExclusionReason | null;
  note: string | null;
  opened_at: Date;
  updated_at: Date;
}

export interface StoredGuaranteeCase extends GuaranteeCase {
  reason: string;
  note: string | null;
  openedAt: DateTime;
}

export function caseFromRow(r: GuaranteeCaseRow): StoredGuaranteeCase {
  return {
    callbackId: r.callback_id,
    clinicId: r.clinic_id,
    reason: r.reason,
    contactDate: r.contact_date,
    decisionDate: r.decision_date,
    status: r.status,
    assessment:
      r.status === 'assessed'
        ? {
            at: DateTime.fromJSDate(r.assessed_at!, { zone: 'utc' }),
            date: r.assessment_date!,
            profession: r.assessment_profession!,
            mode: r.assessment_mode!,
          }
        : null,
    exclusionReason: r.exclusion_reason,
    note: r.note,
    openedAt: DateTime.fromJSDate(r.opened_at, { zone: 'utc' }),
  };
}

/**
 * Opens the case for a covered outcome, or re-opens a case that an outcome correction had excluded.
 * A case already assessed or excluded by staff keeps its state.
 */
export async function openCase(
  db: Queryable,
  c: { callbackId: string; clinicId: string; reason: string; contactDate: string; decisionDate: string; at: DateTime; by: string },
): Promise<void> {
  await db.query(
    `INSERT INTO guarantee_cases (callback_id, clinic_id, reason, contact_date, decision_date, status, opened_at, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $6)
     ON CONFLICT (callback_id) DO UPDATE SET reason = EXCLUDED.reason, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at,
       status = CASE WHEN guarantee_cases.exclusion_reason = 'not_covered' THEN 'open' ELSE guarantee_cases.status END,
       exclusion_reason = CASE WHEN guarantee_cases.exclusion_reason = 'not_covered' THEN NULL ELSE guarantee_cases.exclusion_reason END`,
    [c.callbackId, c.clinicId, c.reason, c.contactDate, c.decisionDate, c.at.toISO(), c.by],
  );
}

export async function recordAssessment(
  db: Queryable,
  callbackId: string,
  a: { at: DateTime; date: string; profession: Profession; mode: ContactMode; note: string | null; by: string; now: DateTime },
): Promise<void> {
  await db.query(
    `UPDATE guarantee_cases SET status = 'assessed', assessed_at = $2, assessment_date = $3, assessment_profession = $4,
       assessment_mode = $5, exclusion_reason = NULL, note = COALESCE($6, note), updated_by = $7, updated_at = $8
     WHERE callback_id = $1`,
    [callbackId, a.at.toISO(), a.date, a.profession, a.mode, a.note, a.by, a.now.toISO()],
  );
}

export async function recordExclusion(
  db: Queryable,
  callbackId: string,
  e: { reason: ExclusionReason; note: string | null; by: string; now: DateTime },
): Promise<void> {
  await db.query(
    `UPDATE guarantee_cases SET status = 'excluded', exclusion_reason = $2, assessed_at = NULL, assessment_date = NULL,
       assessment_profession = NULL, assessment_mode = NULL, note = COALESCE($3, note), updated_by = $4, updated_at = $5
     WHERE callback_id = $1`,
    [callbackId, e.reason, e.note, e.by, e.now.toISO()],
  );
}

export async function findCase(db: Queryable, callbackId: string): Promise<StoredGuaranteeCase | null> {
  const { rows } = await db.query<GuaranteeCaseRow>('SELECT * FROM guarantee_cases WHERE callback_id = $1', [callbackId]);
  return rows[0] ? caseFromRow(rows[0]) : null;
}

/** The date column holding day 0 under each start basis. */
export const START_COLUMN = { contact: 'contact_date', triage_decision: 'decision_date' } as const;

/** A clinic's open cases, earliest day 0 first. */
export async function listOpenCases(db: Queryable, clinicId: string, startColumn: (typeof START_COLUMN)[keyof typeof START_COLUMN]): Promise<StoredGuaranteeCase[]> {
  const { rows } = await db.query<GuaranteeCaseRow>(
    `SELECT * FROM guarantee_cases WHERE clinic_id = $1 AND status = 'open' ORDER BY ${startColumn}, opened_at, callback_id`,
    [clinicId],
  );
  return rows.map(caseFromRow);
}
