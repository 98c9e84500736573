// HTTP SMS adapter: POSTs JSON to an SMS provider's endpoint. Most Nordic gateways accept this shape
// or need a thin proxy; the contract is documented in the README.
import { SmsRejected, type SmsSender } from './port.js';

export interface HttpSmsConfig {
  url: string;
  token: string | null;
  sender: string;
  timeoutMs?: number;
}

export function createHttpSms(config: HttpSmsConfig): SmsSender {
  return {
    async send(message) {
      const response = await fetch(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
          'idempotency-key': message.reference,
        },
        body: JSON.stringify({ from: config.sender, to: message.to, message: message.text, reference: message.reference }),
        signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
      });
      if (response.ok) {
        const body = (await response.json().catch(() => ({}))) as { id?: unknown };
        return typeof body.id === 'string' ? body.id : message.reference;
      }
      // 4xx other than 408/429 will not get better by retrying.
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        throw new SmsRejected(`SMS provider refused the message (HTTP ${response.status})`);
      }
      throw new Error(`SMS provider unavailable (HTTP ${response.status})`);
    },
  };
}
