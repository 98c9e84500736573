// SMS through 46elks (SMS_PROVIDER=46elks): POST /sms with a delivery report (whendelivered) to our webhook,
// which records on sms_messages whether the message reached the phone.
import { ElksRefused, type ElksClient } from '../telephony/elks.js';
import { SmsRejected, type SmsSender } from './port.js';

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
  };
}
