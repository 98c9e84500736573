// OpenID Connect sign-in for staff: JWTs verified against a local provider's keys, role and clinics read from claims.
import { generateKeyPair, SignJWT } from 'jose';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { ServiceUnavailable, TokenExpired, Unauthenticated } from '../../src/errors.js';
import { createOidcVerifier, looksLikeJwt, oidcStaffId } from '../../src/services/oidc.js';
import { createStaffAuthenticator } from '../../src/services/staffAuth.js';
import { openTestDatabase, uniqueClinicId } from '../support/database.js';
import { closedPortUrl, startTestProvider, unsignedToken, type TestProvider } from './oidcProvider.js';

const NOW = '2027-03-30T08:00:00+02:00';
const now = DateTime.fromISO(NOW, { setZone: true });

let provider: TestProvider;
let db: Database;
let clinicA: string;
let clinicB: string;

beforeAll(async () => {
  provider = await startTestProvider();
  db = await openTestDatabase();
  clinicA = uniqueClinicId();
  clinicB = uniqueClinicId();
  for (const id of [clinicA, clinicB]) await insertClinic(db, clinicRules({ id, name: `Clinic ${id}` }));
});

afterAll(async () => {
  await provider?.close();
  await db?.close();
});

/** A fresh verifier (and so a fresh key cache) on the manual clock. */
const verifier = (overrides: Parameters<TestProvider['config']>[0] = {}, clock = manualClock(NOW)) =>
  createOidcVerifier(provider.config(overrides), { clock });

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('expected the token to be refused');
  return error;
}

describe('a valid token', () => {
  it('gives the claimed role and clinics, with the subject, name and expiry', async () => {
    const jwt = await provider.sign({ sub: 'anna-1', name: 'Anna Andersson', roles: ['nurse'], clinics: [clinicA] }, now);
    expect(await verifier().verify(jwt)).toEqual({
      issuer: provider.issuer,
      subject: 'anna-1',
      name: 'Anna Andersson',
      role: 'nurse',
      clinics: [clinicA],
      // The provider's tokens last an hour from `now`.
      expiresAt: new Date(Math.floor(now.toSeconds() + 3600) * 1000),
    });
  });

  it('is accepted signed with ES256 too, and keys found through the issuer’s discovery document', async () => {
    provider.requests.length = 0;
    const jwt = await provider.sign({ sub: 'bo-2', roles: 'manager', clinics: `${clinicA} ${clinicB}` }, now, { alg: 'ES256' });
    expect(await verifier().verify(jwt)).toMatchObject({ role: 'manager', clinics: [clinicA, clinicB], name: 'oidc:bo-2' });
    expect(provider.requests).toEqual(['/.well-known/openid-configuration', '/keys']);
  });

  it('reads a nested claim (realm_access.roles) and maps the provider’s role names when a role map is set', async () => {
    const jwt = await provider.sign({ sub: 'c-3', realm_access: { roles: ['offline_access', 'Verksamhetschef'] }, clinics: [clinicB] }, now);
    const identity = await verifier({ roleClaim: 'realm_access.roles', roleMap: { Verksamhetschef: 'manager', Sjukskoterska: 'nurse' } }).verify(jwt);
    expect(identity.role).toBe('manager');
  });

  it('is accepted within the clock tolerance after exp, judged by the app’s clock', async () => {
    const jwt = await provider.sign({ sub: 'd-4', roles: ['nurse'], exp: Math.floor(now.toSeconds()) - 20 }, now.minus({ hours: 1 }));
    expect((await verifier().verify(jwt)).role).toBe('nurse');
  });
});

