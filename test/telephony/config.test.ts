// Telephony configuration: TELEPHONY_PROVIDER and SMS_PROVIDER=46elks need 46elks' credentials, and 46elks
// calls in production need the webhook secret and the public address; each problem names its variable.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const CREDENTIALS = { ELKS_API_USERNAME: 'u0123456789abcdef', ELKS_API_PASSWORD: 'ABCDEF0123456789' };
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://vard.example.se',
  CALLBACK_TOKEN_SECRET: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  SEED_DEMO: 'false',
};

function problems(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('telephony configuration', () => {
  it('defaults to no telephony provider and no 46elks', () => {
    const config = parseConfig({});
    expect(config.telephonyProvider).toBeNull();
    expect(config.elks).toBeNull();
    expect(config.sms).toEqual({ provider: 'console' });
  });

  it('takes 46elks for calls with its credentials and the default API address', () => {
    const config = parseConfig({ TELEPHONY_PROVIDER: '46elks', ...CREDENTIALS });
    expect(config.telephonyProvider).toBe('46elks');
    expect(config.elks).toEqual({ apiUrl: 'https://api.46elks.com/a1', username: CREDENTIALS.ELKS_API_USERNAME, password: CREDENTIALS.ELKS_API_PASSWORD });
  });

  it('takes 46elks for SMS with the SMS sender, and another API address without its trailing slash', () => {
    const config = parseConfig({ SMS_PROVIDER: '46elks', SMS_SENDER: 'VCKungsor', ELKS_API_URL: 'http://127.0.0.1:9999/a1/', ...CREDENTIALS });
    expect(config.sms).toEqual({ provider: '46elks', sender: 'VCKungsor' });
    expect(config.telephonyProvider).toBeNull();
    expect(config.elks?.apiUrl).toBe('http://127.0.0.1:9999/a1');
  });

  it.each([
    [{ TELEPHONY_PROVIDER: '46elks' }, ['ELKS_API_USERNAME: is required when TELEPHONY_PROVIDER=46elks', 'ELKS_API_PASSWORD: is required when TELEPHONY_PROVIDER=46elks']],
    [{ SMS_PROVIDER: '46elks', ELKS_API_USERNAME: 'u1' }, ['ELKS_API_PASSWORD: is required when SMS_PROVIDER=46elks']],
    [{ TELEPHONY_PROVIDER: 'twilio' }, ['TELEPHONY_PROVIDER:']],
    [{ SMS_PROVIDER: 'elks' }, ['SMS_PROVIDER:']],
    [{ TELEPHONY_PROVIDER: '46elks', ...CREDENTIALS, ELKS_API_URL: 'api.46elks.com' }, ['ELKS_API_URL:']],
  ])('refuses %j naming the variables', (env, expected) => {
    const message = problems(env as Record<string, string>);
    for (const line of expected) expect(message).toContain(line);
  });

  it('needs the webhook secret and the public address for 46elks calls in production, not for SMS alone', () => {
    const message = problems({ ...PRODUCTION, PUBLIC_BASE_URL: '', TELEPHONY_PROVIDER: '46elks', ...CREDENTIALS });
    expect(message).toContain('TELEPHONY_WEBHOOK_SECRET: is required when TELEPHONY_PROVIDER=46elks and NODE_ENV=production');
    expect(message).toContain('PUBLIC_BASE_URL: is required when TELEPHONY_PROVIDER=46elks');
    expect(parseConfig({ ...PRODUCTION, SMS_PROVIDER: '46elks', ...CREDENTIALS }).sms.provider).toBe('46elks');
    const secret = 'a7c3e9f1b5d2084c6e1a3f5b7d9c0e2a4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a';
    expect(parseConfig({ ...PRODUCTION, TELEPHONY_PROVIDER: '46elks', TELEPHONY_WEBHOOK_SECRET: secret, ...CREDENTIALS }).telephonyProvider).toBe('46elks');
  });
});
