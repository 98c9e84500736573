// Agent-first dialling against a local fake of 46elks: "Ring" places one call to the nurse's phone, voice_start
// connects the patient showing the clinic's number, and the hang-up record (sent twice) becomes one attempt
// with the real start, concluding the callback as any attempt does (reached, retry, unreachable).
import { describe, expect, it } from 'vitest';
import { webhookKey } from '../../src/telephony/webhookKey.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import { agentFirstClinic, at, claimedCallback, CLINIC_NUMBER, NURSE_PHONE, PATIENT, TUESDAY_0800 } from '../support/agentFirst.js';
import { hangupFields, type ElksRequest } from '../support/fakeElks.js';
import { useFakeElksApp } from '../support/fakeElksApp.js';
import { TEST_TELEPHONY_SECRET } from '../support/server.js';
import { until } from '../support/until.js';

const { fake, server } = useFakeElksApp(TUESDAY_0800, { placeCalls: true });

const dial = (callbackId: string, nurse: string, body?: unknown) =>
  server().request('POST', `/api/staff/callbacks/${callbackId}/dial`, { headers: { Authorization: nurse }, ...(body === undefined ? {} : { body }) });

const attempts = async (callbackId: string) =>
  (await server().db.query<any>('SELECT * FROM call_attempts WHERE callback_id = $1 ORDER BY started_at', [callbackId])).rows;
const callback = async (id: string) =>
  (await server().db.query<any>('SELECT status, attempt_count, due_at, reached_at FROM callbacks WHERE id = $1', [id])).rows[0];
const outgoing = async (callbackId: string) =>
  (await server().db.query<any>('SELECT * FROM outgoing_calls WHERE callback_id = $1 ORDER BY attempt_number', [callbackId])).rows;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The fake's calls placed for this test (the fake serves the whole file). */
const callsTo = (since: number) => fake().calls.slice(since);

