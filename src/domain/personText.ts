// Text a person typed (a name, a town, a reason): what the database can store and every page can show safely.
import { z } from 'zod';

/** NUL cannot be stored in PostgreSQL text; the other C0 controls are never meant in these fields. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
export const hasControlCharacters = (s: string): boolean => CONTROL_CHARACTERS.test(s);

/**
 * The text-direction embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069). Invisible, and a
 * U+202E in a reason shows everything after it backwards, on the nurse's page too; nobody types them to book.
 * (The marks U+200E/U+200F and ordinary right-to-left letters are fine: they do not reorder anything around them.)
 */
export const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
export const hasDirectionControls = (s: string): boolean => DIRECTION_CONTROLS.test(s);

/**
 * Free text from a person: bounded, no control characters and no text-direction controls, trimmed. Every free-text
 * field of every request schema and import is this (or nonBlankText).
 */
export function freeText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !hasControlCharacters(s), 'must not contain control characters')
    .refine((s) => !hasDirectionControls(s), 'must not contain text-direction controls (U+202A–U+202E, U+2066–U+2069)')
    .transform((s) => s.trim());
}

/** Like freeText, but a value that is given must not be blank. */
export function nonBlankText(max: number) {
  return freeText(max).refine((s) => s.length > 0, 'must not be blank');
}
