// The patient pages in a real browser on a phone, with and without JavaScript: book, read the promise in words,
// change the time, cancel; the closed, full and error pages; the SMS link; English; axe-core and screenshots of
// every page. The form posts themselves are also checked over plain HTTP, where that is quicker.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSms } from '../../src/db/smsMessages.js';
import { sendSms } from '../../src/jobs/sendSms.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { DESKTOP, expectAccessible, PHONE, screenshot, useBrowser } from '../support/browser.js';
import { TEST_TOKEN_SECRET, useTestServer } from '../support/server.js';
import { recordingSms } from '../workers/support.js';

// Tuesday after Easter 2027, summer time (+02:00).
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const server = useTestServer(TUESDAY_0800);
const browser = useBrowser();
const WEEKDAYS = [1, 2, 3, 4, 5];

/** Posts a form as a browser does; the answer is not followed, so a 303 and its Location can be read. */
async function postForm(path: string, fields: Record<string, string>) {
  const response = await fetch(server().baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text(), headers: response.headers };
}

async function getPage(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(server().baseUrl + path, { headers, redirect: 'manual' });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/** Every page: axe-core, then a full-page screenshot at phone and at desktop size. */
async function capture(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshot(page, `patient-${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `patient-${name}-desktop`);
  await page.setViewportSize(PHONE);
}

describe('the booking form over HTTP', () => {
  it('puts every input error beside its field, with a summary at the top, and keeps what was typed', async () => {
    const clinicId = await server().addClinic({ name: 'Vårdcentralen Formulär' });
    const res = await postForm(`/vardcentral/${clinicId}`, { phone: '', pin: '19121212-1213', name: 'Anna <b>', reason: '', slot: 'not-a-time' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('<div class="error-summary" role="alert"');
    expect(res.html).toContain('<a href="#phone">Skriv ditt telefonnummer</a>');
    expect(res.html).toContain('<a href="#pin">Skriv ett giltigt personnummer');
    expect(res.html).toContain('<a href="#slot-first">Välj en av tiderna i listan</a>');
    expect(res.html).toContain('id="phone-error"');
    expect(res.html).toMatch(/<input id="phone" name="phone" value="" type="tel" autocomplete="tel"[^>]*aria-describedby="phone-hint phone-error" aria-invalid="true">/);
    expect(res.html).toContain('value="Anna &lt;b&gt;"');
    const wrongPhone = await postForm(`/vardcentral/${clinicId}`, { phone: '12', slot: '' });
    expect(wrongPhone.status).toBe(400);
    expect(wrongPhone.html).toContain('Skriv ett svenskt telefonnummer');
  });

  it('books with a plain form post, answers 303 to the confirmation, which states the promise in words', async () => {
    const clinicId = await server().addClinic({ name: 'Vårdcentralen Post' });
    const booked = await postForm(`/vardcentral/${clinicId}`, { phone: '070-123 45 67', pin: '', name: '', reason: 'Hosta', slot: '' });
    expect(booked.status).toBe(303);
    expect(booked.location).toMatch(/^\/bokning\/[0-9a-f-]{36}\?token=[\w-]+$/);
    const confirmation = await getPage(booked.location!);
    expect(confirmation.status).toBe(200);
    expect(confirmation.headers.get('cache-control')).toBe('no-store');
    expect(confirmation.html).toContain('Vi ringer dig mellan 08:15 och 08:30 i dag.');
    expect(confirmation.html).toContain('/andra?token=');
    expect(confirmation.html).toContain('href="/avboka/');

    const tomorrow = await postForm(`/vardcentral/${clinicId}`, { phone: '0701234567', slot: '2027-03-31T09:00:00+02:00' });
    expect((await getPage(tomorrow.location!)).html).toContain('Vi ringer dig mellan 09:00 och 09:15 i morgon.');
    const thursday = await postForm(`/vardcentral/${clinicId}`, { phone: '0701234567', slot: '2027-04-01T10:15:00+02:00' });
    expect((await getPage(thursday.location!)).html).toContain('Vi ringer dig mellan 10:15 och 10:30 torsdag 1 april.');
    const english = await getPage(`${thursday.location!}&lang=en`);
    expect(english.html).toContain('We will call you between 10:15 and 10:30 on Thursday 1 April.');
    expect(english.headers.get('set-cookie')).toMatch(/^lang=en;/);
  });

  it('says a chosen time was taken meanwhile beside the time field, and keeps the form', async () => {
    const clinicId = await server().addClinic({ capacityRules: [{ weekdays: WEEKDAYS, from: '09:00', to: '17:00', capacity: 1 }] });
    await postForm(`/vardcentral/${clinicId}`, { phone: '0701234567', slot: '2027-03-30T09:00:00+02:00' });
    const again = await postForm(`/vardcentral/${clinicId}`, { phone: '0709876543', slot: '2027-03-30T09:00:00+02:00' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('Tiden hann bli bokad av någon annan. Välj en annan tid.');
    expect(again.html).toContain('value="0709876543"');
  });

  it('moves a booking with a form post and cancels it from the SMS link page', async () => {
    const clinicId = await server().addClinic();
    const booked = await postForm(`/vardcentral/${clinicId}`, { phone: '0701234567', slot: '' });
    const [, id, token] = /^\/bokning\/([^?]+)\?token=(.+)$/.exec(booked.location!)!;
    const noChoice = await postForm(`/bokning/${id}/andra`, { token: decodeURIComponent(token!) });
    expect(noChoice.status).toBe(400);
    expect(noChoice.html).toContain('<a href="#slot-0">Välj en av tiderna i listan</a>');
    // The language link of a page shown after a post opens that same page (token and all), not the post's address.
    expect(noChoice.html).toContain(`href="/bokning/${id}/andra?token=${token}&amp;lang=en"`);
    const moved = await postForm(`/bokning/${id}/andra`, { token: decodeURIComponent(token!), slot: '2027-03-30T11:00:00+02:00' });
    expect(moved.status).toBe(303);
    const after = await getPage(moved.location!);
    expect(after.html).toContain('Din tid är ändrad.');
    expect(after.html).toContain('Vi ringer dig mellan 11:00 och 11:15 i dag.');
    const cancelled = await postForm(`/avboka/${id}`, { token: decodeURIComponent(token!) });
    expect(cancelled.status).toBe(303);
    expect((await getPage(cancelled.location!)).html).toContain('är avbokad');
  });

  it('tells a caller who already has a time (rule 11) that time, and to use the SMS link', async () => {
    const clinicId = await server().addClinic({ name: 'Vårdcentralen En', oneOpenCallbackPerCaller: true });
    await postForm(`/vardcentral/${clinicId}`, { phone: '0701112233', slot: '' });
    const again = await postForm(`/vardcentral/${clinicId}`, { phone: '070-111 22 33', slot: '' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('Du har redan en bokad telefontid hos Vårdcentralen En: vi ringer dig mellan 08:15 och 08:30 i dag.');
    expect(again.html).toContain('Använd länken i sms:et');
  });

  it('refuses a post while booking is closed with the page that says when it opens (Saturday: Monday 06:00)', async () => {
    const clinicId = await server().addClinic();
    server().clock.set('2027-04-03T10:00:00+02:00');
    try {
      const res = await postForm(`/vardcentral/${clinicId}`, { phone: '0701234567', slot: '' });
      expect(res.status).toBe(409);
      expect(res.html).toContain('Du kan boka telefontid igen måndag 5 april klockan 06:00.');
      const english = await getPage(`/vardcentral/${clinicId}?lang=en`);
      expect(english.html).toContain('You can book a callback again on Monday 5 April at 06:00.');
      // Sunday evening: it opens tomorrow.
      server().clock.set('2027-04-04T20:00:00+02:00');
      expect((await getPage(`/vardcentral/${clinicId}`)).html).toContain('Du kan boka telefontid igen i morgon klockan 06:00.');
    } finally {
      server().clock.set(TUESDAY_0800);
    }
  });

  it('answers an unknown clinic and a wrong booking link with a 404 page, not JSON', async () => {
    for (const path of ['/vardcentral/vc-finns-inte', '/vardcentral/NOT%20A%20CLINIC']) {
      const res = await getPage(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.html).toContain('Vårdcentralen finns inte');
    }
    const wrong = await getPage('/bokning/00000000-0000-4000-8000-000000000000?token=x');
    expect(wrong.status).toBe(404);
    expect(wrong.html).toContain('Bokningen hittades inte');
  });
});

describe('too many requests', () => {
  const limited = useTestServer(TUESDAY_0800, undefined, {
    rateLimits: { publicReadsPerMinute: 2, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 1 },
  });

  it('answers 429 with a page (not JSON) on the pages and the SMS cancel link', async () => {
    const clinicId = await limited().addClinic();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await fetch(`${limited().baseUrl}/avboka/00000000-0000-4000-8000-000000000000?token=x`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([404, 404, 429]);
    expect(last!.headers.get('content-type')).toMatch(/^text\/html/);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.text()).toContain('För många försök');

    const form = (phone: string) =>
      fetch(`${limited().baseUrl}/vardcentral/${clinicId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ phone, slot: '' }).toString(),
        redirect: 'manual',
      });
    expect((await form('0701234567')).status).toBe(303);
    const second = await form('0701234567');
    expect(second.status).toBe(429);
    expect(await second.text()).toMatch(/Vänta \d+ minuter och försök igen/);
  });
});

