// Patient cancel tokens: derived from the callback id under a server secret, so an idempotent replay can
// hand back the same token, while the database keeps only a hash of it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface CallbackTokens {
  issue(callbackId: string): string;
  hash(token: string): string;
  matches(token: string, storedHash: string): boolean;
}

export function createCallbackTokens(secret: string): CallbackTokens {
  const hash = (token: string) => createHash('sha256').update(token).digest('hex');
  return {
    issue: (callbackId) => createHmac('sha256', secret).update(`callback:${callbackId}`).digest('base64url'),
    hash,
    matches: (token, storedHash) => {
      const a = Buffer.from(hash(token), 'hex');
      const b = Buffer.from(storedHash, 'hex');
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
