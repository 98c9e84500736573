// Patient cancel tokens: derived from the callback id under a server secret, so an idempotent replay can
// hand back the same token, while the database keeps only a hash of it.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { storedSecret } from '../db/appSecrets.js';
import type { Queryable } from '../db/database.js';

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

/**
 * The secret cancel tokens are signed with: CALLBACK_TOKEN_SECRET when set (production requires it), otherwise one
 * generated at random on the first start and kept in the database, so every process and every restart signs alike.
 */
export async function callbackTokenSecretOf(db: Queryable, configured: string | null): Promise<string> {
  return configured ?? storedSecret(db, 'callback_token_secret', randomBytes(32).toString('base64url'));
}
