// SMS through 46elks (SMS_PROVIDER=46elks) against the local fake: form fields with basic auth, refusals vs
// faults, and a booking confirmation sent by the SMS job whose delivery report is recorded on the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSms } from '../../src/jobs/sendSms.js';
import { createLogger } from '../../src/logger.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { createElksSms } from '../../src/sms/elksSms.js';
import { SmsRejected } from '../../src/sms/port.js';
import { createElksClient } from '../../src/telephony/elks.js';
import { webhookKey } from '../../src/telephony/webhookKey.js';
import { smsSenderOf } from '../../src/compose.js';
import { openTestDatabase } from '../support/database.js';
import { FAKE_ELKS_PASSWORD, FAKE_ELKS_USERNAME, startFakeElks, type FakeElks } from '../support/fakeElks.js';
import { elksSmsConfig } from '../support/fakeElksApp.js';
import { startTestServer, TEST_TELEPHONY_SECRET, TEST_TOKEN_SECRET, type TestServer } from '../support/server.js';

let fake: FakeElks;
let server: TestServer;

beforeAll(async () => {
  fake = await startFakeElks();
  server = await startTestServer(await openTestDatabase(), '2027-03-30T08:00:00+02:00');
});
afterAll(async () => {
  await server?.close();
  await server?.db.close();
  await fake?.close();
});

const message = { to: '+46701234567', text: 'Hej', reference: '3f1c1a5e-0b1d-4c8e-9f53-0c6a2d7b9e41' };
const adapter = (password = FAKE_ELKS_PASSWORD) =>
  createElksSms({
    client: createElksClient({ apiUrl: fake.apiUrl, username: FAKE_ELKS_USERNAME, password }),
    sender: 'VCKungsor',
    deliveryReportUrl: (reference) => `https://vard.example.se/report/${reference}`,
  });

describe('46elks SMS adapter', () => {
  it('posts from, to, message and whendelivered as a form with basic auth, and returns 46elks’ id', async () => {
    const before = fake.sms.length;
    const id = await adapter().send(message);
    const sent = fake.sms.slice(before);
    expect(sent).toHaveLength(1);
    expect(id).toBe(sent[0]!.id);
    expect(sent[0]!.fields).toEqual({ from: 'VCKungsor', to: '+46701234567', message: 'Hej', whendelivered: `https://vard.example.se/report/${message.reference}` });
  });

  it('treats wrong credentials and a refused number as permanent, and 5xx or 429 as transient', async () => {
    const unauthorised = fake.unauthorised;
    await expect(adapter('wrong').send(message)).rejects.toBeInstanceOf(SmsRejected);
    expect(fake.unauthorised).toBe(unauthorised + 1);
    fake.failNext('/sms', 403, 1, 'Invalid to number +46701234567');
    const refused = await adapter().send(message).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SmsRejected);
    // The refusal's text is kept for the message's last_error, without the phone number.
    expect((refused as Error).message).not.toContain('701234567');
    for (const status of [429, 500, 503]) {
      fake.failNext('/sms', status);
      const error = await adapter().send(message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(SmsRejected);
    }
  });
});

describe('SMS_PROVIDER=46elks end to end', () => {
  it('sends the booking confirmation through 46elks and records its delivery report once, for the right message', async () => {
    const config = elksSmsConfig(fake, server.baseUrl);
    const clinicId = await server.addClinic();
    const booked = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-123 45 67' } });
    expect(booked.status).toBe(201);
    const { rows } = await server.db.query<{ id: string }>(`SELECT id FROM sms_messages WHERE callback_id = $1 AND kind = 'booking_confirmation'`, [booked.body.id]);
    const messageId = rows[0]!.id;

    const before = fake.sms.length;
    const deps = {
      db: server.db,
      clock: server.clock,
      sms: smsSenderOf(config, createLogger('silent')),
      tokens: createCallbackTokens(TEST_TOKEN_SECRET),
      publicBaseUrl: server.baseUrl,
    };
    expect(await sendSms(deps, { messageId })).toBe('sent');
    expect(await sendSms(deps, { messageId })).toBe('already_done');
    const sent = fake.sms.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.fields).toMatchObject({ from: 'Vardcentral', to: '+46701234567' });
    expect(sent[0]!.fields.message).toContain('08:15');
    expect(sent[0]!.fields.whendelivered).toBe(`${server.baseUrl}/api/telephony/46elks/${webhookKey(TEST_TELEPHONY_SECRET)}/sms/${messageId}/delivered`);

    const stored = async () =>
      (await server.db.query<any>('SELECT status, provider_message_id, delivery_status FROM sms_messages WHERE id = $1', [messageId])).rows[0];
    expect(await stored()).toEqual({ status: 'sent', provider_message_id: sent[0]!.id, delivery_status: null });

    // A report naming another 46elks message is not this message's.
    expect(await fake.deliver({ ...sent[0]!, id: 'sdeadbeeffake' }, 'failed')).toBe(204);
    expect((await stored()).delivery_status).toBeNull();
    expect(await fake.deliver(sent[0]!, 'delivered')).toBe(204);
    expect(await fake.deliver(sent[0]!, 'delivered')).toBe(204);
    expect((await stored()).delivery_status).toBe('delivered');
  });
});
