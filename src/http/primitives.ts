// The building blocks every request schema uses: dates, instants, ids and free text that PostgreSQL can store
// and the domain can compute with. Anything outside them is a 400 naming the field, never a 500 or a hang.
import { DateTime } from 'luxon';
import { z } from 'zod';

import { EARLIEST_DATE, EARLIEST_INSTANT_MS, isAcceptedDate, LATEST_DATE, LATEST_INSTANT_MS } from '../domain/dateBounds.js';

const RANGE_MESSAGE = `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`;

export { DIRECTION_CONTROLS, freeText, hasControlCharacters, hasDirectionControls, nonBlankText } from '../domain/personText.js';

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
