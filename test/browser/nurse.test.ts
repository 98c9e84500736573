// A nurse's day in the console, in a real browser: she signs in, sees a new booking appear without reloading,
// claims it, logs a no-answer, claims it again after the retry delay, records a reached call that opens a
// care-guarantee case, and records the assessment on the at-risk page. axe-core and screenshots on every page.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, expectAccessible, PHONE, screenshot, useBrowser } from '../support/browser.js';
import { markMissedCallbacks } from '../../src/jobs/markMissedCallbacks.js';
import { useTestServer } from '../support/server.js';

// Tuesday after Easter 2027 (+02:00), before the first slot.
const server = useTestServer('2027-03-30T08:00:00+02:00');
const browser = useBrowser();
const LONG = { timeout: 30_000, interval: 250 };

/** Full-page screenshots at phone and desktop width, then back to the desktop. */
async function screenshots(page: Page, name: string) {
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
}

describe('the nurse console', () => {
  it('takes a nurse from a live queue through two attempts and an outcome to the recorded assessment', { timeout: 180_000 }, async () => {
    const s = server();
    const clinicId = await s.addClinic({ name: 'Vårdcentralen Kön' });
    const token = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    const page = await browser().newPage({ viewport: DESKTOP });

    await page.goto(`${s.baseUrl}/personal/vardcentral/${clinicId}/ko`);
    await page.getByLabel('Inloggningsnyckel').fill(token);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(`${s.baseUrl}/personal/vardcentral/${clinicId}/ko`);
    await expect.poll(() => page.getByText('Ingen väntar just nu.').count()).toBe(1);
    await expectAccessible(page, 'the empty queue');
    await screenshots(page, 'nurse-queue-empty');

    // A patient books while the page is open: it appears without a reload, first as later today.
    const booked = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, {
      body: { phone: '070-123 45 67', name: 'Anna Andersson', reason: 'Ont i halsen sedan i fredags', slotStart: '2027-03-30T08:15:00+02:00' },
    });
    expect(booked.status).toBe(201);
    const anna = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Anna Andersson' }) });
    await expect.poll(() => anna.count(), LONG).toBe(1);
    expect(await page.getByRole('heading', { name: /^Senare i dag/ }).count()).toBe(1);
    expect(await anna.textContent()).toContain('Ont i halsen sedan i fredags');
    // Her slot begins: she moves to "to call now" on the next poll, still without a reload; past the slot she is late, in red.
    s.clock.set('2027-03-30T08:31:00+02:00');
    await expect.poll(() => anna.getByRole('button', { name: 'Ring' }).count(), LONG).toBe(1);
    expect(await anna.textContent()).toContain('Försenad: 16 min efter utlovad tid');
    expect(await anna.locator('.late').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('1 att ringa nu (1 försenade)');
    await expectAccessible(page, 'the queue with a late callback');
    await screenshots(page, 'nurse-queue');

    // She claims this one from the list and gets the card with the number to tap.
    await anna.getByRole('button', { name: 'Ring' }).click();
    await page.waitForURL(/\/samtal\/[0-9a-f-]+$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Samtal med Anna Andersson');
    expect(await page.getByRole('link', { name: '0701234567' }).getAttribute('href')).toBe('tel:+46701234567');
    await expectAccessible(page, 'the call card');
    await screenshots(page, 'nurse-call');

    // No answer: one click; back in the queue after the clinic's retry delay (10 minutes).
    await page.getByRole('button', { name: 'Inget svar' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Patienten kommer tillbaka i kön 08:41');
    expect(await page.getByText('08:31: Inget svar').count()).toBe(1);
    await expectAccessible(page, 'the call card after no answer');

    s.clock.set('2027-03-30T08:42:00+02:00');
    await page.getByRole('link', { name: 'Tillbaka till kön' }).click();
    await expect.poll(() => anna.textContent()).toContain('Försök hittills: 1');
    await page.getByRole('button', { name: 'Ring nästa' }).click();
    await page.waitForURL(/\/samtal\/[0-9a-f-]+$/);
    await page.getByRole('button', { name: 'Svarade' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Vad blev resultatet?' }).count()).toBe(1);
    await expectAccessible(page, 'the outcome form');
    await screenshots(page, 'nurse-outcome');

    // Covered by the guarantee without a reason: refused beside the field, as the API refuses it.
    await page.getByLabel('Råd i telefon').check();
    await page.getByRole('group', { name: 'Omfattas kontakten av vårdgarantin?' }).getByLabel('Ja').check();
    await page.getByRole('group', { name: 'Var det här samtalet den medicinska bedömningen?' }).getByLabel('Nej').check();
    await page.getByRole('button', { name: 'Spara resultatet' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Välj varför kontakten omfattas av vårdgarantin');
    await expectAccessible(page, 'the outcome form with an error');
    await screenshots(page, 'nurse-outcome-error');

    await page.getByLabel('Varför omfattas den?').selectOption({ label: 'Nytt hälsoproblem' });
    await page.getByRole('button', { name: 'Spara resultatet' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Ett vårdgarantiärende är öppnat: medicinsk bedömning senast fredag 2 april.');
    await expectAccessible(page, 'the recorded outcome');

    // The queue now shows the patient's open case; the at-risk page lists it with its deadline.
    await page.getByRole('link', { name: 'Tillbaka till kön' }).click();
    await expect.poll(() => page.getByText('1 öppna ärenden: 0 med sista dag i dag, 0 försenade.').count()).toBe(1);
    await page.getByRole('link', { name: 'Till vårdgarantins ärenden' }).click();
    const annaCase = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Anna Andersson' }) });
    await expect.poll(() => annaCase.textContent()).toContain('Bedömning senast fredag 2 april');
    await expectAccessible(page, 'the at-risk list');
    await screenshots(page, 'nurse-at-risk');

    // Later that day (within her session), the doctor has seen the patient.
    s.clock.set('2027-03-30T10:30:00+02:00');
    await annaCase.getByText('Registrera bedömning').click();
    await annaCase.getByLabel('Tidpunkt för bedömningen').fill('2027-03-30T10:00');
    await annaCase.getByLabel('Yrke').selectOption({ label: 'Läkare' });
    await annaCase.getByLabel('Hur').selectOption({ label: 'Besök' });
    await expectAccessible(page, 'the assessment form');
    await annaCase.getByRole('button', { name: 'Spara bedömningen' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Bedömningen är registrerad');
    expect(await page.getByText('Inga öppna ärenden.').count()).toBe(1);
    await expectAccessible(page, 'the at-risk list after recording');

    // Recorded through the same service as the API: the case is assessed on day 0, within the guarantee.
    const caseRes = await s.request('GET', `/api/staff/guarantee-cases/${booked.body.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(caseRes.body).toMatchObject({ status: 'assessed', assessment: { at: '2027-03-30T10:00:00+02:00', profession: 'doctor', mode: 'visit' } });
    await page.close();
  });

  it('refuses the queue page to a manager and the at-risk forms to her, but shows her the list', async () => {
    const s = server();
    const clinicId = await s.addClinic({ name: 'Vårdcentralen Chef' });
    const token = (await s.addStaff('manager', [clinicId])).replace('Bearer ', '');
    const page = await browser().newPage({ viewport: PHONE });
    await page.goto(`${s.baseUrl}/personal/vardcentral/${clinicId}/vardgaranti`);
    await page.getByLabel('Inloggningsnyckel').fill(token);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByText('Bedömningar och undantag registreras av vårdpersonal.', { exact: false }).count()).toBe(1);
    await expectAccessible(page, 'the at-risk list for a manager');
    const queue = await page.goto(`${s.baseUrl}/personal/vardcentral/${clinicId}/ko`);
    expect(queue!.status()).toBe(403);
    await page.close();
  });

  it('answers the live JSON only with a session, and audits each read like the API', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const anonymous = await fetch(`${s.baseUrl}/personal/vardcentral/${clinicId}/ko.json`, { headers: { accept: 'application/json' } });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('unauthenticated');
    const token = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    const signIn = await fetch(`${s.baseUrl}/personal/logga-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: '/personal' }),
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${s.baseUrl}/personal/vardcentral/${clinicId}/ko.json`, { headers: { cookie, accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ version: expect.any(String), status: expect.stringContaining('0 att ringa nu'), html: expect.stringContaining('Ingen väntar just nu.') });
    const audit = await s.db.query<{ action: string }>(`SELECT action FROM audit_events WHERE clinic_id = $1 ORDER BY id`, [clinicId]);
    expect(audit.rows.map((r) => r.action)).toContain('queue.list');
  });

  it('lists yesterday’s uncalled callback under "Missade – följ upp" until a nurse marks it followed up (rule 12)', async () => {
    const s = server();
    const clinicId = await s.addClinic({ name: 'Vårdcentralen Missad' });
    s.clock.set('2027-03-31T08:00:00+02:00');
    const booked = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, {
      body: { phone: '0709876543', name: 'Bertil Berg', reason: 'Förnya recept', slotStart: '2027-03-31T08:15:00+02:00' },
    });
    expect(booked.status).toBe(201);
    // Nobody called on Wednesday; the sweep after midnight marks it missed.
    s.clock.set('2027-04-01T07:30:00+02:00');
    await markMissedCallbacks({ db: s.db, clock: s.clock });
    const token = (await s.addStaff('nurse', [clinicId])).replace('Bearer ', '');
    const page = await browser().newPage({ viewport: DESKTOP });
    await page.goto(`${s.baseUrl}/personal/vardcentral/${clinicId}/ko`);
    await page.getByLabel('Inloggningsnyckel').fill(token);
    await page.getByRole('button', { name: 'Logga in' }).click();
    const missed = page.getByRole('region', { name: /^Missade – följ upp/ });
    await expect.poll(() => missed.getByRole('heading', { name: 'Bertil Berg' }).count()).toBe(1);
    expect(await missed.textContent()).toContain('onsdag 31 mars 08:15–08:30');
    // Not at the head of today's queue.
    expect(await page.getByRole('region', { name: /^Att ringa nu/ }).textContent()).toContain('Ingen väntar just nu.');
    await expectAccessible(page, 'the queue with a missed callback');
    await screenshots(page, 'nurse-queue-missed');
    await missed.getByRole('button', { name: /^Uppföljd/ }).click();
    await expect.poll(() => page.getByText('Det missade samtalet är markerat som uppföljt.').count()).toBe(1);
    expect(await page.getByText('Inga missade samtal att följa upp.').count()).toBe(1);
    const row = (await s.db.query<{ status: string; followed_up_at: Date | null }>('SELECT status, followed_up_at FROM callbacks WHERE id = $1', [booked.body.id])).rows[0]!;
    expect(row.status).toBe('missed');
    expect(row.followed_up_at).not.toBeNull();
    await page.close();
  });

  it('sends a nurse whose lapsed claim a colleague took back to the card, which says so, instead of an error', async () => {
    const s = server();
    s.clock.set('2027-04-01T08:00:00+02:00');
    const clinicId = await s.addClinic();
    const booked = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701112233', slotStart: '2027-04-01T08:15:00+02:00' } });
    const first = await s.addStaff('nurse', [clinicId]);
    const colleague = await s.addStaff('nurse', [clinicId]);
    const signIn = await fetch(`${s.baseUrl}/personal/logga-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: first.replace('Bearer ', ''), next: '/personal' }),
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const card = `${s.baseUrl}/personal/vardcentral/${clinicId}/samtal/${booked.body.id}`;
    s.clock.set('2027-04-01T08:16:00+02:00');
    expect((await s.request('POST', `/api/staff/callbacks/${booked.body.id}/claim`, { headers: { Authorization: first } })).status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await fetch(card, { headers: { cookie } })).text())![1]!;
    s.clock.set('2027-04-01T08:27:00+02:00');
    expect((await s.request('POST', `/api/staff/callbacks/${booked.body.id}/claim`, { headers: { Authorization: colleague } })).status).toBe(200);
    const logged = await fetch(`${card}/forsok`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: csrf, outcome: 'no_answer' }),
      redirect: 'manual',
    });
    expect(logged.status).toBe(303);
    expect(logged.headers.get('location')).toBe(`/personal/vardcentral/${clinicId}/samtal/${booked.body.id}`);
    expect(await (await fetch(card, { headers: { cookie } })).text()).toContain('Du har inte det här samtalet.');
    expect((await s.db.query('SELECT 1 FROM call_attempts WHERE callback_id = $1', [booked.body.id])).rows).toEqual([]);
  });
});