describe('dialling a claimed callback, agent first', () => {
  it('rings the nurse from the clinic number, connects the patient, and makes one attempt of a hang-up sent twice', async () => {
    const { callbackId, nurse, nurseId } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    const res = await dial(callbackId, nurse);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ callbackId, attemptNumber: 1, state: 'placed', failure: null });

    const placed = callsTo(before);
    expect(placed).toHaveLength(1);
    const call = placed[0]!;
    const base = `${server().baseUrl}/api/telephony/46elks/${webhookKey(TEST_TELEPHONY_SECRET)}/calls/${res.body.id}`;
    expect(call.fields).toEqual({ from: CLINIC_NUMBER, to: NURSE_PHONE, voice_start: `${base}/voice-start?placement=1`, whenhangup: `${base}/hangup?placement=1`, timeout: '30' });

    // The nurse answers: the patient is rung, showing the clinic's number.
    const answered = await fake().answer(call);
    expect(answered).toEqual({ status: 200, action: { connect: PATIENT, callerid: CLINIC_NUMBER, timeout: 30 } });

    // She answered at 08:16:10; the patient's leg talked 180 s of the 200 s call: answered 08:16:30, ended 08:19:30.
    server().clock.set(at('08:19:31'));
    const fields = hangupFields(call, { created: at('08:16:00'), start: at('08:16:10'), patientPhone: PATIENT, patient: 'success', duration: 200, legDuration: 180 });
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await fake().hangup(call, fields)).toBe(204);

    const rows = await attempts(callbackId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'telephony', outcome: 'answered', staff_id: nurseId, telephony_call_id: `46elks:${call.id}` });
    expect(iso(rows[0].started_at)).toBe('2027-03-30T06:16:10.000Z');
    expect(iso(rows[0].answered_at)).toBe('2027-03-30T06:16:30.000Z');
    expect(iso(rows[0].ended_at)).toBe('2027-03-30T06:19:30.000Z');
    const row = await callback(callbackId);
    expect(row).toMatchObject({ status: 'completed', attempt_count: 1 });
    expect(iso(row.reached_at)).toBe('2027-03-30T06:16:30.000Z');
    expect((await outgoing(callbackId)).map((o) => o.state)).toEqual(['ended']);

    // The nurse only records the outcome.
    const outcome = await server().request('PUT', `/api/staff/callbacks/${callbackId}/outcome`, {
      headers: { Authorization: nurse },
      body: { resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: false } },
    });
    expect(outcome.status).toBe(204);
  });

  for (const [patient, outcome] of [
    ['busy', 'busy'],
    ['failed', 'no_answer'],
  ] as const) {
    it(`records a patient who is ${patient === 'busy' ? 'busy' : 'not answering'} as ${outcome} and books the retry as for a logged one`, async () => {
      const { callbackId, nurse } = await claimedCallback(server());
      const before = fake().calls.length;
      server().clock.set(at('08:16:00'));
      expect((await dial(callbackId, nurse)).status).toBe(201);
      const call = callsTo(before)[0]!;
      server().clock.set(at('08:17:00'));
      const fields = hangupFields(call, { created: at('08:16:00'), start: at('08:16:05'), patientPhone: PATIENT, patient, duration: 31 });
      expect(await fake().hangup(call, fields)).toBe(204);
      expect(await fake().hangup(call, fields)).toBe(204);

      const rows = await attempts(callbackId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ outcome, answered_at: null });
      expect(iso(rows[0].started_at)).toBe('2027-03-30T06:16:05.000Z');
      expect(iso(rows[0].ended_at)).toBe('2027-03-30T06:16:36.000Z');
      // Ended 08:16:36 plus the clinic's 10-minute retry delay.
      const row = await callback(callbackId);
      expect(row).toMatchObject({ status: 'booked', attempt_count: 1 });
      expect(iso(row.due_at)).toBe('2027-03-30T06:26:36.000Z');
    });
  }

  it('records no attempt when the nurse’s own phone never answered, and lets her press again', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    const first = await dial(callbackId, nurse);
    expect(first.status).toBe(201);
    const call = callsTo(before)[0]!;
    server().clock.set(at('08:16:40'));
    const fields = hangupFields(call, { created: at('08:16:00'), patientPhone: PATIENT });
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await attempts(callbackId)).toHaveLength(0);
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'failed', failure: 'agent_unanswered' }]);
    expect(await callback(callbackId)).toMatchObject({ status: 'claimed', attempt_count: 0 });

    const again = await dial(callbackId, nurse);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, attemptNumber: 1, state: 'placed' });
    expect(callsTo(before)).toHaveLength(2);
    // The first call's record, repeated by the provider, no longer belongs to this attempt's call.
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'placed' }]);
  });

  it('places one call for a double press and for presses at the same moment', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    const release = fake().holdNext('/calls');
    const presses = Array.from({ length: 5 }, () => dial(callbackId, nurse));
    // The provider holds its answer to the press that took the call; the others find it being placed.
    await waitFor(async () => (await outgoing(callbackId))[0]?.state === 'placing');
    release();
    const answers = await Promise.all(presses);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const again = await dial(callbackId, nurse);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: answers[0]!.body.id, state: 'placed' });
    expect(callsTo(before)).toHaveLength(1);
  });

  it('lets a press place a call left placing by a process that died, but not while it may still be asked', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    const release = fake().holdNext('/calls');
    const first = dial(callbackId, nurse);
    await waitFor(async () => (await outgoing(callbackId))[0]?.state === 'placing');
    // As if that process died here: its row stays 'placing' with the time it was taken.
    const [row] = await outgoing(callbackId);
    server().clock.set(at('08:17:00'));
    expect((await dial(callbackId, nurse)).status).toBe(200);
    release();
    await first;
    await server().db.query(`UPDATE outgoing_calls SET state = 'placing', provider_call_id = NULL, updated_at = $2 WHERE id = $1`, [
      row.id,
      at('08:16:00').toISO(),
    ]);
    server().clock.set(at('08:18:01'));
    const retried = await dial(callbackId, nurse);
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: row.id, state: 'placed' });
    expect(callsTo(before)).toHaveLength(2);
  });

  it('answers 503 when the provider is down, marks the call failed, and places it on the next press', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    fake().failNext('/calls', 503);
    const down = await dial(callbackId, nurse);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('service_unavailable');
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'failed', failure: 'provider_unavailable' }]);
    const retried = await dial(callbackId, nurse);
    expect(retried.status).toBe(201);
    expect(retried.body.state).toBe('placed');
    expect(callsTo(before)).toHaveLength(2);
  });

  it('answers 502 call_refused when the provider refuses the call for good', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    server().clock.set(at('08:16:00'));
    fake().failNext('/calls', 403, 1, 'Not enough credits');
    const refused = await dial(callbackId, nurse);
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('call_refused');
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'failed', failure: 'provider_refused' }]);
  });

  it('rings the number in the request, and answers 422 naming agentPhone when there is none', async () => {
    const { callbackId, nurse } = await claimedCallback(server(), { nursePhone: null });
    server().clock.set(at('08:16:00'));
    const missing = await dial(callbackId, nurse);
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'agent_phone_missing', details: { fields: [{ field: 'body.agentPhone' }] } });
    const bad = await dial(callbackId, nurse, { agentPhone: 'ring me' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('body.agentPhone');
    const before = fake().calls.length;
    expect((await dial(callbackId, nurse, { agentPhone: '070-555 00 02' })).status).toBe(201);
    expect(callsTo(before)[0]!.fields.to).toBe('+46705550002');
  });

  it('refuses a nurse who does not hold the claim, and a clinic that does not dial', async () => {
    const { callbackId, clinicId } = await claimedCallback(server());
    const colleague = await server().addStaff('nurse', [clinicId]);
    const before = fake().calls.length;
    const notHers = await dial(callbackId, colleague, { agentPhone: '0705550003' });
    expect(notHers.status).toBe(409);
    expect(notHers.body.error.code).toBe('not_claimed');

    const off = await claimedCallback(server(), { dialAgentFirst: false });
    const refused = await dial(off.callbackId, off.nurse);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'dialling_unavailable', details: { reason: 'off' } });
    expect(callsTo(before)).toHaveLength(0);
  });

  it('refuses to call before the promised slot starts (rule 4), placing nothing', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    // A claim taken early (CALLBACK_DUE_LEAD_MINUTES) at 08:10 for the 08:15 slot.
    server().clock.set(at('08:10:00'));
    await server().db.query(`UPDATE callbacks SET claim_expires_at = $2 WHERE id = $1`, [callbackId, at('08:20:00').toISO()]);
    const before = fake().calls.length;
    const early = await dial(callbackId, nurse);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'before_promised_time', details: { callableFrom: '2027-03-30T08:15:00+02:00' } });
    expect(callsTo(before)).toHaveLength(0);
    expect(await outgoing(callbackId)).toHaveLength(0);
  });

  it('refuses to call outside the clinic’s calling hours that day, saying when they begin again', async () => {
    server().clock.set(at('16:30:00'));
    const clinicId = await agentFirstClinic(server());
    const { token } = await createStaffMember(server().db, { name: 'Kväll', role: 'nurse', clinicIds: [clinicId], phoneE164: NURSE_PHONE });
    const booked = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } });
    expect(booked.body.slot.start).toBe('2027-03-30T16:45:00+02:00');
    server().clock.set(at('16:55:00'));
    expect((await server().request('POST', `/api/staff/callbacks/${booked.body.id}/claim`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    server().clock.set(at('17:00:00'));
    const before = fake().calls.length;
    const late = await dial(booked.body.id, `Bearer ${token}`);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({
      code: 'outside_calling_hours',
      details: { callingHours: { opens: '2027-03-30T06:00:00+02:00', closes: '2027-03-30T17:00:00+02:00' }, opensAt: '2027-03-31T06:00:00+02:00' },
    });
    expect(callsTo(before)).toHaveLength(0);
  });

  it('hangs up instead of connecting when the patient cancelled while the nurse’s phone rang', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    expect((await dial(callbackId, nurse)).status).toBe(201);
    await server().db.query(`UPDATE callbacks SET status = 'cancelled', cancelled_at = $2 WHERE id = $1`, [callbackId, at('08:16:01').toISO()]);
    const call: ElksRequest = callsTo(before)[0]!;
    expect(await fake().answer(call)).toEqual({ status: 200, action: { hangup: 'reject' } });
  });
});

