// The whole phone path against a local fake of 46elks: a caller books by keypad, the SMS job sends the
// confirmation through 46elks to that caller, a second caller is turned away because booking has closed, a
// third hangs up at the offer, and the manager's report and drill-down count all three calls by how they ended.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceClinicTelephony } from '../../src/db/clinicTelephony.js';
import { sendSms } from '../../src/jobs/sendSms.js';
import { createLogger } from '../../src/logger.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { smsSenderOf } from '../../src/compose.js';
import { openTestDatabase } from '../support/database.js';
import { startFakeElks, type FakeElks } from '../support/fakeElks.js';
import { elksSmsConfig } from '../support/fakeElksApp.js';
import { FakeElksCall } from '../support/fakeElksCaller.js';
import { startTestServer, TEST_TOKEN_SECRET, type TestServer } from '../support/server.js';

// Tuesday 30 March 2027 (summer time): booking closes at 17:00.
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';

let fake: FakeElks;
let server: TestServer;
beforeAll(async () => {
  fake = await startFakeElks();
  server = await startTestServer(await openTestDatabase(), TUESDAY_0800, { elksApiUrl: fake.apiUrl });
});
afterAll(async () => {
  await server?.close();
  await server?.db.close();
  await fake?.close();
});

const aCaller = () => `+4670${randomInt(1_000_000, 9_999_999)}`;

describe('a day on the phone line, end to end', () => {
  it('books by keypad with an SMS through 46elks, and counts the booked, turned-away and abandoned calls in the report', async () => {
    const clinicId = await server.addClinic();
    const bookingNumber = `+4686${randomInt(1_000_000, 9_999_999)}`;
    await replaceClinicTelephony(server.db, clinicId, { bookingNumbers: [bookingNumber], fallbackPhone: '+46812345670', dialAgentFirst: false, callerId: null });
    const manager = await server.addStaff('manager', [clinicId]);

    // 08:00: a caller books the earliest time with 1.
    const booker = aCaller();
    const booking = await FakeElksCall.dial(server, { from: booker, to: bookingNumber });
    await booking.press('1');
    expect(booking.lastPrompt.text).toContain('Du är bokad. Vi ringer dig i dag mellan klockan åtta och femton och klockan åtta och trettio.');

    // The SMS job (as the worker runs it with SMS_PROVIDER=46elks) sends the confirmation to the caller.
    const config = elksSmsConfig(fake, server.baseUrl);
    const { rows } = await server.db.query<{ id: string }>(
      `SELECT m.id FROM sms_messages m JOIN callbacks c ON c.id = m.callback_id WHERE c.clinic_id = $1 AND m.kind = 'booking_confirmation'`,
      [clinicId],
    );
    expect(rows).toHaveLength(1);
    const before = fake.sms.length;
    const deps = { db: server.db, clock: server.clock, sms: smsSenderOf(config, createLogger('silent')), tokens: createCallbackTokens(TEST_TOKEN_SECRET), publicBaseUrl: server.baseUrl };
    expect(await sendSms(deps, { messageId: rows[0]!.id })).toBe('sent');
    const sent = fake.sms.slice(before);
    expect(sent.map((m) => m.fields.to)).toEqual([booker]);
    expect(sent[0]!.fields.message).toContain('08:15');

    // 09:00: a caller hears the offer and hangs up without pressing anything.
    server.clock.set('2027-03-30T09:00:00+02:00');
    const leaver = await FakeElksCall.dial(server, { from: aCaller(), to: bookingNumber });
    expect(leaver.lastPrompt.menu).toBe(true);

    // 17:30: booking has closed; the caller hears when it opens and is turned away.
    server.clock.set('2027-03-30T17:30:00+02:00');
    const late = await FakeElksCall.dial(server, { from: aCaller(), to: bookingNumber });
    expect(late.heard.join(' ')).toContain('Bokningen är stängd just nu.');
    expect(late.ended).toBe(true);

    const query = `clinics=${clinicId}&from=2027-03-30&to=2027-03-30`;
    const report = await server.request('GET', `/api/reports/measures?${query}&groupBy=day`, { headers: { Authorization: manager } });
    expect(report.status).toBe(200);
    const turnedAway = report.body.clinics[0].turnedAway;
    expect(turnedAway).toMatchObject({ callsReceived: 3, total: 1, bookingClosed: 1, noTimeToday: 0, noFreeTime: 0, duplicate: 0, leftWithoutBooking: 1 });
    expect(turnedAway.booked).toMatchObject({ total: 1, phone: 1, web: 0 });

    const drill = await server.request('GET', `/api/reports/drilldown?figure=turnedAway.total&${query}`, { headers: { Authorization: manager } });
    expect(drill.status).toBe(200);
    expect(drill.body.records).toHaveLength(1);
    expect(drill.body.records[0]).toMatchObject({ callbackId: null, details: { channel: 'phone', callerHidden: 'no' } });
    // No phone number of any caller in what the manager sees.
    expect(JSON.stringify([report.body, drill.body])).not.toMatch(/\+4670\d{7}/);
  });
});
