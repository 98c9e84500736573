// Configuration is parsed once; a bad value names its variable; APP_NOW never reaches production.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { manualClock, shiftedClock } from '../src/clock.js';
import { ConfigError, parseConfig } from '../src/config.js';

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
      parseConfig({ NODE_ENV: 'production', APP_NOW: '2027-03-30T08:00:00+02:00', CALLBACK_TOKEN_SECRET: 'x'.repeat(32) }),
    ).toThrow(/APP_NOW: must not be set when NODE_ENV=production/);
  });

  it('requires a token secret in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/CALLBACK_TOKEN_SECRET: is required/);
  });

  it('parses APP_NOW into an instant', () => {
    expect(parseConfig({ APP_NOW: '2027-03-30T08:00:00+02:00' }).appNow?.toISO()).toBe('2027-03-30T06:00:00.000Z');
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
