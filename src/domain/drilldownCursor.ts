// The drill-down's page cursors: the last record's date and key, base64url JSON. Decoding checks that a cursor is
// one this API returned, so a forged one is a 400 naming query.cursor, never a query with a stranger's values.
import { z } from 'zod';
import { ValidationFailed } from '../errors.js';
import { isAcceptedDate } from './dateBounds.js';

/** The cursor of the next page of a drill-down: the last record's date and key, opaque to the client. */
export const encodeCursor = (date: string, key: string) => Buffer.from(JSON.stringify([date, key])).toString('base64url');

/** A cursor is ours only if it decodes to a date the API accepts and a callback id. */
const CursorSchema = z.tuple([z.iso.date().refine(isAcceptedDate), z.uuid()]);

/** A booking attempt's cursor: its date and key ('phone:…' or 'web:…'). */
const AttemptCursorSchema = z.tuple([z.iso.date().refine(isAcceptedDate), z.string().regex(/^(phone|web):/).max(150)]);

function decodeWith<T extends z.ZodType<[string, string]>>(schema: T, cursor: string): [string, string] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not JSON: fall through to the validation error
  }
  const parsed = schema.safeParse(decoded);
  if (parsed.success) return parsed.data as [string, string];
  throw new ValidationFailed([{ field: 'query.cursor', message: 'is not a cursor this API returned' }]);
}

/** A callback record's cursor; a cursor this API did not return is bad input (query.cursor). */
export function decodeCallbackCursor(cursor: string): { date: string; callbackId: string } {
  const [date, callbackId] = decodeWith(CursorSchema, cursor);
  return { date, callbackId };
}

/** A booking attempt's cursor: its date and key; a cursor this API did not return is bad input (query.cursor). */
export const decodeAttemptCursor = (cursor: string): [string, string] => decodeWith(AttemptCursorSchema, cursor);
