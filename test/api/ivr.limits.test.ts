// Callers the phone line turns away for lack of times or for too many bookings: what they hear and how the call
// is counted (rule 13's turned-away figures read incoming_calls.outcome).
import { describe, expect, it } from 'vitest';
import { FakeElksCall } from '../support/fakeElksCaller.js';
import { ivrClinic } from '../support/ivrClinic.js';
import { useTestServer, type TestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
// A caller may hold at most two open callbacks across all clinics (MAX_OPEN_CALLBACKS_PER_PHONE).
const server = useTestServer(TUESDAY_0800, undefined, { maxOpenCallbacksPerPhone: 2 });

const GREETING = 'Välkommen till vårdcentralens telefonbokning. Vid livshotande tillstånd, ring 1 1 2. För sjukvårdsrådgivning, ring 1 1 7 7.';
const GOODBYE = 'Tack för samtalet. Hej då.';
const FALLBACK = 'Ring i stället noll åtta ett två tre fyra fem sex sju noll.';

async function outcomeOf(s: TestServer, callId: string) {
  const { rows } = await s.db.query<{ outcome: string; callback_id: string | null }>('SELECT outcome, callback_id FROM incoming_calls WHERE call_id = $1', [callId]);
  return rows;
}

async function callbacksOf(s: TestServer, clinicId: string) {
  const { rows } = await s.db.query('SELECT id FROM callbacks WHERE clinic_id = $1', [clinicId]);
  return rows;
}

describe('callers the phone line turns away', () => {
  it('no free time at all within the horizon: says so, gives the fallback number, hangs up; counted no_free_time', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    // Open for booking, but no nurse on the phones: every slot has capacity 0.
    const { id, bookingNumber } = await ivrClinic(s, { callerId: null, capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 0 }] });
    const call = await FakeElksCall.dial(s, { from: '+46701239001', to: bookingNumber });
    expect(call.lastPrompt).toMatchObject({ menu: false, text: `${GREETING} Det finns inga lediga tider just nu. ${FALLBACK} ${GOODBYE}` });
    expect(call.ended).toBe(true);
    expect(await outcomeOf(s, call.callId)).toEqual([{ outcome: 'no_free_time', callback_id: null }]);

    // A hidden caller is not asked for a number there is no time for.
    const hidden = await FakeElksCall.dial(s, { from: 'anonymous', to: bookingNumber });
    expect(hidden.heard).toEqual([`${GREETING} Det finns inga lediga tider just nu. ${FALLBACK} ${GOODBYE}`]);
    expect(await outcomeOf(s, hidden.callId)).toEqual([{ outcome: 'no_free_time', callback_id: null }]);
    expect(await callbacksOf(s, id)).toEqual([]);
  });

  it('a number holding the most open callbacks across clinics is refused at a third clinic, shown or keyed; counted duplicate', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const caller = '+46701239002';
    for (let i = 0; i < 2; i++) {
      const { bookingNumber } = await ivrClinic(s, { callerId: null });
      const call = await FakeElksCall.dial(s, { from: caller, to: bookingNumber });
      await call.press('1');
      expect(call.lastPrompt.text).toContain('Du är bokad.');
    }
    const third = await ivrClinic(s, { callerId: null });
    const call = await FakeElksCall.dial(s, { from: caller, to: third.bookingNumber });
    expect(call.lastPrompt).toMatchObject({ menu: false, text: `${GREETING} Numret har redan för många bokade tider. ${GOODBYE}` });
    expect(call.ended).toBe(true);
    expect(await outcomeOf(s, call.callId)).toEqual([{ outcome: 'duplicate', callback_id: null }]);

    const hidden = await FakeElksCall.dial(s, { from: 'anonymous', to: third.bookingNumber });
    await hidden.press('0701239002#');
    await hidden.press('1');
    expect(hidden.lastPrompt.text).toBe(`Numret har redan för många bokade tider. ${GOODBYE}`);
    expect(await outcomeOf(s, hidden.callId)).toEqual([{ outcome: 'duplicate', callback_id: null }]);
    expect(await callbacksOf(s, third.id)).toEqual([]);
  });
});
