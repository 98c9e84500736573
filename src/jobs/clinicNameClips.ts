// Job step: gives every clinic a clip of its name for the phone line's greeting, when it is created or renamed (the
// maintenance worker runs it with every reconciliation). Idempotent: a clinic whose clip says its current name in
// the current format is left alone.
import { listClinicsNeedingNameClip, saveClinicNameClip } from '../db/clinicNameClips.js';
import type { Queryable } from '../db/database.js';
import { SpeechUnavailable, type SpeechSynthesizer } from '../telephony/speech.js';
import { describeFormat, type WavFormat } from '../telephony/wav.js';

/** Clinics voiced per pass: a region's 250 are done within a few passes, none of which takes long. */
const PER_PASS = 50;

/** Makes the clips this pass can; `unavailable` says why none could be made (no synthesizer): then the greeting stays generic. */
export async function makeClinicNameClips(deps: { db: Queryable; speech: SpeechSynthesizer; format: WavFormat }): Promise<{ made: number; unavailable: string | null }> {
  const format = describeFormat(deps.format);
  let made = 0;
  for (const clinic of await listClinicsNeedingNameClip(deps.db, format, PER_PASS)) {
    try {
      const audio = await deps.speech.speak(clinic.name, deps.format);
      await saveClinicNameClip(deps.db, { clinicId: clinic.id, spokenName: clinic.name, audio, format });
      made++;
    } catch (error) {
      if (error instanceof SpeechUnavailable) return { made, unavailable: error.message };
      throw error;
    }
  }
  return { made, unavailable: null };
}
