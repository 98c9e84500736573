// Call times that cannot be true are refused: a nurse's or the telephone system's time minutes ahead of
// ours, or before the patient booked. Each refusal is a 400 naming the field, and nothing is stored.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendTelephonyEvent, useTestServer } from '../support/server.js';

// Tuesday 30 March 2027 (+02:00). Booked at 08:00, the callback's slot is 08:15–08:30.
const at = (time: string) => `2027-03-30T${time}+02:00`;
const server = useTestServer(at('08:00:00'));

/** A fresh clinic with one callback booked at 08:00 and claimed by a nurse at 08:15; the clock stays at 08:15. */
async function claimedCallback() {
  const s = server();
  s.clock.set(at('08:00:00'));
  const clinicId = await s.addClinic();
  const booked = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } });
  expect(booked.status).toBe(201);
  const nurse = await s.addStaff('nurse', [clinicId]);
  s.clock.set(at('08:15:00'));
  const claimed = await s.request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: nurse } });
  expect(claimed.body.id).toBe(booked.body.id);
  const callbackId: string = booked.body.id;
  const logAttempt = (body: Record<string, unknown>) =>
    s.request('POST', `/api/staff/callbacks/${callbackId}/attempts`, { headers: { Authorization: nurse }, body });
  const state = async () => ({
    attempts: (await s.db.query('SELECT id FROM call_attempts WHERE callback_id = $1', [callbackId])).rows.length,
    status: (await s.db.query<{ status: string }>('SELECT status FROM callbacks WHERE id = $1', [callbackId])).rows[0]!.status,
  });
  return { s, callbackId, logAttempt, state };
}

const fields = (res: { body: any }) => res.body.error.details.fields;

describe('POST /api/staff/callbacks/:id/attempts: the times a nurse gives', () => {
  it('refuses times more than 2 minutes ahead of the clock, naming each field', async () => {
    const { logAttempt, state } = await claimedCallback();
    const res = await logAttempt({ outcome: 'answered', startedAt: at('08:17:01'), endedAt: at('08:25:00') });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual([
      { field: 'body.startedAt', message: 'must not be more than 2 minutes in the future' },
      { field: 'body.endedAt', message: 'must not be more than 2 minutes in the future' },
    ]);
    expect(await state()).toEqual({ attempts: 0, status: 'claimed' });
  });

  it('refuses a call started before the patient booked', async () => {
    const { logAttempt, state } = await claimedCallback();
    const res = await logAttempt({ outcome: 'no_answer', startedAt: at('07:59:59'), endedAt: at('08:10:00') });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual([{ field: 'body.startedAt', message: 'must not be before the callback was booked' }]);
    expect(await state()).toEqual({ attempts: 0, status: 'claimed' });
  });

  it('takes a time up to 2 minutes ahead: the nurse’s clock may run a little fast', async () => {
    const { logAttempt, state } = await claimedCallback();
    const res = await logAttempt({ outcome: 'answered', startedAt: at('08:16:00'), endedAt: at('08:17:00') });
    expect(res.status).toBe(201);
    expect(await state()).toEqual({ attempts: 1, status: 'completed' });
  });
});

describe('POST /api/telephony/events: the time the telephone system gives', () => {
  it('refuses an event more than 2 minutes ahead with 400 naming body.at, and takes the same event id once it is true', async () => {
    const { s, callbackId, state } = await claimedCallback();
    const event = { eventId: randomUUID(), type: 'call.started', callId: `call-${randomUUID()}`, callbackId, at: at('08:17:30') };
    const early = await sendTelephonyEvent(s, event, { asOfNow: true });
    expect(early.status).toBe(400);
    expect(fields(early)).toEqual([{ field: 'body.at', message: 'must not be more than 2 minutes in the future' }]);
    expect((await s.db.query('SELECT event_id FROM telephony_events WHERE event_id = $1', [event.eventId])).rows).toEqual([]);
    expect(await state()).toEqual({ attempts: 0, status: 'claimed' });

    // The event id was not used up by the refusal: sent again when its time has come, it is accepted.
    s.clock.set(at('08:17:30'));
    const again = await sendTelephonyEvent(s, event, { asOfNow: true });
    expect(again.body).toEqual({ status: 'accepted' });
    expect(await state()).toEqual({ attempts: 1, status: 'claimed' });
  });

  it('refuses an event before the patient booked, and stores nothing', async () => {
    const { s, callbackId, state } = await claimedCallback();
    const event = { eventId: randomUUID(), type: 'call.ended', callId: `call-${randomUUID()}`, callbackId, at: at('07:50:00') };
    const res = await sendTelephonyEvent(s, event, { asOfNow: true });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual([{ field: 'body.at', message: 'must not be before the callback was booked' }]);
    expect((await s.db.query('SELECT event_id FROM telephony_events WHERE event_id = $1', [event.eventId])).rows).toEqual([]);
    expect(await state()).toEqual({ attempts: 0, status: 'claimed' });
  });
});
