// The patient's SMS must never be wrong, and never come twice: a change of time sends the new time, a cancellation
// (on the web, or by keypad, where caller id can be forged) says so, a message overtaken by a newer one is not sent,
// and a send interrupted after 46elks accepted it is found in 46elks' history instead of being sent again. Through
// the real app, the SMS job and the 46elks adapter, against the fake 46elks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSms } from '../../src/jobs/sendSms.js';
import { createLogger } from '../../src/logger.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { smsSenderOf } from '../../src/compose.js';
import { openTestDatabase } from '../support/database.js';
import { FakeElksCall } from '../support/fakeElksCaller.js';
import { ivrClinic } from '../support/ivrClinic.js';
import { startFakeElks, type FakeElks } from '../support/fakeElks.js';
import { elksSmsConfig } from '../support/fakeElksApp.js';
import { startTestServer, TEST_TOKEN_SECRET, type TestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
let fake: FakeElks;
let server: TestServer;
let deps: Parameters<typeof sendSms>[0];

beforeAll(async () => {
  fake = await startFakeElks();
  server = await startTestServer(await openTestDatabase(), TUESDAY_0800);
  const config = elksSmsConfig(fake, server.baseUrl);
  deps = { db: server.db, clock: server.clock, sms: smsSenderOf(config, createLogger('silent')), tokens: createCallbackTokens(TEST_TOKEN_SECRET), publicBaseUrl: server.baseUrl };
});
afterAll(async () => {
  await server?.close();
  await server?.db.close();
  await fake?.close();
});

/** A clinic calling from 0221-123 45, booked by keypad on its own number. */
const clinic = (overrides = {}) => ivrClinic(server, { name: 'Vårdcentralen Kungsör', fallbackPhone: null, ...overrides });

async function messagesOf(callbackId: string) {
  const { rows } = await server.db.query<{ id: string; kind: string; status: string; change_number: number }>(
    'SELECT id, kind, status, change_number FROM sms_messages WHERE callback_id = $1 ORDER BY created_at, change_number',
    [callbackId],
  );
  return rows;
}

/** Runs the SMS job for every message of the callback not yet done, in the order queued; twice, as a retry would. */
async function sendAll(callbackId: string) {
  for (let round = 0; round < 2; round++) for (const m of await messagesOf(callbackId)) await sendSms(deps, { messageId: m.id });
}

/** What reached this phone, in order. */
const received = (phone: string) => fake.sms.filter((r) => r.id && r.fields.to === phone).map((r) => r.fields.message!);

describe('a change of time', () => {
  it('sends the new time with the links and the number the call comes from; the patient’s last SMS never says the old time', async () => {
    server.clock.set(TUESDAY_0800);
    const { id } = await clinic();
    const phone = '+46701110001';
    const booked = await server.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone: '070-111 00 01', slotStart: '2027-03-30T11:30:00+02:00' } });
    expect(booked.status).toBe(201);
    await sendAll(booked.body.id);
    expect(received(phone)).toEqual([expect.stringMatching(/^Vårdcentralen Kungsör ringer dig tisdag 30 mars mellan 11:30 och 11:45\. Vi ringer från 0221-123 45\. Avboka: http/)]);

    const moved = await server.request('PUT', `/api/callbacks/${booked.body.id}/slot`, {
      headers: { 'X-Callback-Token': booked.body.token },
      body: { slotStart: '2027-03-30T16:00:00+02:00' },
    });
    expect(moved.status).toBe(200);
    await sendAll(booked.body.id);
    const all = received(phone);
    expect(all).toHaveLength(2);
    expect(all[1]).toBe(
      `Vårdcentralen Kungsör: din tid är ändrad. Vi ringer dig tisdag 30 mars mellan 16:00 och 16:15. Vi ringer från 0221-123 45. Avboka: ${server.baseUrl}/avboka/${booked.body.id}?token=${encodeURIComponent(booked.body.token)}`,
    );
    expect((await messagesOf(booked.body.id)).map((m) => [m.kind, m.status, m.change_number])).toEqual([
      ['booking_confirmation', 'sent', 0],
      ['time_changed', 'sent', 1],
    ]);
  });

  it('sends only the newest time when the time changes again before a message went out; moving back and forth each sends once', async () => {
    server.clock.set(TUESDAY_0800);
    const { id } = await clinic();
    const phone = '+46701110002';
    const booked = await server.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone, slotStart: '2027-03-30T11:30:00+02:00' } });
    const move = (slotStart: string) =>
      server.request('PUT', `/api/callbacks/${booked.body.id}/slot`, { headers: { 'X-Callback-Token': booked.body.token }, body: { slotStart } });
    // Moved twice before any SMS went out: the confirmation and the first change are out of date.
    await move('2027-03-30T16:00:00+02:00');
    await move('2027-03-30T10:00:00+02:00');
    await sendAll(booked.body.id);
    expect(received(phone)).toEqual([expect.stringContaining('din tid är ändrad. Vi ringer dig tisdag 30 mars mellan 10:00 och 10:15.')]);
    // Then back to 16:00 after that went out: sent, though 16:00 was a change before.
    await move('2027-03-30T16:00:00+02:00');
    await sendAll(booked.body.id);
    expect(received(phone).at(-1)).toContain('mellan 16:00 och 16:15');
    expect((await messagesOf(booked.body.id)).map((m) => m.status)).toEqual(['skipped', 'skipped', 'sent', 'sent']);
  });
});

