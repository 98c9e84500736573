// SQL for what came of a reached callback.
import type { RecordedOutcome } from '../domain/callbackOutcome.js';
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

export async function findOutcome(db: Queryable, callbackId: string): Promise<Record<string, unknown> | null> {
  const { rows } = await db.query('SELECT * FROM callback_outcomes WHERE callback_id = $1', [callbackId]);
  return rows[0] ?? null;
}
