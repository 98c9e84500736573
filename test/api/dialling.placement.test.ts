// Agent-first dialling when 46elks answers after our request timed out: the call it placed anyway is still this
// attempt's (its voice_start connects the patient, its hang-up record becomes the one attempt), and a second
// press after the timeout places a new call whose placement alone connects the patient; the first call's
// voice_start hangs up and its record is ignored.
import { describe, expect, it } from 'vitest';
import { at, claimedCallback, CLINIC_NUMBER, PATIENT, TUESDAY_0800 } from '../support/agentFirst.js';
import { hangupFields, type ElksRequest } from '../support/fakeElks.js';
import { useFakeElksApp } from '../support/fakeElksApp.js';
import { until } from '../support/until.js';

// A client timeout the fake, held, answers after; long enough for the fake to answer a request it does not hold
// (the second press's) in time on a busy machine: each held press waits it out.
const { fake, server } = useFakeElksApp(TUESDAY_0800, { placeCalls: true, elksTimeoutMs: 3000 });

const dial = (callbackId: string, nurse: string) => server().request('POST', `/api/staff/callbacks/${callbackId}/dial`, { headers: { Authorization: nurse } });
const attempts = async (callbackId: string) =>
  (await server().db.query<any>('SELECT * FROM call_attempts WHERE callback_id = $1 ORDER BY started_at', [callbackId])).rows;
const outgoing = async (callbackId: string) =>
  (await server().db.query<any>('SELECT * FROM outgoing_calls WHERE callback_id = $1 ORDER BY attempt_number', [callbackId])).rows;

/** Polls until the fake has answered the held request(s) it was released from, for as long as a busy machine may take. */
const waitFor = (condition: () => boolean) => until(async () => condition(), (met) => met, 'the held calls to be answered', 60_000);

describe('a provider answering after our timeout', () => {
  it('takes the call it placed anyway as the attempt: its voice_start connects and its hang-up is the one attempt', async () => {
    const { callbackId, nurse, nurseId } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    const release = fake().holdNext('/calls');
    const timedOut = await dial(callbackId, nurse);
    expect(timedOut.status).toBe(503);
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'failed', failure: 'provider_timeout', provider_call_id: null, placement: 1 }]);
    // 46elks placed it after all.
    release();
    await waitFor(() => fake().calls.length > before && fake().calls[before]!.id !== null);
    const call = fake().calls[before]!;

    expect(await fake().answer(call)).toEqual({ status: 200, action: { connect: PATIENT, callerid: CLINIC_NUMBER, timeout: 30 } });
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'placed', provider_call_id: call.id, failure: null }]);
    // A press now finds the call ringing instead of placing a second one.
    expect((await dial(callbackId, nurse)).status).toBe(200);
    expect(fake().calls.length - before).toBe(1);

    server().clock.set(at('08:18:00'));
    const fields = hangupFields(call, { created: at('08:16:00'), start: at('08:16:10'), patientPhone: PATIENT, duration: 100, legDuration: 90 });
    expect(await fake().hangup(call, fields)).toBe(204);
    const rows = await attempts(callbackId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'answered', staff_id: nurseId, telephony_call_id: `46elks:${call.id}` });
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'ended' }]);
  });

  it('takes the hang-up record alone as the attempt when no voice_start told us the call’s id', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    const release = fake().holdNext('/calls');
    expect((await dial(callbackId, nurse)).status).toBe(503);
    release();
    await waitFor(() => fake().calls.length > before && fake().calls[before]!.id !== null);
    const call = fake().calls[before]!;
    server().clock.set(at('08:17:00'));
    const fields = hangupFields(call, { created: at('08:16:00'), start: at('08:16:05'), patientPhone: PATIENT, patient: 'busy', duration: 20 });
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await attempts(callbackId)).toMatchObject([{ outcome: 'busy', telephony_call_id: `46elks:${call.id}` }]);
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'ended', provider_call_id: call.id }]);
  });

  it('after a timeout and a second press, only the second call connects the patient and becomes the attempt', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    const release = fake().holdNext('/calls');
    expect((await dial(callbackId, nurse)).status).toBe(503);
    const second = await dial(callbackId, nurse);
    expect(second.status).toBe(201);
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'placed', placement: 2 }]);
    release();
    await waitFor(() => fake().calls.length - before === 2 && fake().calls.slice(before).every((c) => c.id !== null));
    const [secondCall, firstCall] = fake().calls.slice(before) as [ElksRequest, ElksRequest];
    expect(firstCall.fields.voice_start).toMatch(/placement=1$/);
    expect(secondCall.fields.voice_start).toMatch(/placement=2$/);

    // The nurse's phone rings twice; the first call's answer is hung up, the second connects the patient.
    expect(await fake().answer(firstCall)).toEqual({ status: 200, action: { hangup: 'reject' } });
    expect(await fake().answer(secondCall)).toMatchObject({ status: 200, action: { connect: PATIENT } });

    server().clock.set(at('08:18:00'));
    // Even a record of the first call claiming a connect is not this attempt's.
    const firstFields = hangupFields(firstCall, { created: at('08:16:00'), start: at('08:16:04'), patientPhone: PATIENT, duration: 3 });
    expect(await fake().hangup(firstCall, firstFields)).toBe(204);
    expect(await attempts(callbackId)).toHaveLength(0);
    const secondFields = hangupFields(secondCall, { created: at('08:16:01'), start: at('08:16:08'), patientPhone: PATIENT, duration: 60, legDuration: 50 });
    expect(await fake().hangup(secondCall, secondFields)).toBe(204);
    expect(await attempts(callbackId)).toMatchObject([{ outcome: 'answered', telephony_call_id: `46elks:${secondCall.id}` }]);
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'ended', provider_call_id: secondCall.id }]);
  });
});