describe('refused tokens (401)', () => {
  it('with another audience', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'], aud: 'some-other-api' }, now);
    const error = await refusal(verifier().verify(jwt));
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error.message).toMatch(/aud/);
  });

  it('from another issuer', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'], iss: 'https://idp.example.org' }, now);
    const error = await refusal(verifier().verify(jwt));
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error.message).toMatch(/iss/);
  });

  it('expired by the app’s clock, saying when it expired', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'] }, now);
    const clock = manualClock(NOW);
    clock.advance({ hours: 1, minutes: 1 });
    const error = await refusal(verifier({}, clock).verify(jwt));
    expect(error).toBeInstanceOf(TokenExpired);
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error.message).toBe('The bearer token expired at 2027-03-30T09:00:00+02:00. Sign in again.');
  });

  it('without exp (a token that never expires is not accepted)', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'], exp: undefined }, now);
    const error = await refusal(verifier().verify(jwt));
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error.message).toMatch(/missing required "exp" claim/);
  });

  it('with a bad signature (signed by another key under the provider’s key id)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const jwt = await provider.sign({ sub: 'x', roles: ['admin'] }, now, { key: privateKey });
    const error = await refusal(verifier().verify(jwt));
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error.message).toMatch(/signature verification failed/);
  });

  it('with alg none, before any key is fetched', async () => {
    provider.requests.length = 0;
    const iat = Math.floor(now.toSeconds());
    const jwt = unsignedToken({ sub: 'x', roles: ['admin'], iss: provider.issuer, aud: 'callback-api', iat, exp: iat + 3600 });
    expect(looksLikeJwt(jwt)).toBe(true);
    const error = await refusal(verifier().verify(jwt));
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error.message).toMatch(/"alg" \(Algorithm\) Header Parameter value not allowed/);
    expect(provider.requests).toEqual([]);
  });

  it('with HS256 (a shared secret is never accepted)', async () => {
    const iat = Math.floor(now.toSeconds());
    const jwt = await new SignJWT({ sub: 'x', roles: ['admin'], iss: provider.issuer, aud: 'callback-api', iat, exp: iat + 3600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a-shared-secret-anyone-could-guess-0123456789'));
    expect((await refusal(verifier().verify(jwt))).message).toMatch(/not allowed/);
  });

  it('without a role claim, saying which claim and values are expected', async () => {
    const jwt = await provider.sign({ sub: 'x', clinics: [clinicA] }, now);
    const error = await refusal(verifier().verify(jwt));
    expect(error).toBeInstanceOf(Unauthenticated);
    expect(error.message).toBe("The sign-in token carries no staff role: claim 'roles' must hold one of nurse, manager, admin.");
  });

  it('with a role the role map does not name, though it is one of ours', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['admin'] }, now);
    const error = await refusal(verifier({ roleMap: { Sjukskoterska: 'nurse' } }).verify(jwt));
    expect(error.message).toBe("The sign-in token carries no staff role: claim 'roles' must hold one of Sjukskoterska.");
  });

  it('with two roles', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse', 'manager'] }, now);
    expect((await refusal(verifier().verify(jwt))).message).toMatch(/several staff roles \(nurse, manager\)/);
  });

  it('with a clinics claim that is not a list of ids', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'], clinics: { a: 1 } }, now);
    expect((await refusal(verifier().verify(jwt))).message).toBe(`The sign-in token's claim 'clinics' must be a list of clinic ids or "all".`);
  });
});

describe('an unavailable provider (503, never 500 or a hang)', () => {
  it('when the key set URL refuses connections', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'] }, now);
    const error = await refusal(verifier({ jwksUrl: `${await closedPortUrl()}/keys` }).verify(jwt));
    expect(error).toBeInstanceOf(ServiceUnavailable);
  });

  it('when discovery at the issuer refuses connections', async () => {
    const down = await closedPortUrl();
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'], iss: down }, now);
    const error = await refusal(verifier({ issuer: down }).verify(jwt));
    expect(error).toBeInstanceOf(ServiceUnavailable);
  });

  it('when the provider answers 500, and again once it is back', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'] }, now);
    const v = verifier();
    provider.mode = 'error';
    try {
      expect(await refusal(v.verify(jwt))).toBeInstanceOf(ServiceUnavailable);
    } finally {
      provider.mode = 'ok';
    }
    // A failed discovery is not remembered: the next request finds the keys.
    expect((await v.verify(jwt)).role).toBe('nurse');
  });

  it('when the provider accepts the connection and never answers, after the configured timeout', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'] }, now);
    provider.mode = 'hang';
    try {
      const error = await refusal(verifier({ timeoutMs: 300 }).verify(jwt));
      expect(error).toBeInstanceOf(ServiceUnavailable);
      expect(error.message).toMatch(/sign-in service/);
    } finally {
      provider.mode = 'ok';
    }
  });

  it('when the discovery document names another issuer (its keys must not sign for ours)', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'], iss: `${provider.issuer}/realms/x` }, now);
    const error = await refusal(verifier({ issuer: `${provider.issuer}/realms/x` }).verify(jwt));
    expect(error).toBeInstanceOf(ServiceUnavailable);
  });
});

