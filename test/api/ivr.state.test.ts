// The call state an IVR step carries in its next URL is signed for that call: anyone holding the clinic's webhook key
// cannot make the line book for another number, cancel another's time or act on another call's state. A state that
// is not exactly as signed gets the spoken apology (200) with the clinic's own fallback number (never one the forged
// state names), and nothing happens.
import { describe, expect, it } from 'vitest';
import { FakeElksCall } from '../support/fakeElksCaller.js';
import { ivrClinic } from '../support/ivrClinic.js';
import { useTestServer, type TestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const server = useTestServer(TUESDAY_0800);
/** The apology with the clinic's fallback number, 08-123 456 70, digit by digit. */
const APOLOGY = 'sorry,call_instead,n0,n8,n1,n2,n3,n4,n5,n6,n7,n0,goodbye';

/** Posts a key press to a next URL as 46elks would, and returns the clips of the action answered. */
async function pressAt(url: string, callId: string, result: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ callid: callId, result }).toString(),
  });
  expect(response.status).toBe(200);
  const action = (await response.json()) as { play?: string; ivr?: string };
  return new URL(action.play ?? action.ivr ?? '').searchParams.get('clips') ?? '';
}

function withParam(url: string, name: string, value: string | null): string {
  const u = new URL(url);
  if (value === null) u.searchParams.delete(name);
  else u.searchParams.set(name, value);
  return u.toString();
}

async function callbacksOf(s: TestServer, clinicId: string) {
  const { rows } = await s.db.query<{ phone_e164: string; status: string }>('SELECT phone_e164, status FROM callbacks WHERE clinic_id = $1', [clinicId]);
  return rows;
}

describe('signed call state in the IVR next URLs', () => {
  it('refuses a state with the number changed, without a signature, or from another call; the real one still books', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s, { callerId: null });
    const call = await FakeElksCall.dial(s, { from: '+46701230001', to: bookingNumber });
    const menu = String(call.answers.at(-1)!.next);
    expect(new URL(menu).searchParams.get('v')).toBeTruthy();

    expect(await pressAt(withParam(menu, 'p', '+46709999999'), call.callId, '1')).toBe(APOLOGY);
    expect(await pressAt(withParam(menu, 'v', null), call.callId, '1')).toBe(APOLOGY);
    expect(await pressAt(withParam(menu, 'v', 'A'.repeat(43)), call.callId, '1')).toBe(APOLOGY);
    expect(await pressAt(withParam(menu, 'f', '0700000000'), call.callId, '1')).toBe(APOLOGY);
    expect(await pressAt(menu, 'r-another-call', '1')).toBe(APOLOGY);
    expect(await callbacksOf(s, id)).toEqual([]);
    // The forged steps did not mark the real call failed.
    const outcome = await s.db.query<{ outcome: string }>('SELECT outcome FROM incoming_calls WHERE call_id = $1', [call.callId]);
    expect(outcome.rows).toEqual([{ outcome: 'answered' }]);

    await call.press('1');
    expect(call.lastPrompt.text).toContain('Du är bokad.');
    expect(await callbacksOf(s, id)).toEqual([{ phone_e164: '+46701230001', status: 'booked' }]);
  });

  it('a cancel menu’s state cannot be pointed at another caller’s callback', async () => {
    const s = server();
    s.clock.set(TUESDAY_0800);
    const { id, bookingNumber } = await ivrClinic(s, { callerId: null, oneOpenCallbackPerCaller: true });
    const victim = await FakeElksCall.dial(s, { from: '+46701230002', to: bookingNumber });
    await victim.press('1');
    const attacker = await FakeElksCall.dial(s, { from: '+46701230003', to: bookingNumber });
    await attacker.press('1');
    const again = await FakeElksCall.dial(s, { from: '+46701230003', to: bookingNumber });
    const cancelMenu = String(again.answers.at(-1)!.next);
    expect(new URL(cancelMenu).searchParams.get('s')).toBe('cancel');
    const { rows } = await s.db.query<{ id: string }>("SELECT id FROM callbacks WHERE phone_e164 = '+46701230002'");
    const forged = withParam(withParam(cancelMenu, 'b', rows[0]!.id), 'p', '+46701230002');
    expect(await pressAt(forged, again.callId, '3')).toBe(APOLOGY);
    expect((await callbacksOf(s, id)).map((c) => c.status)).toEqual(['booked', 'booked']);
  });
});
