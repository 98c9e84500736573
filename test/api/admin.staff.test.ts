// The region's admin creates, changes, revokes and imports staff accounts through the API: the token shown once,
// clinics that apply to live sessions at once, an admin of some clinics kept to those, the last region-wide admin
// kept, every change audited, and an import recognising people by HSA-id that issues no token twice.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffPaths } from '../../src/http/pages/staff/paths.js';
import { startTestProvider, type TestProvider } from '../auth/oidcProvider.js';
import { useTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { signIn } from '../support/staffSignIn.js';

let provider: TestProvider;
const options: TestServerOptions = {};
beforeAll(async () => {
  provider = await startTestProvider();
  options.oidc = provider.config();
});
afterAll(async () => {
  await provider?.close();
});
// Tuesday 30 March 2027, 08:00 in Stockholm.
const server = useTestServer('2027-03-30T08:00:00+02:00', undefined, options);

const hsa = () => `SE2321000016-P${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function importCsv(s: TestServer, auth: Record<string, string>, csv: string, dryRun: boolean) {
  return fetch(`${s.baseUrl}/api/admin/staff/import?dryRun=${dryRun}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as any }),
  );
}

async function pageOf(s: TestServer, cookie: string, path: string) {
  const res = await fetch(s.baseUrl + path, { headers: { cookie }, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

describe('POST /api/admin/staff', () => {
  it('creates an account whose token is shown once and works, lists it without the token, and audits both', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const admin = { Authorization: await s.addStaff('admin', 'all') };
    const made = await s.request('POST', '/api/admin/staff', { headers: admin, body: { name: 'Nina Nord', role: 'nurse', clinics: [clinicId], phone: '070-111 22 33', days: 30 } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.account).toMatchObject({ name: 'Nina Nord', role: 'nurse', clinics: [clinicId], phone: '+46701112233', signIn: 'token', revokedAt: null });
    expect(made.body.expiresAt).toBe('2027-04-29T08:00:00+02:00');
    expect((await s.request('GET', '/api/staff/me', { headers: bearer(made.body.token) })).body).toMatchObject({ name: 'Nina Nord', clinicIds: [clinicId] });

    const list = await s.request('GET', '/api/admin/staff', { headers: admin });
    const listed = list.body.accounts.find((a: { id: string }) => a.id === made.body.account.id);
    expect(listed).toEqual(made.body.account);
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);
    expect(list.body.oidc).toMatchObject({ issuer: provider.issuer, roleClaim: 'roles', clinicsClaim: 'clinics' });
    const audit = await s.db.query<any>("SELECT action, detail FROM audit_events WHERE action IN ('staff.created', 'staff.listed') AND (detail->>'staffId' = $1 OR action = 'staff.listed')", [made.body.account.id]);
    expect(audit.rows.map((r: { action: string }) => r.action).sort()).toEqual(['staff.created', 'staff.listed']);
    expect(JSON.stringify(audit.rows)).not.toContain('+46701112233');
  });

  it('keeps an admin of some clinics to those: their accounts only, no "all", 404 for an account of another clinic', async () => {
    const s = server();
    const [mine, theirs] = [await s.addClinic(), await s.addClinic()];
    const local = { Authorization: await s.addStaff('admin', [mine]) };
    const region = { Authorization: await s.addStaff('admin', 'all') };
    expect((await s.request('POST', '/api/admin/staff', { headers: local, body: { name: 'A', role: 'nurse', clinics: [mine] } })).status).toBe(201);
    const foreign = await s.request('POST', '/api/admin/staff', { headers: local, body: { name: 'B', role: 'nurse', clinics: [theirs] } });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'forbidden']);
    expect((await s.request('POST', '/api/admin/staff', { headers: local, body: { name: 'C', role: 'manager', clinics: 'all' } })).status).toBe(403);
    const other = await s.request('POST', '/api/admin/staff', { headers: region, body: { name: 'D', role: 'nurse', clinics: [theirs] } });
    expect((await s.request('DELETE', `/api/admin/staff/${other.body.account.id}`, { headers: local })).status).toBe(404);
    const seen = (await s.request('GET', '/api/admin/staff', { headers: local })).body.accounts.map((a: { name: string }) => a.name);
    expect(seen).toContain('A');
    expect(seen).not.toContain('D');
    const nurse = { Authorization: await s.addStaff('nurse', [mine]) };
    expect((await s.request('GET', '/api/admin/staff', { headers: nurse })).status).toBe(403);
  });
});

