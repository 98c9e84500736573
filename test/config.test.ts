// Configuration is parsed once; a bad value names its variable; APP_NOW never reaches production.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { manualClock, shiftedClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { DEFAULT_NATIONAL_MAPPING_FILE } from '../src/config/nationalMapping.js';
import { ConfigError } from '../src/errors.js';

/** What `openssl rand -hex 32` gives: a secret found nowhere else. */
const OWN_SECRET = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('parseConfig', () => {
  it('defaults to PGlite under ./data and Redis on localhost', () => {
    const config = parseConfig({});
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data/pglite' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.appNow).toBeNull();
  });

  it('uses PostgreSQL when DATABASE_URL is set, and treats an empty value as unset', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://u@db:5432/cb' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/cb', poolSize: 10 });
    expect(parseConfig({ DATABASE_URL: '' }).database.kind).toBe('pglite');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ APP_NOW: 'monday morning' }, 'APP_NOW'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ CALLBACK_TOKEN_SECRET: 'short' }, 'CALLBACK_TOKEN_SECRET'],
  ])('stops on %j naming %s', (env, variable) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}: `));
  });

  it('refuses APP_NOW in production', () => {
    expect(() =>
      parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', APP_NOW: '2027-03-30T08:00:00+02:00', CALLBACK_TOKEN_SECRET: OWN_SECRET }),
    ).toThrow(/APP_NOW: must not be set when NODE_ENV=production/);
  });

  it('requires the public address in production: every SMS link is built from it', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', CALLBACK_TOKEN_SECRET: OWN_SECRET })).toThrow(/PUBLIC_BASE_URL: is required when NODE_ENV=production/);
  });

  it('requires a token secret in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se' })).toThrow(/CALLBACK_TOKEN_SECRET: is required/);
  });

  it('parses APP_NOW into an instant', () => {
    expect(parseConfig({ APP_NOW: '2027-03-30T08:00:00+02:00' }).appNow?.toISO()).toBe('2027-03-30T06:00:00.000Z');
  });
});

// A value from this repository would let anyone who reads it forge cancel tokens or telephony events.
describe('production secrets and demo data', () => {
  const published = [
    'development-only-callback-token-secret-change-me',
    'compose-demo-only-secret-replace-before-real-use',
    'test-secret-test-secret-test-secret!',
    'telephony-test-secret-telephony-test-secret',
    'x'.repeat(32),
    'abcabcabcabcabcabcabcabcabcabcabc',
  ];

  it.each(published)('refuses CALLBACK_TOKEN_SECRET=%s in production', (secret) => {
    expect(() => parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: secret })).toThrow(
      /^Invalid configuration:\n  CALLBACK_TOKEN_SECRET: is a (value published in the repository|placeholder)/,
    );
  });

  it.each(published)('refuses TELEPHONY_WEBHOOK_SECRET=%s in production', (secret) => {
    expect(() => parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: OWN_SECRET, TELEPHONY_WEBHOOK_SECRET: secret })).toThrow(
      /^Invalid configuration:\n  TELEPHONY_WEBHOOK_SECRET: is a (value published in the repository|placeholder)/,
    );
  });

  it('accepts secrets of your own in production, and keeps the published ones usable in development', () => {
    const config = parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: OWN_SECRET, TELEPHONY_WEBHOOK_SECRET: OWN_SECRET.toUpperCase() });
    expect(config.callbackTokenSecret).toBe(OWN_SECRET);
    expect(parseConfig({ CALLBACK_TOKEN_SECRET: 'compose-demo-only-secret-replace-before-real-use' }).callbackTokenSecret).toBe(
      'compose-demo-only-secret-replace-before-real-use',
    );
  });

  it('takes the previous telephony secret (a rotation) only beside the current one, and refuses a published one in production', () => {
    const previous = 'b'.repeat(4) + '0123456789abcdef'.repeat(2);
    expect(parseConfig({ TELEPHONY_WEBHOOK_SECRET: OWN_SECRET, TELEPHONY_WEBHOOK_SECRET_PREVIOUS: previous })).toMatchObject({
      telephonyWebhookSecret: OWN_SECRET,
      telephonyPreviousSecret: previous,
    });
    expect(() => parseConfig({ TELEPHONY_WEBHOOK_SECRET_PREVIOUS: previous })).toThrow(/TELEPHONY_WEBHOOK_SECRET_PREVIOUS: is only used beside TELEPHONY_WEBHOOK_SECRET/);
    expect(() =>
      parseConfig({
        NODE_ENV: 'production',
        PUBLIC_BASE_URL: 'https://vard.example.se',
        CALLBACK_TOKEN_SECRET: OWN_SECRET,
        TELEPHONY_WEBHOOK_SECRET: OWN_SECRET.toUpperCase(),
        TELEPHONY_WEBHOOK_SECRET_PREVIOUS: 'telephony-test-secret-telephony-test-secret',
      }),
    ).toThrow(/TELEPHONY_WEBHOOK_SECRET_PREVIOUS: is a value published in the repository/);
  });

  it('seeds demo clinics and staff by default in development, never by default in production', () => {
    expect(parseConfig({}).seedDemo).toBe(true);
    expect(parseConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: OWN_SECRET }).seedDemo).toBe(false);
    expect(parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: OWN_SECRET, SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });

  it('refuses SEED_DEMO=true in production, saying why', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: OWN_SECRET, SEED_DEMO: 'true' })).toThrow(
      /SEED_DEMO: must not be true when NODE_ENV=production: it creates demo staff and prints their tokens/,
    );
  });
});

describe('the security and operations settings', () => {
  it('keeps CORS closed, /metrics off and the docs on in development; the docs off and HSTS on behind https in production', () => {
    const dev = parseConfig({});
    expect(dev.http).toEqual({ corsOrigins: [], apiDocs: true, metricsToken: null, behindTls: false, trustProxy: 'loopback' });
    expect(dev.workerMetricsPort).toBeNull();
    const prod = parseConfig({ NODE_ENV: 'production', CALLBACK_TOKEN_SECRET: OWN_SECRET, PUBLIC_BASE_URL: 'https://vard.example.se' });
    expect(prod.http).toMatchObject({ apiDocs: false, behindTls: true });
    expect(parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: OWN_SECRET, API_DOCS: 'true' }).http.apiDocs).toBe(true);
  });

  it('reads the CORS allow-list, the metrics token, the worker metrics port and the rate limits', () => {
    const config = parseConfig({
      CORS_ORIGINS: 'https://vard.example.se, http://localhost:5173',
      METRICS_TOKEN: 'a-metrics-token-of-16+',
      WORKER_METRICS_PORT: '9464',
      RATE_LIMIT_BOOKINGS_PER_PHONE_PER_HOUR: '4',
      MAX_OPEN_CALLBACKS_PER_PHONE: '2',
    });
    expect(config.http.corsOrigins).toEqual(['https://vard.example.se', 'http://localhost:5173']);
    expect(config.http.metricsToken).toBe('a-metrics-token-of-16+');
    expect(config.workerMetricsPort).toBe(9464);
    expect(config.rateLimits).toEqual({ publicReadsPerMinute: 300, bookingsPerAddressPerHour: 120, bookingsPerPhonePerHour: 4 });
    expect(config.maxOpenCallbacksPerPhone).toBe(2);
    expect(parseConfig({ TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).http.trustProxy).toBe('loopback, 10.0.0.0/8, fd00::/8');
  });

  it.each([
    [{ CORS_ORIGINS: 'https://vard.example.se/path' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ RATE_LIMIT_READS_PER_MINUTE: '0' }, 'RATE_LIMIT_READS_PER_MINUTE'],
    [{ MAX_OPEN_CALLBACKS_PER_PHONE: 'many' }, 'MAX_OPEN_CALLBACKS_PER_PHONE'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => parseConfig(env)).toThrow(new RegExp(`  ${name}(\\.\\d+)?: `));
  });
});

describe('the national file’s mapping and transfer', () => {
  const OWN = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
  const production = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se', CALLBACK_TOKEN_SECRET: OWN };

  it('sends nothing unless NATIONAL_TRANSFER_URL is set, and then needs its token', () => {
    expect(parseConfig({}).national.transfer).toBeNull();
    expect(parseConfig({ NATIONAL_TRANSFER_URL: 'https://mottagare.example.se/vantetider', NATIONAL_TRANSFER_TOKEN: 'abc' }).national.transfer).toEqual({
      url: 'https://mottagare.example.se/vantetider',
      token: 'abc',
    });
    expect(() => parseConfig({ NATIONAL_TRANSFER_URL: 'https://mottagare.example.se/' })).toThrow(/NATIONAL_TRANSFER_TOKEN: is required when NATIONAL_TRANSFER_URL is set/);
    expect(() => parseConfig({ NATIONAL_TRANSFER_TOKEN: 'abc' })).toThrow(/NATIONAL_TRANSFER_TOKEN: is only used beside NATIONAL_TRANSFER_URL/);
    expect(() => parseConfig({ NATIONAL_TRANSFER_URL: 'https://user:pw@mottagare.example.se/', NATIONAL_TRANSFER_TOKEN: 'abc' })).toThrow(/NATIONAL_TRANSFER_URL: must not hold credentials/);
  });

  it('requires https in production, and allows http elsewhere (a local test receiver)', () => {
    expect(() => parseConfig({ ...production, NATIONAL_TRANSFER_URL: 'http://mottagare.example.se/', NATIONAL_TRANSFER_TOKEN: 'abc' })).toThrow(/NATIONAL_TRANSFER_URL: must be an https:\/\/ address when NODE_ENV=production/);
    expect(parseConfig({ ...production, NATIONAL_TRANSFER_URL: 'https://mottagare.example.se/', NATIONAL_TRANSFER_TOKEN: 'abc' }).national.transfer?.url).toBe('https://mottagare.example.se/');
    expect(parseConfig({ NATIONAL_TRANSFER_URL: 'http://127.0.0.1:9999/in', NATIONAL_TRANSFER_TOKEN: 'abc' }).national.transfer?.url).toBe('http://127.0.0.1:9999/in');
  });

  it('reads a region’s mapping from NATIONAL_MAPPING_FILE at start-up, and stops on a bad one naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mapping-'));
    try {
      const shipped = JSON.parse(readFileSync(DEFAULT_NATIONAL_MAPPING_FILE, 'utf8'));
      const own = path.join(dir, 'region.json');
      writeFileSync(own, JSON.stringify({ ...shipped, name: 'Region Västmanland', codes: { ...shipped.codes, sex: { female: '2', male: '1', unknown: '0' } } }));
      expect(parseConfig({}).national.mapping.codes.sex.female).toBe('Kvinna');
      const config = parseConfig({ NATIONAL_MAPPING_FILE: own });
      expect(config.national.mapping.name).toBe('Region Västmanland');
      expect(config.national.mapping.codes.sex).toEqual({ female: '2', male: '1', unknown: '0' });

      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ ...shipped, codes: { ...shipped.codes, contactForm: { visit: 'B', phone: '8' } } }));
      expect(() => parseConfig({ NATIONAL_MAPPING_FILE: bad })).toThrow(ConfigError);
      expect(() => parseConfig({ NATIONAL_MAPPING_FILE: bad })).toThrow(/Invalid national mapping .*bad\.json:\n  codes\.contactForm\.video: /);
      writeFileSync(bad, '{ not json');
      expect(() => parseConfig({ NATIONAL_MAPPING_FILE: bad })).toThrow(/bad\.json is not JSON/);
      expect(() => parseConfig({ NATIONAL_MAPPING_FILE: path.join(dir, 'missing.json') })).toThrow(/Cannot read the national mapping .*missing\.json \(NATIONAL_MAPPING_FILE\): ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('clocks', () => {
  it('a shifted clock starts at APP_NOW and runs forward with real time', () => {
    const real = manualClock('2026-11-23T10:00:00Z');
    const clock = shiftedClock(DateTime.fromISO('2027-03-30T06:00:00Z'), real);
    expect(clock.now().toISO()).toBe('2027-03-30T06:00:00.000Z');
    real.advance({ minutes: 90 });
    expect(clock.now().toISO()).toBe('2027-03-30T07:30:00.000Z');
  });
});
