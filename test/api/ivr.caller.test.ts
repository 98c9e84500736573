// The phone line as an attacker and as a caller try it: one clinic's webhook key opens no other clinic's numbers, a
// caller who forgets # or hits a tampered step is never left without a way on, the greeting names the clinic and is
// said once, and a secret rotation does not cut the calls in progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { makeClinicNameClips } from '../../src/jobs/clinicNameClips.js';
import { clipSetIn } from '../../src/telephony/clips.js';
import { clinicWebhookUrl } from '../../src/telephony/webhookKey.js';
import { openTestDatabase } from '../support/database.js';
import { FakeElksCall, voiceStartUrl } from '../support/fakeElksCaller.js';
import { ivrClinic } from '../support/ivrClinic.js';
import { startTestServer, TEST_TELEPHONY_SECRET, type TestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const GOODBYE = 'Tack för samtalet. Hej då.';
const FALLBACK = 'Ring i stället noll åtta ett två tre fyra fem sex sju noll.';

let db: Database;
let server: TestServer;
beforeAll(async () => {
  db = await openTestDatabase();
  server = await startTestServer(db, TUESDAY_0800);
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function callbacksOf(clinicId: string) {
  const { rows } = await db.query<{ id: string; phone_e164: string; status: string }>('SELECT id, phone_e164, status FROM callbacks WHERE clinic_id = $1', [clinicId]);
  return rows;
}

describe('one clinic’s webhook key', () => {
  it('cannot reach another clinic’s patients: Arboga’s number on Kungsör’s voice_start is refused (404) and nothing is read or done', async () => {
    server.clock.set(TUESDAY_0800);
    const kungsor = await ivrClinic(server, { oneOpenCallbackPerCaller: true });
    const arboga = await ivrClinic(server, { oneOpenCallbackPerCaller: true });
    const patient = '+46701239001';
    const booked = await FakeElksCall.dial(server, { from: patient, to: arboga.bookingNumber });
    await booked.press('1');
    expect(await callbacksOf(arboga.id)).toMatchObject([{ status: 'booked' }]);

    // The attack of the probe: Kungsör's voice_start URL, Arboga's booking number, the patient's number as caller id.
    const start = await fetch(voiceStartUrl(server, kungsor.id), form({ direction: 'incoming', callid: 'r-forged-1', from: patient, to: arboga.bookingNumber }));
    expect(start.status).toBe(404);
    const recorded = await db.query('SELECT 1 FROM incoming_calls WHERE call_id = $1', ['r-forged-1']);
    expect(recorded.rows).toEqual([]);

    // Nor can a step of Arboga's call be followed through Kungsör's URL, with or without Arboga's number.
    const again = await FakeElksCall.dial(server, { from: patient, to: arboga.bookingNumber });
    const cancelMenu = new URL(String(again.answers.at(-1)!.next));
    const throughKungsor = new URL(clinicWebhookUrl(server.baseUrl, TEST_TELEPHONY_SECRET, kungsor.id, '/voice/next'));
    throughKungsor.search = cancelMenu.search;
    const withNumber = await fetch(throughKungsor, form({ callid: again.callId, to: arboga.bookingNumber, result: '3' }));
    expect(withNumber.status).toBe(404);
    const withoutNumber = await fetch(throughKungsor, form({ callid: again.callId, result: '3' }));
    expect(withoutNumber.status).toBe(200);
    expect(new URL(((await withoutNumber.json()) as { play: string }).play).searchParams.get('clips')).toMatch(/^sorry,call_instead,/);
    expect(await callbacksOf(arboga.id)).toMatchObject([{ status: 'booked' }]);
  });
});

describe('a caller who forgets # after the number', () => {
  it('with 8–15 digits keyed hears them read back as if # had been pressed, and books', async () => {
    server.clock.set(TUESDAY_0800);
    for (const field of ['result', 'digits'] as const) {
      const { id, bookingNumber } = await ivrClinic(server);
      const call = await FakeElksCall.dial(server, { from: 'anonymous', to: bookingNumber });
      await call.pressWithoutHash('0701234567', field);
      expect(call.lastPrompt).toMatchObject({ menu: true, text: 'Du slog noll sju noll ett två tre fyra fem sex sju. Tryck 1 om det stämmer. Tryck 2 för att slå numret igen.' });
      await call.press('1');
      await call.press('1');
      expect(call.lastPrompt.text).toContain('Du är bokad.');
      expect(await callbacksOf(id)).toMatchObject([{ phone_e164: '+46701234567', status: 'booked' }]);
    }
  });

  it('with too few digits, or none, is told what went wrong and given the number to call instead, not just "hej då"', async () => {
    server.clock.set(TUESDAY_0800);
    const { bookingNumber } = await ivrClinic(server);
    const short = await FakeElksCall.dial(server, { from: 'anonymous', to: bookingNumber });
    await short.pressWithoutHash('0701');
    expect(short.lastPrompt.text).toBe(`Vi fick inget nummer. När du ringer igen, avsluta numret med fyrkant. ${FALLBACK} ${GOODBYE}`);
    expect(short.ended).toBe(true);

    const silent = await FakeElksCall.dial(server, { from: 'anonymous', to: bookingNumber });
    await silent.silence();
    expect(silent.lastPrompt.text).toBe(`Vi fick inget nummer. När du ringer igen, avsluta numret med fyrkant. ${FALLBACK} ${GOODBYE}`);
  });
});

describe('a caller with a booked time', () => {
  it('who keys nothing at “tryck 3” is told the time stays booked, and it does', async () => {
    server.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(server, { oneOpenCallbackPerCaller: true });
    const first = await FakeElksCall.dial(server, { from: '+46701239002', to: bookingNumber });
    await first.press('1');
    const again = await FakeElksCall.dial(server, { from: '+46701239002', to: bookingNumber });
    expect(again.lastPrompt.text).toContain('Tryck 3 för att avboka. Gör du inget ligger din tid kvar.');
    await again.silence();
    expect(again.lastPrompt.text).toBe(`Din tid ligger kvar. ${GOODBYE}`);
    expect(await callbacksOf(id)).toMatchObject([{ status: 'booked' }]);
  });
});

describe('the greeting', () => {
  it('names the clinic once its name is voiced, is played once before the menu, and falls back to the generic greeting after a rename until voiced again', async () => {
    server.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(server, { name: 'Vårdcentralen Kungsör' });
    const clips = clipSetIn();
    // A stand-in voice (the synthesizer itself is tested in test/telephony/speech.test.ts): half a second per name.
    const speech = { speak: async () => Buffer.alloc(clips.format.sampleRate) };
    expect((await makeClinicNameClips({ db, speech, format: clips.format })).made).toBeGreaterThanOrEqual(1);

    const call = await FakeElksCall.dial(server, { from: '+46701239003', to: bookingNumber });
    expect(call.prompts[0]).toMatchObject({ menu: false, clips: ['welcome_to', 'clinic_name', 'emergency'] });
    expect(call.prompts[1]).toMatchObject({ menu: true });
    const greeting = await fetch(String(call.answers[0]!.play));
    const plain = clips.join(['welcome_to', 'emergency']).length;
    // The name's half second is in the greeting's audio.
    expect((await greeting.arrayBuffer()).byteLength).toBe(plain + clips.format.sampleRate);

    await db.query('UPDATE clinics SET name = $2 WHERE id = $1', [id, 'Hälsocentralen Kungsör']);
    const renamed = await FakeElksCall.dial(server, { from: '+46701239004', to: bookingNumber });
    expect(renamed.prompts[0]!.clips).toEqual(['greeting', 'emergency']);
    await makeClinicNameClips({ db, speech, format: clips.format });
    const voiced = await FakeElksCall.dial(server, { from: '+46701239005', to: bookingNumber });
    expect(voiced.prompts[0]!.clips).toEqual(['welcome_to', 'clinic_name', 'emergency']);
  });
});

describe('a rotation of TELEPHONY_WEBHOOK_SECRET', () => {
  const OLD = 'the-old-telephony-secret-of-32-characters!';
  const NEW = 'the-new-telephony-secret-of-32-characters!';

  it('with the previous secret kept, lets a call begun before it go on; without it, old URLs are refused; a state no secret signed gets the fallback', async () => {
    const before = await startTestServer(db, TUESDAY_0800, { telephonySecret: OLD });
    const after = await startTestServer(db, TUESDAY_0800, { telephonySecret: NEW, telephonyPreviousSecret: OLD });
    const without = await startTestServer(db, TUESDAY_0800, { telephonySecret: NEW });
    try {
      const { id, bookingNumber } = await ivrClinic(before);
      // The call begins on the app before the rotation…
      const start = await fetch(clinicWebhookUrl(before.baseUrl, OLD, id, '/voice/start'), form({ direction: 'incoming', callid: 'r-rotation-1', from: '+46701239006', to: bookingNumber }));
      const menu = (await start.json()) as { next: { next: string } };
      const next = new URL(menu.next.next);
      // …and the caller's key press reaches it after: the old key and the old signature are still believed.
      const on = (s: TestServer) => `${s.baseUrl}${next.pathname}${next.search}`;
      const booked = await fetch(on(after), form({ callid: 'r-rotation-1', to: bookingNumber, result: '1' }));
      expect(booked.status).toBe(200);
      expect(new URL(((await booked.json()) as { play: string }).play).searchParams.get('clips')).toMatch(/^you_are_booked,/);
      expect(await callbacksOf(id)).toMatchObject([{ phone_e164: '+46701239006', status: 'booked' }]);
      // Without the previous secret the old URL is no webhook at all.
      expect((await fetch(on(without), form({ callid: 'r-rotation-1', to: bookingNumber, result: '1' }))).status).toBe(404);

      // A state signed under neither secret, on the clinic's current URL: the apology with the clinic's number.
      const forged = new URL(clinicWebhookUrl(after.baseUrl, NEW, id, '/voice/next'));
      forged.search = next.search.replace(/v=[^&]+/, 'v=forged');
      const apology = await fetch(forged, form({ callid: 'r-rotation-1', to: bookingNumber, result: '1' }));
      expect(new URL(((await apology.json()) as { play: string }).play).searchParams.get('clips')).toBe('sorry,call_instead,n0,n8,n1,n2,n3,n4,n5,n6,n7,n0,goodbye');
    } finally {
      await Promise.all([before.close(), after.close(), without.close()]);
    }
  });
});
