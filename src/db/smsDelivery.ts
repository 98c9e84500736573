// SQL for SMS delivery reports: whether a sent message reached the phone (46elks' whendelivered).
import type { DateTime } from 'luxon';
import type { Queryable } from './database.js';

/**
 * Records a delivery report on our message. A report for another provider message id than the one stored is
 * not ours to record; one that arrives before the send was stored (no id yet) is taken, and a message left
 * 'sending' (its worker killed, or the database failing just after the provider accepted) is thereby known sent.
 * Repeats change nothing but the time. False when no message matched.
 */
export async function recordSmsDelivery(
  db: Queryable,
  messageId: string,
  report: { providerMessageId: string; status: 'delivered' | 'failed'; at: DateTime },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sms_messages SET delivery_status = $3, delivery_reported_at = $4,
            provider_message_id = coalesce(provider_message_id, $2),
            status = CASE WHEN status = 'sending' THEN 'sent' ELSE status END,
            sent_at = CASE WHEN status = 'sending' THEN $4::timestamptz ELSE sent_at END
      WHERE id = $1 AND (provider_message_id IS NULL OR provider_message_id = $2)`,
    [messageId, report.providerMessageId, report.status, report.at.toISO()],
  );
  return rowCount === 1;
}

export async function findSmsDelivery(db: Queryable, messageId: string): Promise<{ status: string | null; reportedAt: Date | null } | null> {
  const { rows } = await db.query<{ delivery_status: string | null; delivery_reported_at: Date | null }>(
    'SELECT delivery_status, delivery_reported_at FROM sms_messages WHERE id = $1',
    [messageId],
  );
  return rows[0] ? { status: rows[0].delivery_status, reportedAt: rows[0].delivery_reported_at } : null;
}
