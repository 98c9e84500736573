// The telephony webhook: HMAC-signed call events become call attempts, each event id taken once.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signTelephonyBody } from '../../src/services/telephony.js';
import { sendTelephonyEvent, TEST_TELEPHONY_SECRET, useTestServer } from '../support/server.js';

// Tuesday after Easter 2027, summer time (+02:00). Booked at 08:00, the callback's slot is 08:15–08:30.
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const TUESDAY_0815 = '2027-03-30T08:15:00+02:00';

const server = useTestServer(TUESDAY_0800);

const NO_SUCH_CALLBACK = '0b7e4c2a-9d1f-4a3b-8c5d-6e7f8a9b0c1d';

interface CallEvent {
  eventId: string;
  type: 'call.started' | 'call.answered' | 'call.ended';
  callId: string;
  callbackId: string;
  at: string;
  outcome?: 'no_answer' | 'busy' | 'voicemail' | 'wrong_number';
}

/** Posts `raw` exactly as given, with the given signature header (none when null). */
const postRaw = (raw: string, signature: string | null) =>
  server().request('POST', '/api/telephony/events', {
    body: raw,
    headers: signature === null ? {} : { 'X-Telephony-Signature': signature },
  });

const send = (event: CallEvent | Record<string, unknown>) => sendTelephonyEvent(server(), { ...event });

/** A fresh clinic with one callback booked at 08:00 (slot 08:15) and claimed by a nurse at 08:15. */
async function claimedCallback(): Promise<{ clinicId: string; callbackId: string; nurse: string; nurseId: string }> {
  server().clock.set(TUESDAY_0800);
  const clinicId = await server().addClinic();
  const booked = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } });
  expect(booked.status).toBe(201);
  expect(booked.body.slot.start).toBe('2027-03-30T08:15:00+02:00');
  const nurse = await server().addStaff('nurse', [clinicId]);
  const nurseId = (await server().request('GET', '/api/staff/me', { headers: { Authorization: nurse } })).body.id;
  server().clock.set(TUESDAY_0815);
  const claimed = await server().request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: nurse } });
  expect(claimed.status).toBe(200);
  expect(claimed.body).toMatchObject({ id: booked.body.id, state: 'claimed', status: 'claimed', claimedBy: nurseId });
  return { clinicId, callbackId: booked.body.id, nurse, nurseId };
}

const callbackRow = async (id: string) =>
  (
    await server().db.query<any>(
      'SELECT status, attempt_count, due_at, reached_at, claimed_by, claim_expires_at FROM callbacks WHERE id = $1',
      [id],
    )
  ).rows[0];

const attemptRows = async (callbackId: string) =>
  (await server().db.query<any>('SELECT * FROM call_attempts WHERE callback_id = $1 ORDER BY started_at', [callbackId])).rows;

const eventRows = async (eventId: string) =>
  (await server().db.query<any>('SELECT event_id FROM telephony_events WHERE event_id = $1', [eventId])).rows;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

describe('POST /api/telephony/events: a call that is answered', () => {
  it('turns started, answered and ended into one telephony attempt that completes the callback', async () => {
    const { callbackId, nurse, nurseId } = await claimedCallback();
    const callId = `call-${randomUUID()}`;
    const events: CallEvent[] = [
      { eventId: randomUUID(), type: 'call.started', callId, callbackId, at: '2027-03-30T08:16:05+02:00' },
      { eventId: randomUUID(), type: 'call.answered', callId, callbackId, at: '2027-03-30T08:16:20+02:00' },
      { eventId: randomUUID(), type: 'call.ended', callId, callbackId, at: '2027-03-30T08:19:40+02:00' },
    ];
    for (const event of events) {
      const res = await send(event);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'accepted' });
    }

    const attempts = await attemptRows(callbackId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ source: 'telephony', outcome: 'answered', telephony_call_id: callId, staff_id: nurseId, note: null });
    expect(iso(attempts[0].started_at)).toBe('2027-03-30T06:16:05.000Z');
    expect(iso(attempts[0].answered_at)).toBe('2027-03-30T06:16:20.000Z');
    expect(iso(attempts[0].ended_at)).toBe('2027-03-30T06:19:40.000Z');

    const callback = await callbackRow(callbackId);
    expect(callback).toMatchObject({ status: 'completed', attempt_count: 1, claimed_by: null, claim_expires_at: null });
    // Reached when the patient answered (08:16:20), not when the call ended.
    expect(iso(callback.reached_at)).toBe('2027-03-30T06:16:20.000Z');

    // The nurse sees the attempt the telephone system reported.
    const details = await server().request('GET', `/api/staff/callbacks/${callbackId}`, { headers: { Authorization: nurse } });
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({ status: 'completed', state: null, attempts: expect.any(Array) });
    expect(details.body.attempts).toEqual([
      {
        id: attempts[0].id,
        source: 'telephony',
        staffId: nurseId,
        startedAt: '2027-03-30T08:16:05+02:00',
        answeredAt: '2027-03-30T08:16:20+02:00',
        endedAt: '2027-03-30T08:19:40+02:00',
        outcome: 'answered',
        note: null,
      },
    ]);
  });
});

