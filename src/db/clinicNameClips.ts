// SQL for the clips that say a clinic's name on the phone line (clinic_name_clips).
import type { Queryable } from './database.js';

/** The clinic's name as spoken, only while it is the clinic's current name in the current format; else null. */
export async function findClinicNameAudio(db: Queryable, clinicId: string, format: string): Promise<Buffer | null> {
  const { rows } = await db.query<{ audio: Uint8Array }>(
    `SELECT n.audio FROM clinic_name_clips n JOIN clinics c ON c.id = n.clinic_id
      WHERE n.clinic_id = $1 AND n.spoken_name = c.name AND n.audio_format = $2`,
    [clinicId, format],
  );
  return rows[0] ? Buffer.from(rows[0].audio) : null;
}

/** Clinics whose name has no clip yet, or one of an old name or format (created or renamed since). */
export async function listClinicsNeedingNameClip(db: Queryable, format: string, limit: number): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT c.id, c.name FROM clinics c LEFT JOIN clinic_name_clips n ON n.clinic_id = c.id
      WHERE n.clinic_id IS NULL OR n.spoken_name <> c.name OR n.audio_format <> $1
      ORDER BY c.id LIMIT $2`,
    [format, limit],
  );
  return rows;
}

export async function saveClinicNameClip(db: Queryable, clip: { clinicId: string; spokenName: string; audio: Buffer; format: string }): Promise<void> {
  await db.query(
    `INSERT INTO clinic_name_clips (clinic_id, spoken_name, audio, audio_format) VALUES ($1, $2, $3, $4)
     ON CONFLICT (clinic_id) DO UPDATE SET spoken_name = EXCLUDED.spoken_name, audio = EXCLUDED.audio,
       audio_format = EXCLUDED.audio_format, created_at = now()`,
    [clip.clinicId, clip.spokenName, clip.audio, clip.format],
  );
}
