// A manager follows the clinic's figures in a real browser: the tiles after bookings and calls made through the
// API, a drill-down from a tile, the CSV download, and a clinic's capacity for a date changed on the settings page and
// offered on the patient page at once.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, expectAccessible, PHONE, screenshot, useBrowser } from '../support/browser.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

// Tuesday 30 March 2027, 08:00 in Stockholm.
const server = useTestServer('2027-03-30T08:00:00+02:00');
const browser = useBrowser();

async function signIn(page: Page, s: TestServer, authorization: string, next: string) {
  await page.goto(`${s.baseUrl}/personal/logga-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Inloggningsnyckel').fill(authorization.replace('Bearer ', ''));
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL((url) => url.pathname === next.split('?')[0]);
}

describe('the manager dashboard and clinic settings', () => {
  it('shows the figures, drills down from a tile, downloads the CSV, and changes a date’s capacity', { timeout: 120_000 }, async () => {
    const s = server();
    const clinic = await trackerClinic(s, { name: 'Vårdcentralen Solgläntan' });
    const reached = await clinic.book('2027-03-30T08:15:00+02:00');
    const later = await clinic.book('2027-03-30T10:00:00+02:00');
    await clinic.call(reached.id, '2027-03-30T08:16:00+02:00', true);
    await clinic.outcome(reached.id, 'new_problem');

    const context = await browser().newContext({ viewport: DESKTOP, acceptDownloads: true, locale: 'sv-SE' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const reports = `/personal/rapporter?clinic=${clinic.clinicId}`;
    await signIn(page, s, clinic.manager, reports);

    // Today: one reached, one not yet due (pending, not a failure).
    const tile = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Kontakt samma dag' }) });
    await expect.poll(() => tile.textContent()).toContain('100 %');
    expect(await tile.textContent()).toContain('Utmärkt: över 95 %');
    expect(await tile.textContent()).toContain('Väntar: 1');
    expect(await tile.getByRole('link', { name: '1', exact: true }).count()).toBe(2);
    await expectAccessible(page, 'report dashboard');
    await screenshot(page, 'manager-reports-desktop');

    // The 10:00 callback's slot passes unreached: now a failure, and the share falls to 50 %.
    s.clock.set('2027-03-30T10:20:00+02:00');
    await page.reload();
    await expect.poll(() => tile.textContent()).toContain('50 %');
    expect(await tile.textContent()).toContain('Mindre bra: under 85 %');
    expect(await tile.textContent()).toContain('Misslyckade: 1');
    // Then it is reached after all.
    await clinic.call(later.id, '2027-03-30T10:25:00+02:00', true);
    await page.reload();
    await expect.poll(() => tile.textContent()).toContain('100 %');

    // Sorting the clinic table works without script, by link.
    await page.getByRole('link', { name: 'Uppringda i tid' }).click();
    await page.waitForURL(/sort=onTime/);
    expect(await page.getByRole('columnheader', { name: 'Uppringda i tid (sorterad)' }).getAttribute('aria-sort')).toBe('ascending');

    // The tile's numerator lists the records behind it, each with why it counts.
    await tile.getByRole('link', { name: '2', exact: true }).first().click();
    await page.waitForURL(/\/personal\/rapporter\/poster\?/);
    expect(new URL(page.url()).searchParams.get('figure')).toBe('contactSameDay.numerator');
    expect(await page.getByRole('main').textContent()).toContain('Kontakt samma dag: räknas (täljare)');
    await expect.poll(() => page.getByRole('row').count()).toBe(3);
    expect(await page.getByRole('cell', { name: 'Räknas', exact: true }).count()).toBe(2);
    expect(await page.getByRole('cell', { name: 'Räknas: begärd före brytpunkten en vardag och nådd samma dag.' }).count()).toBe(2);
    await expectAccessible(page, 'drill-down');
    await screenshot(page, 'manager-drilldown-desktop');
    const audited = await s.db.query("SELECT 1 FROM audit_events WHERE action = 'report.drilldown' AND clinic_id = $1", [clinic.clinicId]);
    expect(audited.rows.length).toBe(1);

    // The CSV download: a UTF-8 byte order mark, then the header row.
    await page.getByRole('link', { name: 'Tillbaka till rapporten' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Rapporten som CSV (Excel)' }).click()]);
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\r\n')[0]).toMatch(/^period,from,to,clinic_id,clinic_name,contact_same_day_numerator,/);

    // Tomorrow 09:00 is full (two places, two bookings): the patient page does not offer it.
    await clinic.book('2027-03-31T09:00:00+02:00');
    await clinic.book('2027-03-31T09:00:00+02:00');
    const patientPage = await context.newPage();
    // Later days are folded away: open tomorrow as a patient would, then look for its 09:00.
    const nineTomorrow = async () => {
      await patientPage.getByText('I morgon, onsdag 31 mars', { exact: true }).first().click();
      const tomorrow = patientPage.getByRole('group', { name: 'I morgon, onsdag 31 mars' });
      expect(await tomorrow.getByRole('radio').count()).toBeGreaterThan(0);
      return tomorrow.getByRole('radio', { name: '09:00–09:15' }).count();
    };
    await patientPage.goto(`${s.baseUrl}/vardcentral/${clinic.clinicId}`);
    expect(await nineTomorrow()).toBe(0);

    // Settings: a date with more places, saved, and offered at once.
    await page.goto(`${s.baseUrl}/personal/vardcentral/${clinic.clinicId}/installningar`);
    await expectAccessible(page, 'clinic settings');
    await screenshot(page, 'manager-settings-desktop');
    const newDate = page.getByRole('group', { name: 'Nytt datum' }).first();
    await newDate.getByLabel('Datum').fill('2027-03-31');
    await newDate.getByLabel('Platser per telefontid den dagen').fill('5');
    await page.getByRole('button', { name: 'Spara inställningarna' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Inställningarna är sparade.');
    const slots = await s.request('GET', `/api/clinics/${clinic.clinicId}/slots?from=2027-03-31&to=2027-03-31`);
    expect(slots.body.slots[0]).toMatchObject({ start: '2027-03-31T06:00:00+02:00', capacity: 5, available: 5 });
    await patientPage.reload();
    expect(await nineTomorrow()).toBe(1);
    await patientPage.close();
    const audit = await s.db.query("SELECT 1 FROM audit_events WHERE action = 'clinic.settings_changed' AND clinic_id = $1", [clinic.clinicId]);
    expect(audit.rows.length).toBe(1);

    // Booking hours shorter than 06:00–17:00 on a weekday: refused, the error beside the field and in the summary.
    await page.getByLabel('Öppnar måndag').fill('07:00');
    await page.getByRole('button', { name: 'Spara inställningarna' }).click();
    const summary = page.getByRole('alert');
    await expect.poll(() => summary.textContent()).toContain('Bokningen måste vara öppen minst 06:00–17:00');
    expect(await page.locator('#open1-error').textContent()).toContain('06:00–17:00');
    expect(await page.getByLabel('Öppnar måndag').inputValue()).toBe('07:00');
    await expectAccessible(page, 'clinic settings with an error');
    await screenshot(page, 'manager-settings-error-desktop');
    await context.close();
  });

  it('warns in colour and words of a clinic that reaches its callers the same day while turning many away (rule 13)', { timeout: 90_000 }, async () => {
    const s = server();
    s.clock.set('2027-03-30T08:00:00+02:00');
    const clinic = await trackerClinic(s, { name: 'Vårdcentralen Dolda kön' });
    const booked = await clinic.book('2027-03-30T08:15:00+02:00');
    await clinic.call(booked.id, '2027-03-30T08:16:00+02:00', true);
    // 19 callers heard that no time was left today: 19 of 20 attempts turned away, while the same-day share is 100 %.
    for (let i = 0; i < 19; i++) {
      await s.db.query(
        `INSERT INTO incoming_calls (call_id, clinic_id, received_at, local_date, caller_hidden, outcome, updated_at)
         VALUES ($1, $2, $3, '2027-03-30', false, 'no_time_today', $3)`,
        [`hidden-queue-${i}`, clinic.clinicId, '2027-03-30T07:30:00+02:00'],
      );
    }
    const context = await browser().newContext({ viewport: DESKTOP, locale: 'sv-SE' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, s, clinic.manager, `/personal/rapporter?clinic=${clinic.clinicId}`);

    const tile = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Avvisade' }) });
    await expect.poll(() => tile.textContent()).toContain('95 %');
    expect(await tile.textContent()).toContain('Varning: dold kö.');
    expect(await tile.textContent()).toContain('19 av 20 försök att boka');
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Vårdcentralen Dolda kön/ }) });
    expect(await row.textContent()).toContain('Dold kö');
    await expectAccessible(page, 'report dashboard with a hidden queue');
    await screenshot(page, 'manager-reports-hidden-queue');

    // The reason lists the attempts behind it: when, by phone, no number or name.
    await tile.getByRole('link', { name: 'ingen tid kvar i dag: 19' }).click();
    await page.waitForURL(/figure=turnedAway.noTimeToday/);
    await expect.poll(() => page.getByRole('row').count()).toBe(20);
    expect(await page.getByRole('cell', { name: 'Avvisad: ingen tid kvar i dag, och den som ringde tog inte tiden en senare dag.' }).count()).toBe(19);
    expect(await page.getByRole('main').textContent()).toContain('telefon');
    await expectAccessible(page, 'drill-down of turned-away callers');
    await context.close();
  });

  it('looks right on a phone, and keeps nurses out', { timeout: 90_000 }, async () => {
    const s = server();
    const clinic = await trackerClinic(s, { name: 'Vårdcentralen Telefonen' });
    const context = await browser().newContext({ viewport: PHONE, locale: 'sv-SE' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await signIn(page, s, clinic.manager, '/personal/rapporter');
    await expectAccessible(page, 'report dashboard on a phone');
    await screenshot(page, 'manager-reports-phone');
    await page.goto(`${s.baseUrl}/personal/rapporter/poster?from=2027-03-16&to=2027-03-30&figure=contactSameDay.requests`);
    await expectAccessible(page, 'drill-down on a phone');
    await screenshot(page, 'manager-drilldown-phone');
    await page.goto(`${s.baseUrl}/personal/vardcentral/${clinic.clinicId}/installningar`);
    await expectAccessible(page, 'clinic settings on a phone');
    await screenshot(page, 'manager-settings-phone');
    // A period that ends before it starts: named beside the field.
    await page.goto(`${s.baseUrl}/personal/rapporter?from=2027-03-30&to=2027-03-01`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('must not be before from');
    await expectAccessible(page, 'report dashboard with an error');
    await context.close();

    const nurse = await browser().newContext({ viewport: PHONE });
    const nursePage = await nurse.newPage();
    await signIn(nursePage, s, clinic.nurse, '/personal');
    const refused = await nursePage.goto(`${s.baseUrl}/personal/rapporter`);
    expect(refused!.status()).toBe(403);
    const settings = await nursePage.goto(`${s.baseUrl}/personal/vardcentral/${clinic.clinicId}/installningar`);
    expect(settings!.status()).toBe(403);
    await nurse.close();
  });
});