describe('the claim during a long call (claim timeout 10 minutes)', () => {
  const claimOf = async (id: string) =>
    (await server().db.query<any>('SELECT status, claimed_by, claim_expires_at FROM callbacks WHERE id = $1', [id])).rows[0];

  it('holds the claim through a 12-minute call: no colleague can take it, and the attempt and outcome are the dialling nurse’s', async () => {
    const { callbackId, clinicId, nurse, nurseId } = await claimedCallback(server());
    const colleague = await server().addStaff('nurse', [clinicId]);
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    expect((await dial(callbackId, nurse)).status).toBe(201);
    const call = callsTo(before)[0]!;
    server().clock.set(at('08:16:10'));
    expect((await fake().answer(call)).action).toMatchObject({ connect: PATIENT });

    // 08:27: twelve minutes after the claim, eleven into the call. Renewing does not shorten the hold.
    server().clock.set(at('08:20:00'));
    expect((await server().request('POST', `/api/staff/callbacks/${callbackId}/claim/renew`, { headers: { Authorization: nurse } })).status).toBe(200);
    server().clock.set(at('08:27:00'));
    const taken = await server().request('POST', `/api/staff/callbacks/${callbackId}/claim`, { headers: { Authorization: colleague } });
    expect(taken.status).toBe(409);
    expect(await claimOf(callbackId)).toMatchObject({ status: 'claimed', claimed_by: nurseId });

    // The call ends at 08:28:10 (720 s from her answer; the patient talked 700 s).
    server().clock.set(at('08:28:11'));
    const fields = hangupFields(call, { created: at('08:16:00'), start: at('08:16:10'), patientPhone: PATIENT, duration: 720, legDuration: 700 });
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await attempts(callbackId)).toMatchObject([{ outcome: 'answered', staff_id: nurseId }]);
    expect(await callback(callbackId)).toMatchObject({ status: 'completed', attempt_count: 1 });
    const outcome = await server().request('PUT', `/api/staff/callbacks/${callbackId}/outcome`, {
      headers: { Authorization: nurse },
      body: { resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: false } },
    });
    expect(outcome.status).toBe(204);
  });

  it('files the attempt under the nurse the call rang even if another holds the claim when the record comes', async () => {
    const { callbackId, clinicId, nurse, nurseId } = await claimedCallback(server());
    const colleague = await server().addStaff('nurse', [clinicId]);
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    expect((await dial(callbackId, nurse)).status).toBe(201);
    const call = callsTo(before)[0]!;
    // As if the hold had been lost: the claim lapses and a colleague claims the callback.
    await server().db.query(`UPDATE callbacks SET claim_expires_at = $2 WHERE id = $1`, [callbackId, at('08:16:30').toISO()]);
    server().clock.set(at('08:17:00'));
    expect((await server().request('POST', `/api/staff/callbacks/${callbackId}/claim`, { headers: { Authorization: colleague } })).status).toBe(200);
    const fields = hangupFields(call, { created: at('08:16:00'), start: at('08:16:05'), patientPhone: PATIENT, patient: 'busy', duration: 20 });
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await attempts(callbackId)).toMatchObject([{ outcome: 'busy', staff_id: nurseId }]);
  });

  it('gives back the normal timeout when the call reached nobody', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    expect((await dial(callbackId, nurse)).status).toBe(201);
    expect(iso((await claimOf(callbackId)).claim_expires_at)).toBe('2027-03-30T08:16:00.000Z');
    const call = callsTo(before)[0]!;
    server().clock.set(at('08:16:40'));
    expect(await fake().hangup(call, hangupFields(call, { created: at('08:16:00'), patientPhone: PATIENT }))).toBe(204);
    expect(iso((await claimOf(callbackId)).claim_expires_at)).toBe('2027-03-30T06:26:40.000Z');
  });
});

