// Staff page sessions as an attacker probes them: a session ends when what it was opened with ends (the key's
// expiry, the sign-in JWT's exp, revocation), a sign-in cannot be posted from another site, a new sign-in ends the
// browser's old session, and a cookie that cannot be read is no session (never a 500), nor are two of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashStaffToken } from '../../src/services/staffAuth.js';
import { useTestServer, type TestServerOptions } from '../support/server.js';
import { startTestProvider, type TestProvider } from '../auth/oidcProvider.js';

const TUESDAY_0820 = '2027-03-30T08:20:00+02:00';

let provider: TestProvider;
const options: TestServerOptions = {};
beforeAll(async () => {
  provider = await startTestProvider();
  options.oidc = provider.config({ clockToleranceSeconds: 0 });
});
afterAll(async () => {
  await provider?.close();
});
const server = useTestServer(TUESDAY_0820, undefined, options);

/** Posts the sign-in form as a browser on this site would; returns the status, the cookie set and its Max-Age. */
async function signIn(token: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server().baseUrl}/personal/logga-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token, next: '/personal' }),
    redirect: 'manual',
  });
  const setCookie = res.headers.get('set-cookie');
  return {
    status: res.status,
    body: await res.text(),
    cookie: setCookie ? setCookie.split(';')[0]! : null,
    maxAge: setCookie ? Number(/Max-Age=(\d+)/.exec(setCookie)?.[1]) : null,
  };
}

/** The staff start page with this Cookie header: 200 when signed in, 303 to the sign-in page when not. */
const home = (cookie: string) => fetch(`${server().baseUrl}/personal`, { headers: { cookie }, redirect: 'manual' });
const queueJson = (clinicId: string, cookie: string) =>
  fetch(`${server().baseUrl}/personal/vardcentral/${clinicId}/ko.json`, { headers: { cookie }, redirect: 'manual' });

