// SQL for outgoing SMS: one row per callback and kind, so a message is queued once and sent once.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Queryable } from './database.js';

export const SMS_KINDS = ['booking_confirmation', 'unreachable'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

export interface SmsToSend {
  id: string;
  kind: SmsKind;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  callbackId: string;
  callbackStatus: string;
  clinicId: string;
  phoneE164: string;
  slotStart: DateTime;
  slotEnd: DateTime;
}

/** Queues a message unless this callback already has one of this kind; returns the id to enqueue, or null. */
export async function insertSms(db: Queryable, callbackId: string, kind: SmsKind): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO sms_messages (id, callback_id, kind) VALUES ($1, $2, $3)
     ON CONFLICT (callback_id, kind) DO NOTHING RETURNING id`,
    [randomUUID(), callbackId, kind],
  );
  return rows[0]?.id ?? null;
}

export async function findSmsToSend(db: Queryable, id: string): Promise<SmsToSend | null> {
  const { rows } = await db.query<{
    id: string;
    kind: SmsKind;
    status: SmsToSend['status'];
    callback_id: string;
    callback_status: string;
    clinic_id: string;
    phone_e164: string;
    slot_start: Date;
    slot_end: Date;
  }>(
    `SELECT m.id, m.kind, m.status, m.callback_id, c.status AS callback_status, c.clinic_id, c.phone_e164, c.slot_start, c.slot_end
       FROM sms_messages m JOIN callbacks c ON c.id = m.callback_id
      WHERE m.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    callbackId: r.callback_id,
    callbackStatus: r.callback_status,
    clinicId: r.clinic_id,
    phoneE164: r.phone_e164,
    slotStart: DateTime.fromJSDate(r.slot_start, { zone: 'utc' }),
    slotEnd: DateTime.fromJSDate(r.slot_end, { zone: 'utc' }),
  };
}

/** Marks a message sent; false when it already was (a duplicate delivery of the job). */
export async function markSmsSent(db: Queryable, id: string, providerMessageId: string, at: DateTime): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sms_messages SET status = 'sent', provider_message_id = $2, sent_at = $3, attempts = attempts + 1
      WHERE id = $1 AND status = 'pending'`,
    [id, providerMessageId, at.toISO()],
  );
  return rowCount === 1;
}

export async function recordSmsFailure(db: Queryable, id: string, error: string, final: boolean): Promise<void> {
  await db.query(
    `UPDATE sms_messages SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END
      WHERE id = $1 AND status = 'pending'`,
    [id, error.slice(0, 500), final],
  );
}

/** Gives a message up after its last attempt: keeps the count and the provider's last error. */
export async function markSmsGivenUp(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE sms_messages SET status = 'failed' WHERE id = $1 AND status = 'pending'`, [id]);
}

/** A confirmation for a callback cancelled before it went out is not sent at all. */
export async function markSmsSkipped(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE sms_messages SET status = 'skipped' WHERE id = $1 AND status = 'pending'`, [id]);
}

/** Messages still pending after `olderThan` (their job may have been lost). */
export async function listPendingSms(db: Queryable, olderThan: DateTime, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM sms_messages WHERE status = 'pending' AND created_at <= $1 ORDER BY created_at LIMIT $2`,
    [olderThan.toISO(), limit],
  );
  return rows.map((r) => r.id);
}