describe('hang-up records the app cannot take yet, or ever', () => {
  it('answers 503 to a record that arrives before the placed call is stored, so 46elks repeats it', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    server().clock.set(at('08:16:00'));
    const release = fake().holdNext('/calls');
    const pressed = dial(callbackId, nurse);
    await waitFor(async () => (await outgoing(callbackId))[0]?.state === 'placing');
    const id = (await outgoing(callbackId))[0].id;
    const url = `${server().baseUrl}/api/telephony/46elks/${webhookKey(TEST_TELEPHONY_SECRET)}/calls/${id}/hangup`;
    const early = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'id=c-early&state=failed' });
    expect(early.status).toBe(503);
    release();
    expect((await pressed).status).toBe(201);
  });

  it('acknowledges an unreadable record without an attempt, leaving the nurse free to press again', async () => {
    const { callbackId, nurse } = await claimedCallback(server());
    const before = fake().calls.length;
    server().clock.set(at('08:16:00'));
    expect((await dial(callbackId, nurse)).status).toBe(201);
    const call = callsTo(before)[0]!;
    const fields = { id: call.id!, actions: JSON.stringify([{ connect: PATIENT, result: 'success' }]), start: 'yesterday', created: 'soon' };
    expect(await fake().hangup(call, fields)).toBe(204);
    expect(await attempts(callbackId)).toHaveLength(0);
    expect(await outgoing(callbackId)).toMatchObject([{ state: 'failed', failure: 'hangup_unreadable' }]);
    // Nothing the file did logged a patient's or a nurse's number (the call placed is logged with it masked).
    const log = server().logLines.join('');
    expect(log).toContain('agent-first call placed');
    expect(log).not.toContain('701234567');
    expect(log).not.toContain('705550001');
  });
});

/** Polls the database until `condition` holds (another request's statement in progress), for as long as a busy machine may take. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  await until(condition, (met) => met, 'the outgoing call to be placing', 60_000);
}
