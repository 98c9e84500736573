// A clinic's name as the phone line says it: the recording in the clip folder when there is one, else the clip the
// workers generated of its current name (src/jobs/clinicNameClips.ts), else none (the generic greeting).
import { findClinicNameAudio } from '../db/clinicNameClips.js';
import type { Queryable } from '../db/database.js';
import type { ClipSet } from '../telephony/clips.js';
import { describeFormat } from '../telephony/wav.js';

export interface ClinicNames {
  /** The name's sample data in the clip set's format, or null. */
  audio(clinicId: string): Promise<Buffer | null>;
  has(clinicId: string): Promise<boolean>;
}

export function createClinicNames(deps: { db: Queryable; clips: ClipSet }): ClinicNames {
  const format = describeFormat(deps.clips.format);
  const audio = async (clinicId: string) => deps.clips.clinicName(clinicId) ?? (await findClinicNameAudio(deps.db, clinicId, format));
  return { audio, has: async (clinicId) => (await audio(clinicId)) !== null };
}