describe('a staff session ends with what it was opened with', () => {
  it('ends when the key expires: signed in at 08:20 with a key valid to 08:30, refused at 08:40 though the shift is not over', async () => {
    const s = server();
    s.clock.set(TUESDAY_0820);
    const clinicId = await s.addClinic();
    const token = (await s.addStaff('nurse', [clinicId], { days: 1 })).replace('Bearer ', '');
    // The key's expiry moved to 08:30 today (as an administrator shortening it would).
    await s.db.query(`UPDATE staff SET token_expires_at = $2 WHERE token_hash = $1`, [hashStaffToken(token), '2027-03-30T08:30:00+02:00']);
    const signedIn = await signIn(token);
    expect(signedIn.status).toBe(303);
    // The browser is told too: the cookie lasts ten minutes, not twelve hours.
    expect(signedIn.maxAge).toBe(600);
    expect((await home(signedIn.cookie!)).status).toBe(200);

    s.clock.set('2027-03-30T08:40:00+02:00');
    expect((await s.request('GET', '/api/staff/me', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    const page = await home(signedIn.cookie!);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/personal\/logga-in/);
    const live = await queueJson(clinicId, signedIn.cookie!);
    expect(live.status).toBe(401);
    expect((await live.json()).error.code).toBe('unauthenticated');
  });

  it('ends when the key’s expiry is moved earlier after sign-in', async () => {
    const s = server();
    s.clock.set(TUESDAY_0820);
    const clinicId = await s.addClinic();
    const token = (await s.addStaff('nurse', [clinicId], { days: 30 })).replace('Bearer ', '');
    const signedIn = await signIn(token);
    expect(signedIn.maxAge).toBe(12 * 3600);
    await s.db.query(`UPDATE staff SET token_expires_at = $2 WHERE token_hash = $1`, [hashStaffToken(token), '2027-03-30T08:25:00+02:00']);
    expect((await home(signedIn.cookie!)).status).toBe(200);
    s.clock.set('2027-03-30T08:26:00+02:00');
    expect((await home(signedIn.cookie!)).status).toBe(303);
  });

  it('ends when the account is revoked', async () => {
    const s = server();
    s.clock.set(TUESDAY_0820);
    const clinicId = await s.addClinic();
    const token = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    const signedIn = await signIn(token);
    expect((await home(signedIn.cookie!)).status).toBe(200);
    await s.db.query(`UPDATE staff SET disabled_at = now() WHERE token_hash = $1`, [hashStaffToken(token)]);
    expect((await home(signedIn.cookie!)).status).toBe(303);
  });

  it('ends at the sign-in JWT’s exp (OpenID Connect), not twelve hours later', async () => {
    const s = server();
    s.clock.set(TUESDAY_0820);
    const clinicId = await s.addClinic();
    const iat = Math.floor(s.clock.now().toSeconds());
    const jwt = await provider.sign({ sub: 'nurse-exp', roles: ['nurse'], clinics: [clinicId], exp: iat + 600 }, s.clock.now());
    const signedIn = await signIn(jwt);
    expect(signedIn.status).toBe(303);
    expect(signedIn.maxAge).toBe(600);
    expect((await home(signedIn.cookie!)).status).toBe(200);
    s.clock.set('2027-03-30T08:31:00+02:00');
    expect((await home(signedIn.cookie!)).status).toBe(303);
  });
});

describe('signing in', () => {
  it('refuses a sign-in posted from another site (login CSRF), by Sec-Fetch-Site or by Origin, and sets no cookie', async () => {
    const s = server();
    s.clock.set(TUESDAY_0820);
    const clinicId = await s.addClinic();
    const attackers = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    for (const headers of <Record<string, string>[]>[
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://evil.vard.example' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ]) {
      const forged = await signIn(attackers, headers);
      expect(forged.status, JSON.stringify(headers)).toBe(403);
      expect(forged.cookie, JSON.stringify(headers)).toBeNull();
      expect(forged.body).toContain('annan webbplats');
    }
    // This site's own form, as a browser sends it, and a client that is no browser (no such headers), still sign in.
    expect((await signIn(attackers, { 'sec-fetch-site': 'same-origin', origin: s.baseUrl })).status).toBe(303);
    expect((await signIn(attackers, { origin: s.baseUrl })).status).toBe(303);
    expect((await signIn(attackers)).status).toBe(303);
  });

  it('ends the browser’s previous session: a second sign-in does not leave the first one alive', async () => {
    const s = server();
    s.clock.set(TUESDAY_0820);
    const clinicId = await s.addClinic();
    const admin = (await s.addStaff('admin', [clinicId])).replace('Bearer ', '');
    const nurse = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    const first = await signIn(admin);
    expect((await home(first.cookie!)).status).toBe(200);
    const second = await signIn(nurse, { cookie: first.cookie! });
    expect(second.status).toBe(303);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await home(first.cookie!)).status).toBe(303);
    expect((await home(second.cookie!)).status).toBe(200);
  });
});

describe('a session cookie that cannot be read', () => {
  it('is no session, never a 500: malformed percent-encodings on pages and on the live queue', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    for (const cookie of ['cbs_session=%', 'cbs_session=%E0%A4%A', 'cbs_session=', 'cbs_session', 'cbs_session=a b', `cbs_session=${'x'.repeat(5000)}`, '=%; cbs_session=%ff']) {
      const page = await home(cookie);
      expect(page.status, cookie).toBe(303);
      expect(page.headers.get('location')).toMatch(/^\/personal\/logga-in/);
      const live = await queueJson(clinicId, cookie);
      expect(live.status, cookie).toBe(401);
      expect((await live.json()).error.code).toBe('unauthenticated');
    }
  });

  it('sent twice is no session: a cookie planted beside ours wins nothing', async () => {
    const s = server();
    s.clock.set(TUESDAY_0820);
    const clinicId = await s.addClinic();
    const victim = await signIn((await s.addStaff('manager', [clinicId])).replace('Bearer ', ''));
    const attacker = await signIn((await s.addStaff('nurse', [clinicId])).replace('Bearer ', ''));
    const planted = attacker.cookie!.replace(/^cbs_session=/, '');
    const ours = victim.cookie!.replace(/^cbs_session=/, '');
    for (const cookie of [`cbs_session=${planted}; cbs_session=${ours}`, `cbs_session=${ours}; __Host-cbs_session=${planted}`]) {
      expect((await home(cookie)).status, cookie).toBe(303);
    }
    // Each alone is its own session.
    expect((await home(victim.cookie!)).status).toBe(200);
  });
});