describe('in a browser on a phone', () => {
  let withScript: BrowserContext;
  /** No script at all: axe-core cannot run here (it is a script), so pages are checked for it in `withScript`. */
  let withoutScript: BrowserContext;
  let clinicId: string;

  beforeAll(async () => {
    withScript = await browser().newContext({ viewport: PHONE });
    withoutScript = await browser().newContext({ javaScriptEnabled: false, viewport: PHONE });
    // Generous on a loaded machine, but a missing element fails with its locator well before the test's timeout.
    withScript.setDefaultTimeout(45_000);
    withoutScript.setDefaultTimeout(45_000);
    clinicId = await server().addClinic({ name: 'Vårdcentralen Kungsör' });
  });
  afterAll(async () => {
    await withScript?.close();
    await withoutScript?.close();
  });

  /** The whole journey: list, clinic, book a time tomorrow, read the promise, change the time, cancel. */
  async function bookChangeCancel(page: Page, phone: string, shots: boolean) {
    server().clock.set(TUESDAY_0800);
    await page.goto(`${server().baseUrl}/`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Välj vårdcentral');
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    expect(await page.getByText('ring 112').count()).toBe(1);
    if (shots) await capture(page, 'clinics');
    await page.getByRole('link', { name: 'Vårdcentralen Kungsör' }).click();
    await page.waitForURL(`**/vardcentral/${clinicId}`);
    expect(await page.getByText('Första lediga tid: i dag 08:15–08:30.').count()).toBe(1);
    if (shots) await capture(page, 'clinic');

    await page.getByLabel('Telefonnummer').fill(phone);
    await page.getByLabel('Vad vill du prata om? (frivilligt)').fill('Ont i halsen');
    // Tomorrow's times are folded away: open them, then pick 09:00.
    await page.locator('summary', { hasText: 'I morgon, onsdag 31 mars' }).click();
    await page.getByRole('group', { name: 'I morgon, onsdag 31 mars' }).getByRole('radio', { name: '09:00–09:15' }).check();
    await page.getByRole('button', { name: 'Boka telefontid' }).click();
    await page.waitForURL('**/bokning/**');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Din telefontid är bokad');
    expect(await page.getByText('Vi ringer dig mellan 09:00 och 09:15 i morgon.').count()).toBe(1);
    if (shots) await capture(page, 'confirmation');

    await page.getByRole('link', { name: 'Ändra tid' }).click();
    await page.waitForURL('**/andra?token=**');
    expect(await page.getByText('Din tid nu: Vi ringer dig mellan 09:00 och 09:15 i morgon.').count()).toBe(1);
    if (shots) {
      await capture(page, 'change');
      // Sent without a choice: the server names the time field.
      await page.getByRole('button', { name: 'Byt till den valda tiden' }).click();
      await page.locator('#slot-error').waitFor();
      expect(await page.locator('#slot-error').textContent()).toContain('Välj en av tiderna i listan');
      await capture(page, 'change-error');
    }
    await page.getByRole('group', { name: 'I dag, tisdag 30 mars' }).getByRole('radio', { name: '10:15–10:30' }).check();
    await page.getByRole('button', { name: 'Byt till den valda tiden' }).click();
    await page.waitForURL('**andrad=1');
    expect(await page.getByText('Din tid är ändrad.').count()).toBe(1);
    expect(await page.getByText('Vi ringer dig mellan 10:15 och 10:30 i dag.').count()).toBe(1);

    await page.getByRole('link', { name: 'Avboka' }).click();
    await page.waitForURL('**/avboka/**');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Avboka telefontid');
    if (shots) await capture(page, 'cancel');
    await page.getByRole('button', { name: 'Ja, avboka' }).click();
    await page.waitForURL('**/bokning/**');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Telefontiden är avbokad');
    expect(await page.getByText('Din telefontid hos Vårdcentralen Kungsör är avbokad.').count()).toBe(1);
    if (shots) await capture(page, 'cancelled');
  }

  it('with JavaScript: books, reads the promise, changes the time and cancels; an empty phone is caught before sending', async () => {
    server().clock.set(TUESDAY_0800);
    const page = await withScript.newPage();
    await page.goto(`${server().baseUrl}/vardcentral/${clinicId}`);
    let posted = false;
    page.on('request', (r) => {
      if (r.method() === 'POST') posted = true;
    });
    await page.getByRole('button', { name: 'Boka telefontid' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Skriv ditt telefonnummer');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    expect(posted).toBe(false);
    expect(await page.getByLabel('Telefonnummer').getAttribute('aria-invalid')).toBe('true');
    await capture(page, 'clinic-error-script');
    // What the script lets through, the server checks: each error beside its field, the summary focused.
    await page.getByLabel('Telefonnummer').fill('12');
    await page.getByLabel('Personnummer (frivilligt)').fill('1234');
    await page.getByRole('button', { name: 'Boka telefontid' }).click();
    await page.locator('#pin-error').waitFor();
    expect(await page.locator('#phone-error').textContent()).toContain('Skriv ett svenskt telefonnummer');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    await capture(page, 'clinic-errors');

    await bookChangeCancel(page, '070-123 45 67', true);
    await page.close();
  });

  it('without JavaScript: the same, with plain form posts; the server names the missing phone number beside the field', async () => {
    server().clock.set(TUESDAY_0800);
    const page = await withoutScript.newPage();
    await page.goto(`${server().baseUrl}/vardcentral/${clinicId}`);
    await page.getByLabel('Personnummer (frivilligt)').fill('1234');
    await page.getByRole('button', { name: 'Boka telefontid' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('#phone-error').textContent()).toContain('Skriv ditt telefonnummer');
    expect(await page.locator('#pin-error').textContent()).toContain('Skriv ett giltigt personnummer');
    expect(await page.getByLabel('Personnummer (frivilligt)').inputValue()).toBe('1234');

    await bookChangeCancel(page, '0709876543', false);
    await page.close();
  });

  // axe-core runs as a page script, so the pages are checked in the context with JavaScript; they are the same HTML.
  it('shows when booking opens next, when the day is full, when no time is free, and unknown links', async () => {
    const page = await withScript.newPage();
    // Saturday: closed, opens Monday 06:00.
    server().clock.set('2027-04-03T10:00:00+02:00');
    await page.goto(`${server().baseUrl}/vardcentral/${clinicId}`);
    expect(await page.getByRole('heading', { name: 'Bokningen är stängd just nu' }).count()).toBe(1);
    expect(await page.getByText('Du kan boka telefontid igen måndag 5 april klockan 06:00.').count()).toBe(1);
    await capture(page, 'closed');

    server().clock.set(TUESDAY_0800);
    const full = await server().addClinic({ name: 'Vårdcentralen Full', capacityRules: [{ weekdays: WEEKDAYS, from: '16:00', to: '16:15', capacity: 1 }] });
    await postForm(`/vardcentral/${full}`, { phone: '0701234567', slot: '' });
    await page.goto(`${server().baseUrl}/vardcentral/${full}`);
    expect(await page.getByText('Alla tider i dag är bokade. Nästa lediga tid är i morgon 16:00–16:15.').count()).toBe(1);
    await capture(page, 'day-full');

    const none = await server().addClinic({ name: 'Vårdcentralen Ingen', bookingHorizonDays: 1, capacityRules: [{ weekdays: WEEKDAYS, from: '16:00', to: '16:15', capacity: 1 }] });
    await postForm(`/vardcentral/${none}`, { phone: '0701234567', slot: '' });
    await page.goto(`${server().baseUrl}/vardcentral/${none}`);
    expect(await page.getByRole('heading', { name: 'Alla telefontider är bokade' }).count()).toBe(1);
    await capture(page, 'no-times');

    const once = await server().addClinic({ name: 'Vårdcentralen Redan', oneOpenCallbackPerCaller: true });
    await postForm(`/vardcentral/${once}`, { phone: '0705556677', slot: '' });
    await page.goto(`${server().baseUrl}/vardcentral/${once}`);
    await page.getByLabel('Telefonnummer').fill('0705556677');
    await page.getByRole('button', { name: 'Boka telefontid' }).click();
    await page.getByRole('heading', { name: 'Du har redan en telefontid' }).waitFor();
    await capture(page, 'already-booked');

    const unknown = await page.goto(`${server().baseUrl}/vardcentral/vc-finns-inte`);
    expect(unknown?.status()).toBe(404);
    await capture(page, 'unknown-clinic');
    const wrongLink = await page.goto(`${server().baseUrl}/avboka/00000000-0000-4000-8000-000000000000?token=x`);
    expect(wrongLink?.status()).toBe(404);
    await capture(page, 'unknown-booking');
    await page.close();
  });

  it('lands the “we tried to call you” SMS link on the clinic’s booking page', async () => {
    server().clock.set(TUESDAY_0800);
    const booked = await postForm(`/vardcentral/${clinicId}`, { phone: '0701234567', slot: '' });
    const callbackId = /^\/bokning\/([^?]+)/.exec(booked.location!)![1]!;
    const messageId = (await insertSms(server().db, callbackId, 'unreachable'))!;
    const sms = recordingSms();
    const tokens = createCallbackTokens(TEST_TOKEN_SECRET);
    await sendSms({ db: server().db, clock: server().clock, sms, tokens, publicBaseUrl: server().baseUrl }, { messageId });
    const link = /(http:\/\/\S+)$/.exec(sms.sent[0]!.text)![1]!;
    const page = await withoutScript.newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Vårdcentralen Kungsör');
    expect(await page.getByLabel('Telefonnummer').count()).toBe(1);
    await page.close();
  });

  it('in English: book and read the promise', async () => {
    server().clock.set(TUESDAY_0800);
    const context = await browser().newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${server().baseUrl}/vardcentral/${clinicId}`);
    await page.getByRole('link', { name: 'In English' }).click();
    await page.waitForURL('**lang=en');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByText('call 112').count()).toBe(1);
    await page.getByLabel('Phone number').fill('0701234567');
    await page.getByRole('button', { name: 'Book a callback' }).click();
    await page.waitForURL('**/bokning/**');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your callback is booked');
    expect(await page.getByText(/^We will call you between \d\d:\d\d and \d\d:\d\d today\.$/).count()).toBe(1);
    await capture(page, 'confirmation-en');
    await context.close();
  });
});
