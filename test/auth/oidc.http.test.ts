// OpenID Connect through the real app: a signed-in nurse works the queue, refusals are 401/403/503, tokens keep working.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStaffCommand } from '../../src/cli/staffCommands.js';
import { oidcStaffId } from '../../src/services/oidc.js';
import { useTestServer, type TestServerOptions } from '../support/server.js';
import { startTestProvider, type TestProvider } from './oidcProvider.js';

// Tuesday after Easter 2027, summer time; the earliest bookable slot at 08:00 is 08:15.
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const TUESDAY_0815 = '2027-03-30T08:15:00+02:00';

let provider: TestProvider;
const options: TestServerOptions = {};
beforeAll(async () => {
  provider = await startTestProvider();
  options.oidc = provider.config();
});
afterAll(async () => {
  await provider?.close();
});
// Registered after the provider's beforeAll, so the server starts with its settings.
const server = useTestServer(TUESDAY_0800, undefined, options);

const bearer = async (claims: Record<string, unknown>) => `Bearer ${await provider.sign(claims, server().clock.now())}`;
const get = (path: string, authorization: string) => server().request('GET', path, { headers: { Authorization: authorization } });

describe('a provider that is down', () => {
  // First in the file: no keys are cached yet, so the request must reach the provider.
  it('answers 503 service_unavailable, not 500, and works again once the provider is back', async () => {
    const authorization = await bearer({ sub: 'early-bird', roles: ['nurse'] });
    provider.mode = 'error';
    try {
      const res = await get('/api/staff/me', authorization);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('service_unavailable');
      expect(res.body.error.message).toMatch(/sign-in service/);
    } finally {
      provider.mode = 'ok';
    }
    expect((await get('/api/staff/me', authorization)).status).toBe(200);
  });
});

describe('a nurse signed in through OpenID Connect', () => {
  it('is who the claims say, works her clinic’s queue under a stable staff id, and is audited under it', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic();
    const booked = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } });
    expect(booked.status).toBe(201);
    server().clock.set(TUESDAY_0815);
    const nurse = await bearer({ sub: 'sara-s', name: 'Sara Sjöberg', roles: ['nurse'], clinics: [clinicId] });
    const staffId = oidcStaffId(provider.issuer, 'sara-s');

    expect((await get('/api/staff/me', nurse)).body).toEqual({ id: staffId, name: 'Sara Sjöberg', role: 'nurse', clinicIds: [clinicId] });
    const claimed = await server().request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: nurse } });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ id: booked.body.id, claimedBy: staffId });
    const attempt = await server().request('POST', `/api/staff/callbacks/${booked.body.id}/attempts`, {
      headers: { Authorization: nurse },
      body: { outcome: 'answered' },
    });
    expect(attempt.status).toBe(201);

    const { rows } = await server().db.query<any>('SELECT action FROM audit_events WHERE staff_id = $1 ORDER BY id', [staffId]);
    expect(rows.map((r) => r.action)).toEqual(['callback.claim', 'callback.attempt']);
  });

  it('gets 403 for a clinic her token does not name, audited under her staff id', async () => {
    const other = await server().addClinic();
    const nurse = await bearer({ sub: 'sara-s', name: 'Sara Sjöberg', roles: ['nurse'], clinics: [] });
    const res = await get(`/api/staff/clinics/${other}/queue`, nurse);
    expect(res.status).toBe(403);
    const { rows } = await server().db.query<any>("SELECT staff_id, request FROM audit_events WHERE action = 'access.denied' AND clinic_id = $1", [other]);
    expect(rows).toEqual([{ staff_id: oidcStaffId(provider.issuer, 'sara-s'), request: `GET /api/staff/clinics/${other}/queue` }]);
  });

  it('can no longer sign in once her account is revoked with npm run staff -- revoke', async () => {
    const nurse = await bearer({ sub: 'leaves-today', roles: ['nurse'] });
    const { id } = (await get('/api/staff/me', nurse)).body;
    expect(await runStaffCommand(server().db, server().clock, { kind: 'revoke', id })).toMatch(/^Revoked nurse oidc:leaves-today/);
    const res = await get('/api/staff/me', nurse);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('This staff account was revoked.');
  });
});

describe('refused sign-in tokens (401 unauthenticated)', () => {
  it.each([
    ['another audience', { aud: 'another-api' }, /"aud"/],
    ['another issuer', { iss: 'https://idp.example.org' }, /"iss"/],
    ['no role claim', { roles: undefined }, /carries no staff role: claim 'roles'/],
  ])('%s', async (_name, claims, message) => {
    const res = await get('/api/staff/me', await bearer({ sub: 'someone', roles: ['admin'], ...claims }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    expect(res.body.error.message).toMatch(message);
  });

  it('expired by the app’s clock', async () => {
    server().clock.set(TUESDAY_0800);
    const authorization = await bearer({ sub: 'someone', roles: ['nurse'] });
    server().clock.set(DateTime.fromISO(TUESDAY_0800).plus({ hours: 2 }));
    const res = await get('/api/staff/me', authorization);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('The bearer token expired at 2027-03-30T09:00:00+02:00. Sign in again.');
  });
});

describe('bearer tokens beside OpenID Connect', () => {
  it('keep working for small clinics', async () => {
    const clinicId = await server().addClinic();
    const authorization = await server().addStaff('manager', [clinicId]);
    expect((await get('/api/staff/me', authorization)).body).toMatchObject({ role: 'manager', clinicIds: [clinicId] });
  });
});
