// Agent-first dialling in a real browser: the nurse's call card offers Ring instead of logging attempts, says
// her phone is ringing, and once the hang-up record arrives (from the local fake of 46elks) the attempt is logged
// by itself and the outcome form appears. axe-core and screenshots on each state.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceClinicTelephony } from '../../src/db/clinicTelephony.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import { DESKTOP, expectAccessible, PHONE, screenshot, useBrowser } from '../support/browser.js';
import { openTestDatabase } from '../support/database.js';
import { hangupFields, startFakeElks, type FakeElks } from '../support/fakeElks.js';
import { startTestServer, type TestServer } from '../support/server.js';

const at = (local: string) => DateTime.fromISO(`2027-03-30T${local}+02:00`, { setZone: true });

let fake: FakeElks;
let server: TestServer;
beforeAll(async () => {
  fake = await startFakeElks();
  server = await startTestServer(await openTestDatabase(), at('08:00:00').toISO()!, { elksApiUrl: fake.apiUrl });
});
afterAll(async () => {
  await server?.close();
  await server?.db.close();
  await fake?.close();
});
const browser = useBrowser();

describe('the call card where the clinic dials agent first', () => {
  it('rings the nurse, connects the patient, and logs the attempt from the hang-up without her', { timeout: 180_000 }, async () => {
    const s = server;
    const clinicId = await s.addClinic({ name: 'Vårdcentralen Ringer' });
    await replaceClinicTelephony(s.db, clinicId, { bookingNumbers: ['+46101234567'], fallbackPhone: null, dialAgentFirst: true, callerId: null });
    const { token } = await createStaffMember(s.db, { name: 'Sara Sjuksköterska', role: 'nurse', clinicIds: [clinicId], phoneE164: '+46705550001' });
    const booked = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-123 45 67', name: 'Anna Andersson' } });
    expect(booked.status).toBe(201);
    s.clock.set(at('08:15:00'));
    const claimed = await s.request('POST', `/api/staff/callbacks/${booked.body.id}/claim`, { headers: { Authorization: `Bearer ${token}` } });
    expect(claimed.status).toBe(200);

    const page = await browser().newPage({ viewport: DESKTOP });
    const card = `${s.baseUrl}/personal/vardcentral/${clinicId}/samtal/${booked.body.id}`;
    await page.goto(card);
    await page.getByLabel('Inloggningsnyckel').fill(token);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(card);
    expect(await page.getByRole('group', { name: 'Ring upp patienten' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Inget svar' }).count()).toBe(0);
    await expectAccessible(page, 'the call card with Ring');
    await screenshot(page, 'nurse-call-dial-desktop');

    s.clock.set(at('08:16:00'));
    const before = fake.calls.length;
    await page.getByRole('button', { name: 'Ring', exact: true }).click();
    await expect.poll(() => page.getByText('Din telefon ringer.', { exact: false }).count()).toBe(1);
    const call = fake.calls.slice(before)[0]!;
    expect(call.fields.to).toBe('+46705550001');
    await expectAccessible(page, 'the call card while her phone rings');
    await screenshot(page, 'nurse-call-ringing-desktop');
    await page.setViewportSize(PHONE);
    await expectAccessible(page, 'the ringing call card on a phone');
    await screenshot(page, 'nurse-call-ringing-phone');
    await page.setViewportSize(DESKTOP);

    // She answers at 08:16:10, the patient is connected and they talk; the hang-up record becomes the attempt.
    s.clock.set(at('08:16:10'));
    expect((await fake.answer(call)).action).toMatchObject({ connect: '+46701234567', callerid: '+46101234567' });
    s.clock.set(at('08:20:11'));
    const fields = hangupFields(call, { created: at('08:16:00'), start: at('08:16:10'), patientPhone: '+46701234567', duration: 241, legDuration: 230 });
    expect(await fake.hangup(call, fields)).toBe(204);

    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Vad blev resultatet?' }).count()).toBe(1);
    expect(await page.getByText('08:16: Svarade', { exact: false }).count()).toBe(1);
    await expectAccessible(page, 'the outcome form after a dialled call');
    await screenshot(page, 'nurse-call-dialled-outcome-desktop');
  });
});
