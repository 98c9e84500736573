// The building blocks every request schema uses: dates, instants, ids and free text that PostgreSQL can store
// and the domain can compute with. Anything outside them is a 400 naming the field, never a 500 or a hang.
import { DateTime } from 'luxon';
import { z } from 'zod';

import { EARLIEST_DATE, EARLIEST_INSTANT_MS, isAcceptedDate, LATEST_DATE, LATEST_INSTANT_MS } from '../domain/dateBounds.js';

const RANGE_MESSAGE = `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`;

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
 * Free text from a person (a reason, a note, a name): trimmed, bounded, no control characters and no
 * text-direction controls. Every free-text field of every request schema is this (or nonBlankText).
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

/** A token-like string (ids of outside systems, cursors, keys): visible ASCII only. */
export function visibleAscii(max: number) {
  return z.string().regex(new RegExp(`^[\\x21-\\x7e]{1,${max}}$`), `must be 1–${max} visible ASCII characters`);
}

/** A calendar date YYYY-MM-DD within the accepted range. */
export function localDate(description: string, example: string) {
  return z.iso
    .date()
    .refine(isAcceptedDate, RANGE_MESSAGE)
    .meta({ description, example });
}

function instantMillis(s: string): number | null {
  try {
    const ms = DateTime.fromISO(s, { setZone: true }).toMillis();
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null; // luxon throws on invalid input when Settings.throwOnInvalid is on
  }
}

/** An ISO 8601 instant with its offset, within the accepted range once converted to UTC. */
export function isoInstant(example: string, description = 'An instant in ISO 8601 with its UTC offset') {
  return z.iso
    .datetime({ offset: true })
    .refine((s) => {
      const ms = instantMillis(s);
      return ms !== null && ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS;
    }, RANGE_MESSAGE)
    .meta({ description, example });
}

export const ClinicId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a clinic id: lower-case letters, digits and -, e.g. vc-kungsor')
  .max(64, 'must be at most 64 characters')
  .meta({ example: 'vc-kungsor' });
