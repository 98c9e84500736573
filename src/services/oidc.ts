// Verifies staff sign-in JWTs from the region's OpenID Connect provider (jose) and reads role and clinics from their claims.
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { OidcConfig } from '../config/oidc.js';
import { STAFF_ROLES, type StaffRole } from '../db/staff.js';
import { REGION_TIMEZONE } from '../domain/schedule.js';
import { AppError, ServiceUnavailable, TokenExpired, Unauthenticated } from '../errors.js';
import type { Logger } from '../logger.js';

export interface OidcIdentity {
  issuer: string;
  subject: string;
  name: string;
  role: StaffRole;
  /** 'all': every clinic there is at the moment of the request (region follow-up staff). */
  clinics: string[] | 'all';
  /** The token's exp: nothing signed in with it (a page session) outlives it. */
  expiresAt: Date;
}

export interface OidcVerifier {
  /** Throws Unauthenticated for a token we refuse, ServiceUnavailable when the provider's keys cannot be had. */
  verify(jwt: string): Promise<OidcIdentity>;
}

/** Three base64url parts, the header a JSON object: what an OpenID Connect access or ID token looks like. */
export function looksLikeJwt(token: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * The staff id of someone signed in through OpenID Connect: a UUID derived from issuer and subject, so
 * every process and every request gives the same person the same id (claims, attempts and audits use it).
 */
export function oidcStaffId(issuer: string, subject: string): string {
  const bytes = createHash('sha256').update(`${issuer}\u0000${subject}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8: a custom, name-derived UUID (RFC 9562)
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const Discovery = z.object({ issuer: z.string(), jwks_uri: z.url() });

class ProviderUnavailable extends ServiceUnavailable {
  constructor() {
    super('The sign-in service (OpenID Connect provider)');
  }
}

/** A claim by its exact name (it may be a URL), else by a dotted path such as realm_access.roles. */
function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  return name.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload);
}

function stringList(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return null;
}

export function createOidcVerifier(config: OidcConfig, deps: { clock: Clock; logger?: Logger }): OidcVerifier {
  const expectedRoles = config.roleMap ? Object.keys(config.roleMap) : [...STAFF_ROLES];

  function unavailable(step: string, cause: unknown): ProviderUnavailable {
    // The cause names a URL or a network error, never the token.
    deps.logger?.warn({ step, err: { type: (cause as Error)?.name, message: (cause as Error)?.message } }, 'OpenID Connect provider unavailable');
    return new ProviderUnavailable();
  }

  async function discoverJwksUrl(): Promise<string> {
    const url = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let body: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(config.timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
      if (response.status !== 200) throw new Error(`HTTP ${response.status} from ${url}`);
      body = await response.json();
    } catch (cause) {
      throw unavailable('discovery', cause);
    }
    const parsed = Discovery.safeParse(body);
    // A document naming another issuer would let that issuer's keys sign for ours.
    if (!parsed.success || parsed.data.issuer !== config.issuer) {
      throw unavailable('discovery', new Error(`${url} has no jwks_uri for issuer ${config.issuer}`));
    }
    return parsed.data.jwks_uri;
  }

  let keySet: Promise<JWTVerifyGetKey> | null = null;
  function keys(): Promise<JWTVerifyGetKey> {
    if (!keySet) {
      const pending = (config.jwksUrl ? Promise.resolve(config.jwksUrl) : discoverJwksUrl()).then((url) =>
        createRemoteJWKSet(new URL(url), { timeoutDuration: config.timeoutMs }),
      );
      keySet = pending;
      // A failed discovery is tried again on the next request rather than remembered.
      pending.catch(() => {
        if (keySet === pending) keySet = null;
      });
    }
    return keySet;
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const remote = await keys();
    try {
      return await remote(header, token);
    } catch (error) {
      // No key for the token's kid, or an unusable one: the token's fault. Anything else (refused connection,
      // timeout, non-200, not a key set) is the provider's.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) {
        throw error;
      }
      throw unavailable('keys', error);
    }
  };

  function roleOf(payload: JWTPayload): StaffRole {
    const values = stringList(claim(payload, config.roleClaim)) ?? [];
    const roles = new Set(
      values.flatMap((v) => {
        const role = config.roleMap ? config.roleMap[v] : (STAFF_ROLES as readonly string[]).includes(v) ? (v as StaffRole) : undefined;
        return role ? [role] : [];
      }),
    );
    if (roles.size === 0) {
      throw new Unauthenticated(`The sign-in token carries no staff role: claim '${config.roleClaim}' must hold one of ${expectedRoles.join(', ')}.`);
    }
    // nurse and manager see different things; guessing one (or promoting to admin) would be wrong either way.
    if (roles.size > 1) {
      throw new Unauthenticated(`The sign-in token carries several staff roles (${[...roles].join(', ')}); an account must have exactly one.`);
    }
    return [...roles][0]!;
  }

  function clinicsOf(payload: JWTPayload): string[] | 'all' {
    const values = stringList(claim(payload, config.clinicsClaim));
    if (values === null) {
      throw new Unauthenticated(`The sign-in token's claim '${config.clinicsClaim}' must be a list of clinic ids or "all".`);
    }
    return values.includes('all') ? 'all' : values;
  }

  function nameOf(payload: JWTPayload, subject: string): string {
    for (const key of ['name', 'preferred_username']) {
      const value = payload[key];
      if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 200);
    }
    return `oidc:${subject}`;
  }

  return {
    async verify(jwt) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(jwt, getKey, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms,
          clockTolerance: config.clockToleranceSeconds,
          // The app's clock, not the machine's: tests and APP_NOW demos move time.
          currentDate: deps.clock.now().toJSDate(),
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof errors.JWTExpired && typeof error.payload.exp === 'number') {
          const expiredAt = DateTime.fromSeconds(error.payload.exp, { zone: REGION_TIMEZONE }).toISO({ suppressMilliseconds: true })!;
          throw new TokenExpired(expiredAt, 'Sign in again.');
        }
        if (error instanceof errors.JOSEError) throw new Unauthenticated(`The sign-in token was refused: ${error.message}.`);
        throw new Unauthenticated('The sign-in token is malformed.');
      }
      const subject = payload.sub!;
      return {
        issuer: config.issuer,
        subject,
        name: nameOf(payload, subject),
        role: roleOf(payload),
        clinics: clinicsOf(payload),
        // Required above, so always a number here.
        expiresAt: new Date(payload.exp! * 1000),
      };
    },
  };
}
