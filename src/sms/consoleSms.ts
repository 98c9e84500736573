// Development SMS adapter: writes the message to the log instead of sending it.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { maskPhone, type SmsSender } from './port.js';

export function createConsoleSms(logger: Logger): SmsSender {
  return {
    async send(message) {
      // Mask the number and any token in a link: logs must not hold what identifies or authorises a patient.
      const text = message.text.replace(/token=[^\s&]+/g, 'token=[redacted]');
      logger.info({ sms: { to: maskPhone(message.to), reference: message.reference, text } }, 'SMS (console adapter, not sent)');
      return `console-${randomUUID()}`;
    },
  };
}
