// Staff sign in on a page with their key and get a session cookie (HttpOnly, SameSite=Strict); forms need the
// session's CSRF token; signing out ends the session.
import { describe, expect, it } from 'vitest';
import { DESKTOP, expectAccessible, PHONE, screenshot, useBrowser } from '../support/browser.js';
import { useTestServer } from '../support/server.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');
const browser = useBrowser();

describe('staff sign-in', () => {
  it('signs a nurse in with her key, shows her clinics, and signs her out', async () => {
    const s = server();
    const clinicId = await s.addClinic({ name: 'Vårdcentralen Testby' });
    const token = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    const context = await browser().newContext({ viewport: DESKTOP });
    const page = await context.newPage();

    await page.goto(`${s.baseUrl}/personal`);
    expect(new URL(page.url()).pathname).toBe('/personal/logga-in');
    await expectAccessible(page, 'sign-in page');
    await screenshot(page, 'staff-sign-in-desktop');

    await page.getByLabel('Inloggningsnyckel').fill('cbs_not-a-real-key');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Det gick inte att logga in');
    await expectAccessible(page, 'sign-in page with an error');

    await page.getByLabel('Inloggningsnyckel').fill(token);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(`${s.baseUrl}/personal`);
    await expect.poll(() => page.getByRole('heading', { name: 'Vårdcentralen Testby' }).count()).toBe(1);
    const cookie = (await context.cookies()).find((c) => c.name === 'cbs_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await expectAccessible(page, 'staff start page');
    await screenshot(page, 'staff-home-desktop');

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL(/\/personal\/logga-in\?ended=1$/);
    await page.goto(`${s.baseUrl}/personal`);
    expect(new URL(page.url()).pathname).toBe('/personal/logga-in');
    await context.close();
  });

  it('refuses a form post without the session’s CSRF token', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const token = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    const signIn = await fetch(`${s.baseUrl}/personal/logga-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: '/personal' }),
      redirect: 'manual',
    });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const forged = await fetch(`${s.baseUrl}/personal/logga-ut`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'guessed' }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    // The session still works: the forged sign-out did nothing.
    expect((await fetch(`${s.baseUrl}/personal`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
  });

  it('only takes staff back to staff pages after signing in (no open redirect)', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const token = (await s.addStaff('manager', [clinicId])).replace('Bearer ', '');
    const res = await fetch(`${s.baseUrl}/personal/logga-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: 'https://evil.example.com/' }),
      redirect: 'manual',
    });
    expect(res.headers.get('location')).toBe('/personal');
  });

  it('looks right on a phone', async () => {
    const page = await browser().newPage({ viewport: PHONE });
    await page.goto(`${server().baseUrl}/personal/logga-in`);
    await expectAccessible(page, 'sign-in page on a phone');
    await screenshot(page, 'staff-sign-in-phone');
    await page.close();
  });
});
