// Booking by phone keypad, driven through the real app by a fake 46elks caller: what the caller hears, what is
// booked, and how every call is recorded in incoming_calls.
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeElksCall, voiceStartUrl } from '../support/fakeElksCaller.js';
import { aCaller, ivrClinic } from '../support/ivrClinic.js';
import { useTestServer, type TestServer } from '../support/server.js';

// Tuesday after Easter 2027, summer time (+02:00).
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const server = useTestServer(TUESDAY_0800);

const GREETING = 'Välkommen till vårdcentralens telefonbokning. Vid livshotande tillstånd, ring 1 1 2. För sjukvårdsrådgivning, ring 1 1 7 7.';
const PRESS = 'Tryck 1 för att boka. Tryck 2 för nästa lediga tid.';
const GOODBYE = 'Tack för samtalet. Hej då.';

/** The clinics below call patients from 0221-123 45, as the booked caller is told digit by digit. */
const CALLER_ID = 'Vi ringer från noll två två ett ett två tre fyra fem.';

async function incomingCall(s: TestServer, callId: string) {
  const { rows } = await s.db.query<{ outcome: string; callback_id: string | null; caller_hidden: boolean; local_date: string; clinic_id: string }>(
    'SELECT outcome, callback_id, caller_hidden, local_date, clinic_id FROM incoming_calls WHERE call_id = $1',
    [callId],
  );
  return rows;
}

async function callbacksOf(s: TestServer, clinicId: string) {
  const { rows } = await s.db.query<{ id: string; phone_e164: string; channel: string; status: string; slot_start: Date }>(
    'SELECT id, phone_e164, channel, status, slot_start FROM callbacks WHERE clinic_id = $1 ORDER BY requested_at',
    [clinicId],
  );
  return rows;
}