describe('PATCH and DELETE /api/admin/staff/{staffId}', () => {
  it('gives a nurse another clinic that her open page session shows at once, and revoking ends token and session together', async () => {
    const s = server();
    const [first, second] = [await s.addClinic({ name: 'Vårdcentralen Första' }), await s.addClinic({ name: 'Vårdcentralen Andra' })];
    const admin = { Authorization: await s.addStaff('admin', 'all') };
    const made = (await s.request('POST', '/api/admin/staff', { headers: admin, body: { name: 'Sara Syd', role: 'nurse', clinics: [first] } })).body;
    const cookie = await signIn(s, made.token);
    expect((await pageOf(s, cookie, staffPaths.queue(second))).status).toBe(403);

    const changed = await s.request('PATCH', `/api/admin/staff/${made.account.id}`, { headers: admin, body: { clinics: [first, second], phone: '070-222 33 44' } });
    expect(changed.body).toMatchObject({ clinics: [first, second].sort(), phone: '+46702223344' });
    const home = await pageOf(s, cookie, staffPaths.home);
    expect(home.text).toContain('Vårdcentralen Andra');
    expect((await pageOf(s, cookie, staffPaths.queue(second))).status).toBe(200);

    const revoked = await s.request('DELETE', `/api/admin/staff/${made.account.id}`, { headers: admin });
    expect(revoked.body.revokedAt).toBe('2027-03-30T08:00:00+02:00');
    expect((await s.request('GET', '/api/staff/me', { headers: bearer(made.token) })).status).toBe(401);
    expect((await pageOf(s, cookie, staffPaths.home)).status).toBe(303);
    expect((await s.request('DELETE', `/api/admin/staff/${made.account.id}`, { headers: admin })).body.revokedAt).toBe('2027-03-30T08:00:00+02:00');
    const audit = await s.db.query<any>("SELECT action, detail FROM audit_events WHERE detail->>'staffId' = $1 ORDER BY id", [made.account.id]);
    expect(audit.rows.map((r: { action: string }) => r.action)).toEqual(['staff.created', 'staff.changed', 'staff.revoked', 'staff.revoked']);
    expect(audit.rows[1].detail.fields).toEqual(['clinics', 'phoneE164']);
  });

  it('keeps the last active region-wide admin: not revoked, not narrowed, until there is another', async () => {
    const s = server();
    // The region-wide admins earlier tests made are revoked first: this one is then the only one.
    await s.db.query("UPDATE staff SET disabled_at = now() WHERE role = 'admin' AND all_clinics");
    const clinicId = await s.addClinic();
    const self = { Authorization: await s.addStaff('admin', 'all') };
    const { id } = (await s.request('GET', '/api/staff/me', { headers: self })).body;
    const revoke = await s.request('DELETE', `/api/admin/staff/${id}`, { headers: self });
    expect([revoke.status, revoke.body.error.code]).toEqual([409, 'last_admin']);
    const narrow = await s.request('PATCH', `/api/admin/staff/${id}`, { headers: self, body: { clinics: [clinicId] } });
    expect([narrow.status, narrow.body.error.code]).toEqual([409, 'last_admin']);
    expect((await s.request('PATCH', `/api/admin/staff/${id}`, { headers: self, body: { phone: null } })).status).toBe(200);

    const second = await s.request('POST', '/api/admin/staff', { headers: self, body: { name: 'Två', role: 'admin', clinics: 'all' } });
    expect((await s.request('DELETE', `/api/admin/staff/${id}`, { headers: self })).status).toBe(200);
    expect((await s.request('GET', '/api/admin/staff', { headers: bearer(second.body.token) })).status).toBe(200);
  });

  it('leaves an OpenID Connect account’s clinics to its sign-ins, but sets its phone and revokes it', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const admin = { Authorization: await s.addStaff('admin', 'all') };
    const jwt = await provider.sign({ sub: `oidc-${randomUUID()}`, name: 'Olle Oidc', roles: ['nurse'], clinics: [clinicId] }, s.clock.now());
    const me = (await s.request('GET', '/api/staff/me', { headers: bearer(jwt) })).body;
    const clinics = await s.request('PATCH', `/api/admin/staff/${me.id}`, { headers: admin, body: { clinics: [clinicId] } });
    expect([clinics.status, clinics.body.error.details.fields[0].code]).toEqual([400, 'clinics_from_sign_in']);
    expect((await s.request('PATCH', `/api/admin/staff/${me.id}`, { headers: admin, body: { phone: '070-333 44 55' } })).body).toMatchObject({ signIn: 'oidc', phone: '+46703334455' });
    expect((await s.request('DELETE', `/api/admin/staff/${me.id}`, { headers: admin })).status).toBe(200);
    expect((await s.request('GET', '/api/staff/me', { headers: bearer(jwt) })).status).toBe(401);
  });
});