describe('POST /api/telephony/events: signatures', () => {
  it('refuses a wrong signature with 401 invalid_signature and stores nothing', async () => {
    const { callbackId } = await claimedCallback();
    const event: CallEvent = { eventId: randomUUID(), type: 'call.ended', callId: `call-${randomUUID()}`, callbackId, at: '2027-03-30T08:17:00+02:00' };
    const raw = JSON.stringify(event);
    const res = await postRaw(raw, signTelephonyBody('not-the-telephony-secret-not-the-telephony', raw));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    expect(await eventRows(event.eventId)).toEqual([]);
    expect(await attemptRows(callbackId)).toEqual([]);
    expect(await callbackRow(callbackId)).toMatchObject({ status: 'claimed', attempt_count: 0 });
  });

  it('refuses a missing signature with 401 invalid_signature and stores nothing', async () => {
    const { callbackId } = await claimedCallback();
    const event: CallEvent = { eventId: randomUUID(), type: 'call.started', callId: `call-${randomUUID()}`, callbackId, at: '2027-03-30T08:16:00+02:00' };
    const res = await postRaw(JSON.stringify(event), null);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    expect(await eventRows(event.eventId)).toEqual([]);
    expect(await attemptRows(callbackId)).toEqual([]);
  });

  it('refuses a body altered after signing with 401 and stores nothing', async () => {
    const { callbackId } = await claimedCallback();
    const event: CallEvent = { eventId: randomUUID(), type: 'call.started', callId: `call-${randomUUID()}`, callbackId, at: '2027-03-30T08:16:00+02:00' };
    const signed = JSON.stringify(event);
    const signature = signTelephonyBody(TEST_TELEPHONY_SECRET, signed);
    const altered = signed.replace('"call.started"', '"call.ended"');
    expect(altered).not.toBe(signed);
    const res = await postRaw(altered, signature);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    expect(await eventRows(event.eventId)).toEqual([]);
    expect(await attemptRows(callbackId)).toEqual([]);
    expect(await callbackRow(callbackId)).toMatchObject({ status: 'claimed', attempt_count: 0 });
  });

  it('checks the signature over the exact bytes sent: the same JSON re-formatted is refused', async () => {
    const { callbackId } = await claimedCallback();
    const event: CallEvent = { eventId: randomUUID(), type: 'call.started', callId: `call-${randomUUID()}`, callbackId, at: '2027-03-30T08:16:00+02:00' };
    const signature = signTelephonyBody(TEST_TELEPHONY_SECRET, JSON.stringify(event));
    const res = await postRaw(JSON.stringify(event, null, 2), signature);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    expect(await eventRows(event.eventId)).toEqual([]);
  });
});

describe('POST /api/telephony/events: replays', () => {
  it('acknowledges a replayed event as duplicate and changes nothing', async () => {
    const { callbackId } = await claimedCallback();
    const callId = `call-${randomUUID()}`;
    const started: CallEvent = { eventId: randomUUID(), type: 'call.started', callId, callbackId, at: '2027-03-30T08:16:00+02:00' };
    const ended: CallEvent = { eventId: randomUUID(), type: 'call.ended', callId, callbackId, at: '2027-03-30T08:17:00+02:00', outcome: 'busy' };
    expect((await send(started)).body).toEqual({ status: 'accepted' });
    expect((await send(ended)).body).toEqual({ status: 'accepted' });
    const before = await callbackRow(callbackId);
    expect(before).toMatchObject({ status: 'booked', attempt_count: 1 });
    expect(iso(before.due_at)).toBe('2027-03-30T06:27:00.000Z');

    const replay = await send(ended);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ status: 'duplicate' });
    const replayedStart = await send(started);
    expect(replayedStart.status).toBe(200);
    expect(replayedStart.body).toEqual({ status: 'duplicate' });

    expect(await callbackRow(callbackId)).toEqual(before);
    const attempts = await attemptRows(callbackId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: 'busy', telephony_call_id: callId });
  });

  it('takes an event id once even when the replay carries another call: no second attempt row', async () => {
    const { callbackId } = await claimedCallback();
    const eventId = randomUUID();
    const first: CallEvent = { eventId, type: 'call.ended', callId: `call-${randomUUID()}`, callbackId, at: '2027-03-30T08:17:00+02:00' };
    expect((await send(first)).body).toEqual({ status: 'accepted' });
    const before = await callbackRow(callbackId);
    expect(before.attempt_count).toBe(1);

    const sameIdOtherCall: CallEvent = { ...first, callId: `call-${randomUUID()}`, at: '2027-03-30T08:40:00+02:00' };
    const res = await send(sameIdOtherCall);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'duplicate' });
    expect(await callbackRow(callbackId)).toEqual(before);
    expect(await attemptRows(callbackId)).toHaveLength(1);
  });
});