describe('a cancellation', () => {
  it('by the patient on the web sends one that says so, and how to book again', async () => {
    server.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await clinic();
    const phone = '+46701110003';
    const booked = await server.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone, slotStart: '2027-03-30T11:30:00+02:00' } });
    await sendAll(booked.body.id);
    const cancelled = await server.request('DELETE', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': booked.body.token } });
    expect(cancelled.status).toBe(200);
    // Cancelled twice: one SMS.
    await server.request('DELETE', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': booked.body.token } });
    await sendAll(booked.body.id);
    expect(received(phone)).toEqual([
      expect.stringContaining('ringer dig tisdag 30 mars mellan 11:30 och 11:45'),
      expect.stringMatching(new RegExp(`^Vårdcentralen Kungsör: din tid tisdag 30 mars 11:30–11:45 är avbokad\\. Behöver du fortfarande kontakt, boka en ny tid: ${server.baseUrl}/vardcentral/${id} eller ring 08-`)),
    ]);
    // The booking number as Swedes write it, 08-6…: the keypad line books too.
    expect(received(phone)[1]).toMatch(/eller ring 08-6\d\d \d\d\d \d\d$/);
    expect(bookingNumber).toMatch(/^\+4686/);
  });

  it('by keypad sends one saying it was cancelled by phone (caller id can be forged), exactly once', async () => {
    server.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await clinic({ oneOpenCallbackPerCaller: true });
    const phone = '+46701110004';
    const first = await FakeElksCall.dial(server, { from: phone, to: bookingNumber });
    await first.press('1');
    const again = await FakeElksCall.dial(server, { from: phone, to: bookingNumber });
    await again.press('3');
    expect(again.lastPrompt.text).toBe('Din tid är avbokad. Du får ett sms. Tack för samtalet. Hej då.');
    const { rows } = await server.db.query<{ id: string }>('SELECT id FROM callbacks WHERE clinic_id = $1', [id]);
    await sendAll(rows[0]!.id);
    // The confirmation was overtaken by the cancellation before it went out: only the cancellation is sent.
    expect(received(phone)).toEqual([expect.stringMatching(/^Vårdcentralen Kungsör: din tid tisdag 30 mars 08:15–08:30 avbokades per telefon\. Var det inte du, eller behöver du fortfarande kontakt, boka en ny tid: /)]);
    expect((await messagesOf(rows[0]!.id)).map((m) => [m.kind, m.status])).toEqual([
      ['booking_confirmation', 'skipped'],
      ['cancelled', 'sent'],
    ]);
  });
});

describe('a send interrupted after 46elks accepted it', () => {
  it('is found in 46elks’ history on the retry and not sent again', async () => {
    server.clock.set(TUESDAY_0800);
    const { id } = await clinic();
    const phone = '+46701110005';
    const booked = await server.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone } });
    const [confirmation] = await messagesOf(booked.body.id);
    fake.loseAnswerNext('/sms');
    await expect(sendSms(deps, { messageId: confirmation!.id })).rejects.toThrow();
    // Accepted by 46elks, unknown to us: recorded as being sent, not as pending.
    expect((await messagesOf(booked.body.id))[0]!.status).toBe('sending');
    expect(await sendSms(deps, { messageId: confirmation!.id })).toBe('found_sent');
    expect(received(phone)).toHaveLength(1);
    const stored = await server.db.query<{ status: string; provider_message_id: string }>('SELECT status, provider_message_id FROM sms_messages WHERE id = $1', [confirmation!.id]);
    expect(stored.rows[0]).toEqual({ status: 'sent', provider_message_id: fake.sms.filter((r) => r.fields.to === phone)[0]!.id });
    expect(fake.historyQueries.at(-1)).toMatchObject({ to: phone });
  });

  it('is sent again when 46elks never got it (refused with a 5xx), once', async () => {
    server.clock.set(TUESDAY_0800);
    const { id } = await clinic();
    const phone = '+46701110006';
    const booked = await server.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone } });
    const [confirmation] = await messagesOf(booked.body.id);
    fake.failNext('/sms', 503);
    await expect(sendSms(deps, { messageId: confirmation!.id })).rejects.toThrow(/unavailable/);
    expect(await sendSms(deps, { messageId: confirmation!.id })).toBe('sent');
    expect(await sendSms(deps, { messageId: confirmation!.id })).toBe('already_done');
    expect(received(phone)).toHaveLength(1);
  });

  it('is known sent from the delivery report when that comes first', async () => {
    server.clock.set(TUESDAY_0800);
    const { id } = await clinic();
    const phone = '+46701110007';
    const booked = await server.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone } });
    const [confirmation] = await messagesOf(booked.body.id);
    fake.loseAnswerNext('/sms');
    await expect(sendSms(deps, { messageId: confirmation!.id })).rejects.toThrow();
    const accepted = fake.sms.filter((r) => r.fields.to === phone)[0]!;
    expect(await fake.deliver(accepted, 'delivered')).toBe(204);
    expect(await sendSms(deps, { messageId: confirmation!.id })).toBe('already_done');
    expect(received(phone)).toHaveLength(1);
  });
});