describe('POST /api/admin/staff/import', () => {
  it('plans, refuses a bad file whole, imports it fixed with each token once, and on a second import creates nobody', async () => {
    const s = server();
    const [a, b] = [await s.addClinic(), await s.addClinic()];
    const admin = { Authorization: await s.addStaff('admin', 'all') };
    const [anna, bo, cia] = [hsa(), hsa(), hsa()];
    const lines = (rows: string[]) => ['hsa-id;namn;roll;vårdcentraler;telefon;giltig dagar', ...rows].join('\n');
    const bad = lines([`${anna};Anna Ås;sjuksköterska;${a};070-123 45 67;`, `${bo};Bo Ek;läkare;${a} ${b};;`, `${cia};Cia By;chef;vc-finns-inte;;30`, `${anna};Anna igen;sjuksköterska;${a};;`]);
    const dry = await importCsv(s, admin, bad, true);
    expect(dry.body.lines.map((l: any) => [l.line, l.action, l.issues.map((i: any) => i.column)])).toEqual([
      [2, 'create', []],
      [3, 'refused', ['roll']],
      [4, 'refused', ['vårdcentraler']],
      [5, 'refused', ['hsa-id']],
    ]);
    const refused = await importCsv(s, admin, bad, false);
    expect(refused.status).toBe(400);
    expect((await s.db.query<any>('SELECT count(*)::int AS n FROM staff WHERE hsa_id = $1', [anna])).rows[0].n).toBe(0);

    const good = lines([`${anna};Anna Ås;sjuksköterska;${a};070-123 45 67;`, `${bo};Bo Ek;admin;${a}|${b};;`, `${cia};Cia By;chef;${b};;30`]);
    const applied = await importCsv(s, admin, good, false);
    expect(applied.body.counts).toEqual({ create: 3, update: 0, unchanged: 0, refused: 0 });
    expect(applied.body.created.map((c: any) => [c.line, c.account.name, c.account.clinics])).toEqual([
      [2, 'Anna Ås', [a]],
      [3, 'Bo Ek', [a, b].sort()],
      [4, 'Cia By', [b]],
    ]);
    const annaToken = applied.body.created[0].token;
    expect((await s.request('GET', '/api/staff/me', { headers: bearer(annaToken) })).body.name).toBe('Anna Ås');
    expect(applied.body.created[2].expiresAt).toBe('2027-04-29T08:00:00+02:00');

    const again = await importCsv(s, admin, good, false);
    expect([again.body.counts, again.body.created]).toEqual([{ create: 0, update: 0, unchanged: 3, refused: 0 }, []]);

    const moved = await importCsv(s, admin, lines([`${anna};Anna Ås;sjuksköterska;${a} ${b};070-123 45 67;`, `${cia};Cia By;admin;${b};;`]), true);
    expect(moved.body.lines.map((l: any) => [l.action, l.changes, l.issues.map((i: any) => i.column)])).toEqual([
      ['update', ['clinics'], []],
      ['refused', [], ['roll']],
    ]);
  });
});
