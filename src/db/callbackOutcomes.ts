// SQL for what came of a reached callback.
import { DateTime } from 'luxon';
import type { GuaranteeReason, RecordedOutcome, Resolution } from '../domain/callbackOutcome.js';
import type { ContactMode, Profession } from '../domain/profession.js';
import type { Queryable } from './database.js';

/** Stores the outcome; recording again replaces it (a correction), and the audit trail keeps both acts. */
export async function upsertOutcome(db: Queryable, o: RecordedOutcome): Promise<void> {
  await db.query(
    `INSERT INTO callback_outcomes (callback_id, recorded_by, recorded_at, resolution, appointment_date,
       appointment_profession, appointment_mode, referred_to, guarantee_covered, guarantee_reason,
       was_medical_assessment, assessment_profession, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (callback_id) DO UPDATE SET
       recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at, resolution = EXCLUDED.resolution,
       appointment_date = EXCLUDED.appointment_date, appointment_profession = EXCLUDED.appointment_profession,
       appointment_mode = EXCLUDED.appointment_mode, referred_to = EXCLUDED.referred_to,
       guarantee_covered = EXCLUDED.guarantee_covered, guarantee_reason = EXCLUDED.guarantee_reason,
       was_medical_assessment = EXCLUDED.was_medical_assessment, assessment_profession = EXCLUDED.assessment_profession,
       note = EXCLUDED.note`,
    [
      o.callbackId,
      o.recordedBy,
      o.recordedAt.toISO(),
      o.resolution,
      o.appointment?.date ?? null,
      o.appointment?.profession ?? null,
      o.appointment?.mode ?? null,
      o.referredTo,
      o.guaranteeReason !== null,
      o.guaranteeReason,
      o.assessedBy !== null,
      o.assessedBy,
      o.note,
    ],
  );
}

interface OutcomeRow {
  callback_id: string;
  recorded_by: string;
  recorded_at: Date;
  resolution: Resolution;
  appointment_date: string | null;
  appointment_profession: Profession | null;
  appointment_mode: ContactMode | null;
  referred_to: string | null;
  guarantee_reason: GuaranteeReason | null;
  assessment_profession: Profession | null;
  note: string | null;
}

/** The outcome as recorded (the covered and performed flags are implied by the reason and the profession). */
export async function findOutcome(db: Queryable, callbackId: string): Promise<RecordedOutcome | null> {
  const { rows } = await db.query<OutcomeRow>('SELECT * FROM callback_outcomes WHERE callback_id = $1', [callbackId]);
  const row = rows[0];
  if (!row) return null;
  return {
    callbackId: row.callback_id,
    recordedBy: row.recorded_by,
    recordedAt: DateTime.fromJSDate(row.recorded_at, { zone: 'utc' }),
    resolution: row.resolution,
    appointment:
      row.appointment_date && row.appointment_profession && row.appointment_mode
        ? { date: row.appointment_date, profession: row.appointment_profession, mode: row.appointment_mode }
        : null,
    referredTo: row.referred_to,
    guaranteeReason: row.guarantee_reason,
    assessedBy: row.assessment_profession,
    note: row.note,
  };
}