describe('the staff authenticator with OpenID Connect', () => {
  const authenticator = () => createStaffAuthenticator({ db, clock: manualClock(NOW), oidc: verifier() });

  it('gives a signed-in nurse a stable staff id and an account row, and keeps opaque tokens working', async () => {
    const jwt = await provider.sign({ sub: 'nurse-77', name: 'Eva Ek', roles: ['nurse'], clinics: [clinicA] }, now);
    const first = await authenticator().authenticate(`Bearer ${jwt}`);
    const again = await authenticator().authenticate(`Bearer ${jwt}`);
    expect(first).toEqual({ id: oidcStaffId(provider.issuer, 'nurse-77'), name: 'Eva Ek', role: 'nurse', clinicIds: [clinicA], regionWide: false });
    expect(again).toEqual(first);
    const { rows } = await db.query<any>('SELECT name, role, token_hash, oidc_issuer, oidc_subject FROM staff WHERE id = $1', [first.id]);
    expect(rows).toEqual([{ name: 'Eva Ek', role: 'nurse', token_hash: null, oidc_issuer: provider.issuer, oidc_subject: 'nurse-77' }]);
  });

  it('follows a role change at the provider on the next sign-in', async () => {
    const before = await provider.sign({ sub: 'changer', roles: ['nurse'] }, now);
    const after = await provider.sign({ sub: 'changer', roles: ['manager'] }, now);
    expect((await authenticator().authenticate(`Bearer ${before}`)).role).toBe('nurse');
    const staff = await authenticator().authenticate(`Bearer ${after}`);
    expect(staff.role).toBe('manager');
    const { rows } = await db.query<any>('SELECT role FROM staff WHERE id = $1', [staff.id]);
    expect(rows[0].role).toBe('manager');
  });

  it('gives clinics "all" every clinic there is, as a region-wide member', async () => {
    const jwt = await provider.sign({ sub: 'region-1', roles: ['manager'], clinics: 'all' }, now);
    const staff = await authenticator().authenticate(`Bearer ${jwt}`);
    expect(staff.clinicIds).toEqual(expect.arrayContaining([clinicA, clinicB]));
    expect(staff.regionWide).toBe(true);
  });

  it('refuses a revoked account though its token is valid', async () => {
    const jwt = await provider.sign({ sub: 'leaver', roles: ['nurse'] }, now);
    const staff = await authenticator().authenticate(`Bearer ${jwt}`);
    await db.query("UPDATE staff SET disabled_at = '2027-03-30T07:00:00+02:00' WHERE id = $1", [staff.id]);
    await expect(authenticator().authenticate(`Bearer ${jwt}`)).rejects.toThrow(new Unauthenticated('This staff account was revoked.'));
  });

  it('refuses JWTs when OpenID Connect is not configured', async () => {
    const jwt = await provider.sign({ sub: 'x', roles: ['nurse'] }, now);
    await expect(createStaffAuthenticator({ db, clock: manualClock(NOW) }).authenticate(`Bearer ${jwt}`)).rejects.toThrow(
      /OpenID Connect is not configured/,
    );
  });
});
