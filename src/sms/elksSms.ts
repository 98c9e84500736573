// SMS through 46elks (SMS_PROVIDER=46elks): POST /sms with a delivery report (whendelivered) to our webhook,
// which records on sms_messages whether the message reached the phone. 46elks has no idempotency key: whether a
// message went out is asked of its history (GET /sms), which is what makes a retry safe.
import { createHash } from 'node:crypto';
import { ElksRefused, type ElksClient } from '../telephony/elks.js';
import { SmsRejected, type SmsSender } from './port.js';

/** Pages of history searched (100 messages each, to one number since the send): far more than one patient gets. */
const HISTORY_PAGES = 10;

/** 46elks' timestamps: UTC, microseconds, no zone ("2018-02-14T09:52:07.302000"). */
const elksTime = (at: Date) => `${at.toISOString().slice(0, 23)}000`;

export interface ElksSmsConfig {
  client: ElksClient;
  /** Alphanumeric sender (at most 11 characters) or a 46elks number. */
  sender: string;
  /** The delivery-report URL for a message, from our reference (the sms_messages id). Null: no reports. */
  deliveryReportUrl: ((reference: string) => string) | null;
}

export function createElksSms(config: ElksSmsConfig): SmsSender {
  return {
    async send(message) {
      const fields: Record<string, string> = { from: config.sender, to: message.to, message: message.text };
      if (config.deliveryReportUrl) fields.whendelivered = config.deliveryReportUrl(message.reference);
      try {
        const body = await config.client.post('/sms', fields);
        return typeof body.id === 'string' && body.id ? body.id : message.reference;
      } catch (error) {
        if (error instanceof ElksRefused) throw new SmsRejected(error.message);
        throw error;
      }
    },

    async findSent({ to, textSha256, since }) {
      // `end` is 46elks' "sent after", `start` its "sent before" (the next page).
      let before: string | null = null;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const body = await config.client.get('/sms', { to, end: elksTime(since), limit: '100', ...(before ? { start: before } : {}) });
        const data = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : [];
        for (const m of data) {
          if (m.direction !== 'outgoing' || m.to !== to || typeof m.message !== 'string' || typeof m.id !== 'string') continue;
          if (createHash('sha256').update(m.message).digest('hex') === textSha256) return m.id;
        }
        if (typeof body.next !== 'string' || data.length === 0) return null;
        before = body.next;
      }
      throw new Error('46elks history of this number too long to search; asked again later');
    },
  };
}
