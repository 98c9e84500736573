// SQL for outgoing SMS: one row per message a callback's events call for (its confirmation, each change of time, its
// cancellation, the "we could not reach you"), queued in the event's own transaction, then sent once.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Queryable } from './database.js';
import type { CancelledBy, SmsKind } from '../domain/patientSms.js';

export type SmsStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface SmsToSend {
  id: string;
  kind: SmsKind;
  status: SmsStatus;
  callbackId: string;
  callbackStatus: string;
  clinicId: string;
  phoneE164: string;
  /** The time the message speaks of, as it was when the message was queued. */
  slotStart: DateTime;
  slotEnd: DateTime;
  /** The callback's time now: a confirmation or change whose time has changed again since is out of date. */
  currentSlotStart: DateTime;
  cancelledBy: CancelledBy | null;
  /** When a send was last handed to the provider (the database's clock), and the SHA-256 of its text. */
  sendingStartedAt: Date | null;
  textSha256: string | null;
}

/** Queues a message unless this callback already has one of this kind; returns the id to enqueue, or null. */
export async function insertSms(db: Queryable, callbackId: string, kind: 'unreachable'): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO sms_messages (id, callback_id, kind, slot_start, slot_end)
     SELECT $1, id, $3, slot_start, slot_end FROM callbacks WHERE id = $2
     ON CONFLICT (callback_id, kind, change_number) DO NOTHING RETURNING id`,
    [randomUUID(), callbackId, kind],
  );
  return rows[0]?.id ?? null;
}

/**
 * Queues the SMS of a change of time, speaking of the callback's new time, numbered after the changes before it.
 * Call it in the change's own transaction, with the callback locked: the change and its message commit together.
 */
export async function insertTimeChangedSms(db: Queryable, callbackId: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO sms_messages (id, callback_id, kind, change_number, slot_start, slot_end)
     SELECT $1, c.id, 'time_changed',
            1 + coalesce((SELECT max(change_number) FROM sms_messages WHERE callback_id = c.id AND kind = 'time_changed'), 0),
            c.slot_start, c.slot_end
       FROM callbacks c WHERE c.id = $2
     RETURNING id`,
    [randomUUID(), callbackId],
  );
  return rows[0]!.id;
}

/** Queues the SMS telling the patient their time was cancelled, and by whom; once per callback. */
export async function insertCancelledSms(db: Queryable, callbackId: string, by: CancelledBy): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO sms_messages (id, callback_id, kind, slot_start, slot_end, cancelled_by)
     SELECT $1, id, 'cancelled', slot_start, slot_end, $3 FROM callbacks WHERE id = $2
     ON CONFLICT (callback_id, kind, change_number) DO NOTHING RETURNING id`,
    [randomUUID(), callbackId, by],
  );
  return rows[0]?.id ?? null;
}

export async function findSmsToSend(db: Queryable, id: string): Promise<SmsToSend | null> {
  const { rows } = await db.query<{
    id: string;
    kind: SmsKind;
    status: SmsStatus;
    callback_id: string;
    callback_status: string;
    clinic_id: string;
    phone_e164: string;
    slot_start: Date;
    slot_end: Date;
    current_slot_start: Date;
    cancelled_by: CancelledBy | null;
    sending_started_at: Date | null;
    text_sha256: string | null;
  }>(
    `SELECT m.id, m.kind, m.status, m.callback_id, c.status AS callback_status, c.clinic_id, c.phone_e164,
            coalesce(m.slot_start, c.slot_start) AS slot_start, coalesce(m.slot_end, c.slot_end) AS slot_end,
            c.slot_start AS current_slot_start, m.cancelled_by, m.sending_started_at, m.text_sha256
       FROM sms_messages m JOIN callbacks c ON c.id = m.callback_id
      WHERE m.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  const utc = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    callbackId: r.callback_id,
    callbackStatus: r.callback_status,
    clinicId: r.clinic_id,
    phoneE164: r.phone_e164,
    slotStart: utc(r.slot_start),
    slotEnd: utc(r.slot_end),
    currentSlotStart: utc(r.current_slot_start),
    cancelledBy: r.cancelled_by,
    sendingStartedAt: r.sending_started_at,
    textSha256: r.text_sha256,
  };
}

/**
 * Records that the message is being handed to the provider, before it is: from here a retry asks the provider what
 * became of it before sending again. From 'pending', or again from 'sending' when the provider said it never got it.
 * False when another worker got there first or the message is done.
 */
export async function markSmsSending(db: Queryable, id: string, textSha256: string, from: 'pending' | 'sending'): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sms_messages SET status = 'sending', sending_started_at = now(), text_sha256 = $2, attempts = attempts + 1
      WHERE id = $1 AND status = $3`,
    [id, textSha256, from],
  );
  return rowCount === 1;
}

/** Another message of the same callback is out at the provider now: this one waits, so the patient gets them in order. */
export async function otherSmsSending(db: Queryable, message: { id: string; callbackId: string }): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM sms_messages WHERE callback_id = $1 AND id <> $2 AND status = 'sending'`, [message.callbackId, message.id]);
  return rows.length > 0;
}

/** Marks a message sent; false when it already was (a duplicate delivery of the job). */
export async function markSmsSent(db: Queryable, id: string, providerMessageId: string, at: DateTime): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sms_messages SET status = 'sent', provider_message_id = $2, sent_at = $3, last_error = NULL
      WHERE id = $1 AND status IN ('pending', 'sending')`,
    [id, providerMessageId, at.toISO()],
  );
  return rowCount === 1;
}

/** A failed send: the provider's error kept; `final` (refused for good) fails the message. */
export async function recordSmsFailure(db: Queryable, id: string, error: string, final: boolean): Promise<void> {
  await db.query(
    `UPDATE sms_messages SET last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END
      WHERE id = $1 AND status IN ('pending', 'sending')`,
    [id, error.slice(0, 500), final],
  );
}

/** Gives a message up after its last attempt: keeps the count and the provider's last error. */
export async function markSmsGivenUp(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE sms_messages SET status = 'failed' WHERE id = $1 AND status IN ('pending', 'sending')`, [id]);
}

/** A message not sent at all: its callback was cancelled, or its time changed again, before it went out. */
export async function markSmsSkipped(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE sms_messages SET status = 'skipped' WHERE id = $1 AND status = 'pending'`, [id]);
}

/** Messages not yet sent after `olderThan` (their job may have been lost), those left half-sent included. */
export async function listPendingSms(db: Queryable, olderThan: DateTime, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM sms_messages WHERE status IN ('pending', 'sending') AND created_at <= $1 ORDER BY created_at LIMIT $2`,
    [olderThan.toISO(), limit],
  );
  return rows.map((r) => r.id);
}
