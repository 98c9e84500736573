// SQL for received telephony events: each event id is taken once.
import type { Queryable } from './database.js';

/** Records an event id; false when it was seen before (a replay). */
export async function recordTelephonyEvent(db: Queryable, eventId: string, type: string, callbackId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO telephony_events (event_id, type, callback_id) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING',
    [eventId, type, callbackId],
  );
  return rowCount === 1;
}