describe('booking by phone keypad', () => {
  it('greets, points to 112 and 1177, offers the earliest time today and books it on 1 with the caller’s number, confirmed by SMS', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s);
    const caller = aCaller();
    const call = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
    // The greeting is played once, then the menu, which alone repeats while the caller keys nothing.
    expect(call.prompts).toMatchObject([
      { menu: false, text: GREETING },
      { menu: true, text: `Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio. ${PRESS}` },
    ]);
    expect(call.answers[0]).toMatchObject({ skippable: false, next: { digits: 1, repeat: 3 } });

    await call.press('1');
    expect(call.lastPrompt.text).toBe(`Du är bokad. Vi ringer dig i dag mellan klockan åtta och femton och klockan åtta och trettio. ${CALLER_ID} Du får ett sms. ${GOODBYE}`);
    expect(call.ended).toBe(true);

    const [callback] = await callbacksOf(s, id);
    expect(callback).toMatchObject({ phone_e164: caller, channel: 'ivr', status: 'booked' });
    expect(callback!.slot_start.toISOString()).toBe('2027-03-30T06:15:00.000Z');
    const sms = await s.db.query<{ kind: string }>('SELECT kind FROM sms_messages WHERE callback_id = $1', [callback!.id]);
    expect(sms.rows).toEqual([{ kind: 'booking_confirmation' }]);
    expect(await incomingCall(s, call.callId)).toEqual([
      { outcome: 'booked', callback_id: callback!.id, caller_hidden: false, local_date: '2027-03-30', clinic_id: id },
    ]);
  });

  it('offers the next free time on 2 and books that one on 1', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s);
    const call = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    await call.press('2');
    expect(call.lastPrompt.text).toBe(`Vi kan ringa dig i dag mellan klockan åtta och trettio och klockan åtta och fyrtio fem. ${PRESS}`);
    await call.press('2');
    expect(call.lastPrompt.text).toBe(`Vi kan ringa dig i dag mellan klockan åtta och fyrtio fem och klockan nio. ${PRESS}`);
    await call.press('1');
    expect(call.lastPrompt.text).toContain('Du är bokad. Vi ringer dig i dag mellan klockan åtta och fyrtio fem och klockan nio.');
    expect((await callbacksOf(s, id))[0]!.slot_start.toISOString()).toBe('2027-03-30T06:45:00.000Z');
  });

  it('repeats the menu after a key it does not offer, and says goodbye when no key is pressed', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s);
    const call = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    await call.press('7');
    expect(call.lastPrompt.text).toBe(`Det valet finns inte. Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio. ${PRESS}`);
    await call.silence();
    expect(call.lastPrompt.text).toBe(GOODBYE);
    expect(call.ended).toBe(true);
    expect(await callbacksOf(s, id)).toEqual([]);
    expect((await incomingCall(s, call.callId))[0]!.outcome).toBe('answered');
  });

  it('treats # alone (an empty entry) as a wrong key: the menu or the number entry repeats, the call goes on', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s);
    const call = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    await call.press('#');
    expect(call.lastPrompt).toMatchObject({ menu: true, text: `Det valet finns inte. Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio. ${PRESS}` });
    await call.press('');
    expect(call.lastPrompt).toMatchObject({ menu: true, text: `Det valet finns inte. Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio. ${PRESS}` });
    await call.press('1');
    expect(call.lastPrompt.text).toContain('Du är bokad.');
    expect(await callbacksOf(s, id)).toHaveLength(1);

    const hidden = await FakeElksCall.dial(s, { from: 'anonymous', to: bookingNumber });
    await hidden.press('#');
    expect(hidden.lastPrompt).toMatchObject({ menu: true, text: 'Det numret kan vi inte ringa. Vi ser inte ditt nummer. Slå det nummer vi ska ringa upp, och avsluta med fyrkant.' });
    await hidden.press('0701234561#');
    await hidden.press('#');
    expect(hidden.lastPrompt.text).toBe('Det valet finns inte. Du slog noll sju noll ett två tre fyra fem sex ett. Tryck 1 om det stämmer. Tryck 2 för att slå numret igen.');
    await hidden.silence();
    expect(hidden.lastPrompt.text).toBe(GOODBYE);
    expect(hidden.ended).toBe(true);
  });

  it('gives a hidden caller 30 s to key a number, and menus their 10 s', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { bookingNumber } = await ivrClinic(s);
    const hidden = await FakeElksCall.dial(s, { from: 'anonymous', to: bookingNumber });
    expect(hidden.answers.at(-1)).toMatchObject({ digits: 15, timeout: 30, repeat: 3 });
    await hidden.press('0701234562#');
    expect(hidden.answers.at(-1)).toMatchObject({ digits: 1, timeout: 10 });
    await hidden.press('1');
    expect(hidden.answers.at(-1)).toMatchObject({ digits: 1, timeout: 10 });
  });

  it('asks a hidden caller to key a number ending with #, reads it back digit by digit, and books it once confirmed with 1', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s);
    const call = await FakeElksCall.dial(s, { from: 'anonymous', to: bookingNumber });
    expect(call.heard).toEqual([GREETING, 'Vi ser inte ditt nummer. Slå det nummer vi ska ringa upp, och avsluta med fyrkant.']);

    await call.press('12#');
    expect(call.lastPrompt.text).toBe('Det numret kan vi inte ringa. Vi ser inte ditt nummer. Slå det nummer vi ska ringa upp, och avsluta med fyrkant.');
    await call.press('0701234560#');
    expect(call.lastPrompt.text).toBe('Du slog noll sju noll ett två tre fyra fem sex noll. Tryck 1 om det stämmer. Tryck 2 för att slå numret igen.');
    await call.press('2');
    expect(call.lastPrompt.text).toContain('Slå det nummer vi ska ringa upp');
    await call.press('0701234569#');
    expect(call.lastPrompt.text).toContain('Du slog noll sju noll ett två tre fyra fem sex nio.');
    await call.press('1');
    expect(call.lastPrompt.text).toBe(`Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio. ${PRESS}`);
    await call.press('1');
    expect(call.lastPrompt.text).toContain('Du är bokad.');

    expect((await callbacksOf(s, id))[0]).toMatchObject({ phone_e164: '+46701234569', channel: 'ivr' });
    expect(await incomingCall(s, call.callId)).toMatchObject([{ outcome: 'booked', caller_hidden: true }]);
  });

  it('tells a caller outside the booking window when booking opens, and hangs up', async () => {
    const s = server();
    const { bookingNumber } = await ivrClinic(s);
    s.clock.set('2027-03-30T18:00:00+02:00');
    const evening = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    expect(evening.lastPrompt).toMatchObject({ menu: false, text: `${GREETING} Bokningen är stängd just nu. Bokningen öppnar i morgon klockan sex. ${GOODBYE}` });
    expect(evening.ended).toBe(true);
    expect((await incomingCall(s, evening.callId))[0]!.outcome).toBe('booking_closed');

    // Friday evening: it opens on Monday, said with its date.
    s.clock.set('2027-04-02T17:30:00+02:00');
    const friday = await FakeElksCall.dial(s, { from: 'anonymous', to: bookingNumber });
    expect(friday.lastPrompt.text).toContain('Bokningen öppnar måndag den femte april klockan sex.');
    expect(await incomingCall(s, friday.callId)).toMatchObject([{ outcome: 'booking_closed', caller_hidden: true }]);
  });

  it('after the 16:00 cut-off on a Friday with nothing left today, offers Monday’s first time and says there is none today', async () => {
    const s = server();
    const { id, bookingNumber } = await ivrClinic(s);
    s.clock.set('2027-04-09T16:56:00+02:00');
    const call = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    expect(call.heard).toEqual([GREETING, `Det finns inga tider kvar i dag. Vi kan ringa dig måndag den tolfte april mellan klockan sex och klockan sex och femton. ${PRESS}`]);
    expect((await incomingCall(s, call.callId))[0]!.outcome).toBe('no_time_today');
    await call.press('1');
    expect(call.lastPrompt.text).toContain('Vi ringer dig måndag den tolfte april mellan klockan sex och klockan sex och femton.');
    const [callback] = await callbacksOf(s, id);
    expect(callback!.slot_start.toISOString()).toBe('2027-04-12T04:00:00.000Z');
    expect((await incomingCall(s, call.callId))[0]).toMatchObject({ outcome: 'booked', callback_id: callback!.id });
  });

  it('skips midsommarafton and julafton: the next working day after them is the Monday', async () => {
    const s = server();
    const { bookingNumber } = await ivrClinic(s);
    // Thursday before midsommarafton (Friday 25 June 2027), after the last slot.
    s.clock.set('2027-06-24T16:56:00+02:00');
    const midsummer = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    expect(midsummer.lastPrompt.text).toContain('Det finns inga tider kvar i dag. Vi kan ringa dig måndag den tjugo åttonde juni mellan klockan sex och klockan sex och femton.');

    // On julafton itself (Friday 24 December 2027) booking is closed until Monday 27 December.
    s.clock.set('2027-12-24T09:00:00+01:00');
    const christmas = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    expect(christmas.lastPrompt.text).toContain('Bokningen öppnar måndag den tjugo sjunde december klockan sex.');
  });

  it('offers tomorrow when every time today is taken', async () => {
    const s = server();
    s.clock.set('2027-03-30T07:00:00+02:00');
    const { bookingNumber } = await ivrClinic(s, { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '08:30', capacity: 1 }] });
    for (const slot of ['08:00', '08:15']) {
      const booked = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
      expect(booked.lastPrompt.text).toContain(`i dag mellan klockan ${slot === '08:00' ? 'åtta och' : 'åtta och femton och'} klockan`);
      await booked.press('1');
    }
    const call = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    expect(call.lastPrompt.text).toContain('Det finns inga tider kvar i dag. Vi kan ringa dig i morgon mellan klockan åtta och klockan åtta och femton.');
  });

  it('when the offered time is taken between the offer and the key press, says so and offers the next time', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s, { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 1 }] });
    const slow = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    expect(slow.lastPrompt.text).toContain('i dag mellan klockan åtta och femton och klockan åtta och trettio');
    const quick = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    await quick.press('1');

    await slow.press('1');
    expect(slow.lastPrompt.text).toBe(`Tiden hann bli tagen. Vi kan ringa dig i dag mellan klockan åtta och trettio och klockan åtta och fyrtio fem. ${PRESS}`);
    await slow.press('1');
    expect(slow.lastPrompt.text).toContain('Du är bokad. Vi ringer dig i dag mellan klockan åtta och trettio och klockan åtta och fyrtio fem.');
    expect((await callbacksOf(s, id)).map((c) => c.slot_start.toISOString())).toEqual(['2027-03-30T06:15:00.000Z', '2027-03-30T06:30:00.000Z']);
  });

  it('tells a caller who already has a time at the clinic when it is, and cancels it on 3, freeing the place', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s, { oneOpenCallbackPerCaller: true });
    const caller = aCaller();
    const first = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
    await first.press('1');

    const again = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
    expect(again.heard).toEqual([
      GREETING,
      'Du har redan en bokad tid. Vi ringer dig i dag mellan klockan åtta och femton och klockan åtta och trettio. Tryck 3 för att avboka. Gör du inget ligger din tid kvar.',
    ]);
    expect((await incomingCall(s, again.callId))[0]!.outcome).toBe('duplicate');
    await again.press('5');
    expect(again.lastPrompt.text).toBe('Det valet finns inte. Du har redan en bokad tid. Vi ringer dig i dag mellan klockan åtta och femton och klockan åtta och trettio. Tryck 3 för att avboka. Gör du inget ligger din tid kvar.');
    await again.press('3');
    expect(again.lastPrompt.text).toBe(`Din tid är avbokad. Du får ett sms. ${GOODBYE}`);

    const [callback] = await callbacksOf(s, id);
    expect(callback!.status).toBe('cancelled');
    const places = await s.db.query<{ booked: number }>('SELECT booked FROM slot_places WHERE clinic_id = $1', [id]);
    expect(places.rows).toEqual([{ booked: 0 }]);
    // The freed caller may book again.
    const third = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
    expect(third.lastPrompt.text).toContain('Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio.');
  });

  it('treats a booking made from the same number during the menu as a duplicate when 1 is pressed', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s, { oneOpenCallbackPerCaller: true });
    const caller = aCaller();
    const first = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
    const second = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
    await second.press('2');
    await second.press('1');
    await first.press('1');
    expect(first.lastPrompt.text).toBe('Du har redan en bokad tid. Vi ringer dig i dag mellan klockan åtta och trettio och klockan åtta och fyrtio fem. Tryck 3 för att avboka. Gör du inget ligger din tid kvar.');
    expect(await callbacksOf(s, id)).toHaveLength(1);
    expect((await incomingCall(s, first.callId))[0]!.outcome).toBe('duplicate');
  });

  it('discloses nothing about a booking held by a keyed number, and offers no cancelling', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s, { oneOpenCallbackPerCaller: true });
    const first = await FakeElksCall.dial(s, { from: '+46701112233', to: bookingNumber });
    await first.press('1');

    const stranger = await FakeElksCall.dial(s, { from: 'unknown', to: bookingNumber });
    await stranger.press('0701112233#');
    await stranger.press('1');
    expect(stranger.lastPrompt.text).toBe(`Det finns redan en bokad tid för det numret. ${GOODBYE}`);
    expect(stranger.ended).toBe(true);
    expect(stranger.heard.join(' ')).not.toMatch(/mellan|åtta|avboka/);
    expect((await callbacksOf(s, id)).map((c) => c.status)).toEqual(['booked']);
    expect((await incomingCall(s, stranger.callId))[0]!.outcome).toBe('duplicate');
  });

  it('refuses (404) a voice_start about a number no clinic has, or another clinic’s, recording nothing', async () => {
    const s = server();
    const { id } = await ivrClinic(s);
    const other = await ivrClinic(s);
    for (const to of ['+46101234567', other.bookingNumber, '0101234567', 'garbage']) {
      const callid = `r-wrong-${randomInt(1_000_000)}`;
      const res = await fetch(voiceStartUrl(s, id), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ direction: 'incoming', callid, from: aCaller(), to }),
      });
      expect(res.status, to).toBe(404);
      expect(await incomingCall(s, callid)).toEqual([]);
    }
  });

  it('records one call when the provider posts the same voice_start twice', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { bookingNumber } = await ivrClinic(s);
    const caller = aCaller();
    const first = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
    const retry = await FakeElksCall.dial(s, { from: caller, to: bookingNumber, callId: first.callId });
    expect(retry.lastPrompt.text).toBe(first.lastPrompt.text);
    expect(await incomingCall(s, first.callId)).toHaveLength(1);
  });

  it('books once when the provider posts the same key press twice', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s);
    const call = await FakeElksCall.dial(s, { from: aCaller(), to: bookingNumber });
    const menu = call.answers.at(-1)!;
    await call.press('1');
    const again = await fetch(String(menu.next), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ callid: call.callId, result: '1' }).toString(),
    });
    expect(again.status).toBe(200);
    expect(await callbacksOf(s, id)).toHaveLength(1);
  });
});
