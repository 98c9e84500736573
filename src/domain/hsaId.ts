// A health centre's national identifier (HSA-id, from the HSA catalogue): every national figure names its unit by it
// (rule 16). Form: SE, the care provider's 10-digit organisation number, '-', 1–20 letters or digits; 31 at most.
import type { Normalised } from './patientContact.js';

const HSA_ID = /^SE[0-9]{10}-[A-Z0-9]{1,20}$/;
export const HSA_ID_MAX_LENGTH = 31;

/** Trims and upper-cases (catalogue exports differ in case), then checks the form. */
export function normaliseHsaId(input: string): Normalised {
  const value = input.trim().toUpperCase();
  if (value.length <= HSA_ID_MAX_LENGTH && HSA_ID.test(value)) return { ok: true, value };
  return {
    ok: false,
    message: `must be an HSA-id: SE, the 10-digit organisation number, '-' and 1–20 letters or digits (at most ${HSA_ID_MAX_LENGTH} characters), e.g. SE2321000016-15CQ`,
  };
}