describe('POST /api/telephony/events: a call that is not answered', () => {
  it('records no_answer on call.ended without call.answered and books the retry 10 minutes after the end', async () => {
    const { callbackId, nurseId } = await claimedCallback();
    const callId = `call-${randomUUID()}`;
    expect((await send({ eventId: randomUUID(), type: 'call.started', callId, callbackId, at: '2027-03-30T08:16:10+02:00' })).status).toBe(200);
    const res = await send({ eventId: randomUUID(), type: 'call.ended', callId, callbackId, at: '2027-03-30T08:21:37+02:00' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'accepted' });

    const attempts = await attemptRows(callbackId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ source: 'telephony', outcome: 'no_answer', answered_at: null, staff_id: nurseId });
    expect(iso(attempts[0].started_at)).toBe('2027-03-30T06:16:10.000Z');
    expect(iso(attempts[0].ended_at)).toBe('2027-03-30T06:21:37.000Z');

    const callback = await callbackRow(callbackId);
    expect(callback).toMatchObject({ status: 'booked', attempt_count: 1, claimed_by: null, claim_expires_at: null, reached_at: null });
    // 08:21:37+02:00 plus the default retry delay of 10 minutes = 08:31:37+02:00 = 06:31:37Z.
    expect(iso(callback.due_at)).toBe('2027-03-30T06:31:37.000Z');
  });

  it('records no_answer for a lone call.ended whose call never started', async () => {
    const { callbackId } = await claimedCallback();
    const res = await send({ eventId: randomUUID(), type: 'call.ended', callId: `call-${randomUUID()}`, callbackId, at: '2027-03-30T08:18:00+02:00' });
    expect(res.status).toBe(200);
    const attempts = await attemptRows(callbackId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ source: 'telephony', outcome: 'no_answer' });
    const callback = await callbackRow(callbackId);
    expect(callback).toMatchObject({ status: 'booked', attempt_count: 1 });
    expect(iso(callback.due_at)).toBe('2027-03-30T06:28:00.000Z');
  });
});

describe('POST /api/telephony/events: events out of order', () => {
  it('treats a call.answered arriving after call.ended as reached, cancelling the retry', async () => {
    const { callbackId } = await claimedCallback();
    const callId = `call-${randomUUID()}`;
    await send({ eventId: randomUUID(), type: 'call.started', callId, callbackId, at: '2027-03-30T08:16:00+02:00' });
    await send({ eventId: randomUUID(), type: 'call.ended', callId, callbackId, at: '2027-03-30T08:20:00+02:00' });
    expect((await callbackRow(callbackId)).status).toBe('booked');
    const late = await send({ eventId: randomUUID(), type: 'call.answered', callId, callbackId, at: '2027-03-30T08:16:20+02:00' });
    expect(late.body).toEqual({ status: 'accepted' });

    const attempts = await attemptRows(callbackId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: 'answered' });
    expect(iso(attempts[0].answered_at)).toBe('2027-03-30T06:16:20.000Z');
    const callback = await callbackRow(callbackId);
    expect(callback).toMatchObject({ status: 'completed', attempt_count: 1 });
    expect(iso(callback.reached_at)).toBe('2027-03-30T06:16:20.000Z'); // the reported answer, not the end at 08:20
  });

  it('leaves a callback alone when a late answer belongs to an earlier attempt than its latest', async () => {
    const { clinicId, callbackId, nurse } = await claimedCallback();
    const first = `call-${randomUUID()}`;
    await send({ eventId: randomUUID(), type: 'call.ended', callId: first, callbackId, at: '2027-03-30T08:16:00+02:00' });
    server().clock.set('2027-03-30T08:26:00+02:00');
    await server().request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: nurse } });
    const second = `call-${randomUUID()}`;
    await send({ eventId: randomUUID(), type: 'call.ended', callId: second, callbackId, at: '2027-03-30T08:27:00+02:00' });
    await send({ eventId: randomUUID(), type: 'call.answered', callId: first, callbackId, at: '2027-03-30T08:15:30+02:00' });
    expect(await callbackRow(callbackId)).toMatchObject({ status: 'booked', attempt_count: 2 });
  });
});

describe('POST /api/telephony/events: bad requests', () => {
  it('answers 404 for an unknown callbackId and stores nothing', async () => {
    const eventId = randomUUID();
    const callId = `call-${randomUUID()}`;
    const res = await send({ eventId, type: 'call.started', callId, callbackId: NO_SUCH_CALLBACK, at: '2027-03-30T08:16:00+02:00' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('callback_not_found');
    expect(await eventRows(eventId)).toEqual([]);
    const { rows } = await server().db.query<any>('SELECT id FROM call_attempts WHERE telephony_call_id = $1', [callId]);
    expect(rows).toEqual([]);
  });

  it('answers 400 naming body.callId for a signed event without callId', async () => {
    const { callbackId } = await claimedCallback();
    const eventId = randomUUID();
    const res = await send({ eventId, type: 'call.started', callbackId, at: '2027-03-30T08:16:00+02:00' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.callId']);
    expect(await eventRows(eventId)).toEqual([]);
    expect(await attemptRows(callbackId)).toEqual([]);
  });
});
