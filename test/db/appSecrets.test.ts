// Without CALLBACK_TOKEN_SECRET (outside production) the cancel-token secret is generated once and kept in the
// database: random (never a value published in the repository), the same for every process and every restart.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { callbackTokenSecretOf, createCallbackTokens } from '../../src/services/callbackTokens.js';
import { ALL_BACKENDS, openTestDatabase } from '../support/database.js';

describe('the cancel-token secret', () => {
  it('has no built-in default: unset outside production means "generate one"', () => {
    expect(parseConfig({}).callbackTokenSecret).toBeNull();
  });

  it.each(ALL_BACKENDS)('is CALLBACK_TOKEN_SECRET when set (nothing stored); otherwise generated once per database on %s, the same for processes asking at once, signing no token the published default would', async (backend) => {
    const db = await openTestDatabase(backend);
    try {
      expect(await callbackTokenSecretOf(db, 'my-own-secret-my-own-secret-my-own!')).toBe('my-own-secret-my-own-secret-my-own!');
      expect((await db.query('SELECT count(*)::int AS n FROM app_secrets')).rows[0]).toEqual({ n: 0 });

      const secrets = await Promise.all(Array.from({ length: 8 }, () => callbackTokenSecretOf(db, null)));
      expect(new Set(secrets).size).toBe(1);
      const secret = secrets[0]!;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Asked again later (a restart): the same.
      expect(await callbackTokenSecretOf(db, null)).toBe(secret);
      const id = '78e0095c-7fae-4c47-972d-d061f2fdd33a';
      const published = createHmac('sha256', 'development-only-callback-token-secret-change-me').update(`callback:${id}`).digest('base64url');
      expect(createCallbackTokens(secret).issue(id)).not.toBe(published);
    } finally {
      await db.close();
    }
  });

  it('differs between databases', async () => {
    const [a, b] = [await openTestDatabase(), await openTestDatabase()];
    try {
      expect(await callbackTokenSecretOf(a, null)).not.toBe(await callbackTokenSecretOf(b, null));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
