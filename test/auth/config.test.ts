// Staff sign-in settings: token lifetime, and OpenID Connect all-or-none with named errors.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const ISSUER = 'https://login.region.example/realms/staff';

describe('STAFF_TOKEN_DAYS', () => {
  it('defaults to 90 days and takes 1–3650', () => {
    expect(parseConfig({}).staffTokenDays).toBe(90);
    expect(parseConfig({ STAFF_TOKEN_DAYS: '30' }).staffTokenDays).toBe(30);
    expect(() => parseConfig({ STAFF_TOKEN_DAYS: '0' })).toThrow(/STAFF_TOKEN_DAYS: /);
    expect(() => parseConfig({ STAFF_TOKEN_DAYS: 'a month' })).toThrow(/STAFF_TOKEN_DAYS: must be a whole number of days/);
  });
});

describe('OpenID Connect settings', () => {
  it('are off unless OIDC_ISSUER is set', () => {
    expect(parseConfig({}).oidc).toBeNull();
  });

  it('default to discovery, claims roles and clinics, RS256/ES256, 30 s tolerance and a 5 s timeout', () => {
    expect(parseConfig({ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'callback-api' }).oidc).toEqual({
      issuer: ISSUER,
      audience: 'callback-api',
      jwksUrl: null,
      roleClaim: 'roles',
      clinicsClaim: 'clinics',
      roleMap: null,
      algorithms: ['RS256', 'ES256'],
      clockToleranceSeconds: 30,
      timeoutMs: 5000,
    });
  });

  it('read every variable', () => {
    const oidc = parseConfig({
      OIDC_ISSUER: ISSUER,
      OIDC_AUDIENCE: 'callback-api',
      OIDC_JWKS_URL: `${ISSUER}/protocol/openid-connect/certs`,
      OIDC_ROLE_CLAIM: 'realm_access.roles',
      OIDC_CLINICS_CLAIM: 'https://region.example/clinics',
      OIDC_ROLE_MAP: 'Sjukskoterska=nurse, Verksamhetschef=manager,Forvaltning=admin',
      OIDC_ALGORITHMS: 'ES256',
      OIDC_CLOCK_TOLERANCE_SECONDS: '0',
      OIDC_TIMEOUT_MS: '1500',
    }).oidc;
    expect(oidc).toEqual({
      issuer: ISSUER,
      audience: 'callback-api',
      jwksUrl: `${ISSUER}/protocol/openid-connect/certs`,
      roleClaim: 'realm_access.roles',
      clinicsClaim: 'https://region.example/clinics',
      roleMap: { Sjukskoterska: 'nurse', Verksamhetschef: 'manager', Forvaltning: 'admin' },
      algorithms: ['ES256'],
      clockToleranceSeconds: 0,
      timeoutMs: 1500,
    });
  });

  it.each([
    [{ OIDC_AUDIENCE: 'callback-api' }, 'OIDC_ISSUER: is required when OIDC_AUDIENCE is set'],
    [{ OIDC_ROLE_CLAIM: 'groups', OIDC_JWKS_URL: 'https://x.example/keys' }, 'OIDC_ISSUER: is required when OIDC_JWKS_URL, OIDC_ROLE_CLAIM is set'],
    [{ OIDC_ISSUER: ISSUER }, 'OIDC_AUDIENCE: is required when OIDC_ISSUER is set'],
    [{ OIDC_ISSUER: 'login.region.example', OIDC_AUDIENCE: 'a' }, 'OIDC_ISSUER: must be an http(s) URL'],
    [{ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'a', OIDC_ROLE_MAP: 'Sjukskoterska=doctor' }, "OIDC_ROLE_MAP: 'Sjukskoterska=doctor' must be"],
    [{ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'a', OIDC_ALGORITHMS: 'RS256,HS256' }, 'OIDC_ALGORITHMS: must be a comma-separated list'],
    [{ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'a', OIDC_ALGORITHMS: 'none' }, 'OIDC_ALGORITHMS: must be a comma-separated list'],
    [{ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'a', OIDC_TIMEOUT_MS: '0' }, 'OIDC_TIMEOUT_MS: '],
  ])('stop start-up on %j naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('must use https in production', () => {
    const env = {
      NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://vard.example.se',
      CALLBACK_TOKEN_SECRET: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      SEED_DEMO: 'false',
      OIDC_ISSUER: 'http://login.region.example',
      OIDC_AUDIENCE: 'callback-api',
    };
    expect(() => parseConfig(env)).toThrow('OIDC_ISSUER: must be an https URL when NODE_ENV=production');
  });
});
