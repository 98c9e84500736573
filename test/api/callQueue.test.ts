// The nurses' call queue through the HTTP API: order, atomic claims, expiry, attempts, retries, outcomes.
import { describe, expect, it } from 'vitest';
import { CallbackDetailsView } from '../../src/http/staffSchemas.js';
import { ALL_BACKENDS } from '../support/database.js';
import { useTestServer, type TestServer } from '../support/server.js';

// Tuesday after Easter 2027 (+02:00). Booking at 08:00 gives 08:15 first.
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const WEEKDAYS = [1, 2, 3, 4, 5];

async function setup(server: TestServer, clinic: Parameters<TestServer['addClinic']>[0] = {}) {
  server.clock.set(TUESDAY_0800);
  const clinicId = await server.addClinic(clinic);
  const nurse = await server.addStaff('nurse', [clinicId]);
  const book = async (slotStart: string, phone = '0701234567') => {
    const res = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone, slotStart } });
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string };
  };
  const claim = (auth = nurse) =>
    server.request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: auth } });
  const attempt = (id: string, body: Record<string, unknown>, auth = nurse) =>
    server.request('POST', `/api/staff/callbacks/${id}/attempts`, { body, headers: { Authorization: auth } });
  const queue = (auth = nurse) => server.request('GET', `/api/staff/clinics/${clinicId}/queue`, { headers: { Authorization: auth } });
  const row = async (id: string) =>
    (await server.db.query<any>('SELECT status, attempt_count, due_at, claimed_by FROM callbacks WHERE id = $1', [id])).rows[0];
  return { clinicId, nurse, book, claim, attempt, queue, row };
}

const server = useTestServer(TUESDAY_0800);

describe('the queue list', () => {
  it('shows due and overdue callbacks first, oldest promise first, then upcoming ones, with minutes late', async () => {
    const q = await setup(server());
    const late = await q.book('2027-03-30T08:15:00+02:00', '0701111111');
    const due = await q.book('2027-03-30T08:30:00+02:00', '0702222222');
    const upcoming = await q.book('2027-03-30T10:00:00+02:00', '0703333333');
    await q.book('2027-03-31T08:15:00+02:00'); // tomorrow: not listed today
    server().clock.set('2027-03-30T08:37:00+02:00');
    const res = await q.queue();
    expect(res.status).toBe(200);
    expect(res.body.now).toBe('2027-03-30T08:37:00+02:00');
    expect(res.body.entries.map((e: any) => [e.id, e.state, e.minutesFromPromise, e.phone])).toEqual([
      [late.id, 'due', 22, '+46701111111'],
      [due.id, 'due', 7, '+46702222222'],
      [upcoming.id, 'upcoming', -83, '+46703333333'],
    ]);
    expect(res.body.entries[0].promisedSlot).toEqual({ start: '2027-03-30T08:15:00+02:00', end: '2027-03-30T08:30:00+02:00' });
  });
});

describe('claiming', () => {
  it('never claims a callback before its slot: calling early breaks the promise', async () => {
    const q = await setup(server());
    await q.book('2027-03-30T09:00:00+02:00');
    server().clock.set('2027-03-30T08:59:00+02:00');
    expect((await q.claim()).status).toBe(204);
    server().clock.set('2027-03-30T09:00:00+02:00');
    expect((await q.claim()).status).toBe(200);
  });

  it('lets a claim expire after 10 minutes without renewal, and the callback returns to the queue', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    const other = await server().addStaff('nurse', [q.clinicId]);
    server().clock.set('2027-03-30T08:15:00+02:00');
    const first = await q.claim();
    expect(first.body).toMatchObject({ id: cb.id, state: 'claimed', claimExpiresAt: '2027-03-30T08:25:00+02:00' });
    server().clock.set('2027-03-30T08:24:59+02:00');
    expect((await q.claim(other)).status).toBe(204);
    server().clock.set('2027-03-30T08:25:00+02:00');
    const second = await q.claim(other);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(cb.id);
    // The first nurse has lost it: her attempt is refused.
    const late = await q.attempt(cb.id, { outcome: 'answered' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('not_claimed');
  });

  it('keeps a renewed claim, and gives a released one back', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    const other = await server().addStaff('nurse', [q.clinicId]);
    server().clock.set('2027-03-30T08:15:00+02:00');
    await q.claim();
    server().clock.set('2027-03-30T08:24:00+02:00');
    const renewed = await server().request('POST', `/api/staff/callbacks/${cb.id}/claim/renew`, { headers: { Authorization: q.nurse } });
    expect(renewed.body.claimExpiresAt).toBe('2027-03-30T08:34:00+02:00');
    server().clock.set('2027-03-30T08:30:00+02:00');
    expect((await q.claim(other)).status).toBe(204);
    const released = await server().request('POST', `/api/staff/callbacks/${cb.id}/claim/release`, { headers: { Authorization: q.nurse } });
    expect(released.status).toBe(200);
    expect((await q.claim(other)).body.id).toBe(cb.id);
  });

  it('refuses a patient’s cancellation once a nurse has claimed the callback', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:16:00+02:00');
    await q.claim();
    const res = await server().request('DELETE', `/api/callbacks/${cb.id}`, { headers: { 'X-Callback-Token': cb.token } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_cancellable');
  });
});

describe.each(ALL_BACKENDS)('concurrent claims on %s', (backend) => {
  const srv = useTestServer(TUESDAY_0800, backend);
  it('gives 20 simultaneous claims for 5 due callbacks exactly 5 distinct callbacks', async () => {
    const q = await setup(srv(), { capacityRules: [{ weekdays: WEEKDAYS, from: '08:15', to: '08:30', capacity: 5 }] });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await q.book('2027-03-30T08:15:00+02:00', `070${1000000 + i}`)).id);
    const nurses = await Promise.all(Array.from({ length: 20 }, () => srv().addStaff('nurse', [q.clinicId])));
    srv().clock.set('2027-03-30T08:15:00+02:00');
    const results = await Promise.all(nurses.map((n) => q.claim(n)));
    const claimed = results.filter((r) => r.status === 200).map((r) => r.body.id);
    expect(claimed).toHaveLength(5);
    expect(new Set(claimed)).toEqual(new Set(ids));
    expect(results.filter((r) => r.status === 204)).toHaveLength(15);
    const holders = await srv().db.query<{ n: number }>(
      "SELECT count(DISTINCT claimed_by)::int AS n FROM callbacks WHERE clinic_id = $1 AND status = 'claimed'",
      [q.clinicId],
    );
    expect(holders.rows[0]!.n).toBe(5);
  });
});

describe('call attempts', () => {
  it('completes the callback when the patient answers', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:17:00+02:00');
    await q.claim();
    const res = await q.attempt(cb.id, { outcome: 'answered', startedAt: '2027-03-30T08:16:00+02:00', note: 'Rådgivning' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ callbackStatus: 'completed', next: { kind: 'reached' } });
    expect(await q.row(cb.id)).toMatchObject({ status: 'completed', attempt_count: 1, claimed_by: null });
    const attempts = await server().db.query<any>('SELECT outcome, source, started_at, ended_at FROM call_attempts WHERE callback_id = $1', [cb.id]);
    expect(attempts.rows).toHaveLength(1);
    expect(attempts.rows[0].outcome).toBe('answered');
    expect(new Date(attempts.rows[0].started_at).toISOString()).toBe('2027-03-30T06:16:00.000Z');
    expect(new Date(attempts.rows[0].ended_at).toISOString()).toBe('2027-03-30T06:17:00.000Z');
  });

  it('returns an unanswered callback to the queue 10 minutes later, and gives up after the third attempt with an SMS', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:15:00+02:00');
    await q.claim();
    const first = await q.attempt(cb.id, { outcome: 'no_answer' });
    expect(first.body).toMatchObject({ callbackStatus: 'booked', next: { kind: 'retry', dueAt: '2027-03-30T08:25:00+02:00' } });
    expect((await q.claim()).status).toBe(204);
    server().clock.set('2027-03-30T08:25:00+02:00');
    expect((await q.claim()).body).toMatchObject({ id: cb.id, attempts: 1 });
    const second = await q.attempt(cb.id, { outcome: 'busy' });
    expect(second.body.next).toEqual({ kind: 'retry', dueAt: '2027-03-30T08:35:00+02:00' });
    server().clock.set('2027-03-30T08:40:00+02:00');
    await q.claim();
    const third = await q.attempt(cb.id, { outcome: 'voicemail' });
    expect(third.body).toMatchObject({ callbackStatus: 'unreachable', next: { kind: 'unreachable', reason: 'max_attempts' } });
    expect(await q.row(cb.id)).toMatchObject({ status: 'unreachable', attempt_count: 3 });
    const sms = await server().db.query<any>('SELECT kind FROM sms_messages WHERE callback_id = $1 ORDER BY kind', [cb.id]);
    expect(sms.rows.map((r) => r.kind)).toEqual(['booking_confirmation', 'unreachable']);
  });

  it('never plans a retry past the booking window that day', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T16:45:00+02:00');
    server().clock.set('2027-03-30T16:50:00+02:00');
    await q.claim();
    const res = await q.attempt(cb.id, { outcome: 'no_answer' });
    expect(res.body.next).toEqual({ kind: 'unreachable', reason: 'booking_window_closed' });
  });

  it('ends at once on a wrong number, without an SMS to that number', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:15:00+02:00');
    await q.claim();
    const res = await q.attempt(cb.id, { outcome: 'wrong_number' });
    expect(res.body.next).toEqual({ kind: 'unreachable', reason: 'wrong_number' });
    const sms = await server().db.query<any>("SELECT 1 FROM sms_messages WHERE callback_id = $1 AND kind = 'unreachable'", [cb.id]);
    expect(sms.rows).toHaveLength(0);
  });

  it('refuses an attempt on a callback you have not claimed, and one that ends before it starts', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:20:00+02:00');
    expect((await q.attempt(cb.id, { outcome: 'answered' })).status).toBe(409);
    await q.claim();
    // Both times already past (a time ahead of the clock is refused for that reason: attemptTimes.test.ts).
    const res = await q.attempt(cb.id, { outcome: 'answered', startedAt: '2027-03-30T08:19:00+02:00', endedAt: '2027-03-30T08:18:00+02:00' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('body.endedAt');
    expect((await q.attempt(cb.id, { outcome: 'hung_up' })).status).toBe(400);
  });
});

describe('outcomes', () => {
  async function reached() {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:20:00+02:00');
    await q.claim();
    await q.attempt(cb.id, { outcome: 'answered' });
    const put = (body: unknown) =>
      server().request('PUT', `/api/staff/callbacks/${cb.id}/outcome`, { body, headers: { Authorization: q.nurse } });
    return { ...q, cb, put };
  }

  it('stores a covered contact whose call was itself the medical assessment, exactly as given', async () => {
    const r = await reached();
    const res = await r.put({
      resolution: 'advice',
      guarantee: { covered: true, reason: 'new_problem' },
      medicalAssessment: { performed: true, profession: 'nurse' },
      note: 'Egenvårdsråd',
    });
    expect(res.status).toBe(204);
    const { rows } = await server().db.query<any>('SELECT * FROM callback_outcomes WHERE callback_id = $1', [r.cb.id]);
    expect(rows[0]).toMatchObject({
      resolution: 'advice',
      guarantee_covered: true,
      guarantee_reason: 'new_problem',
      was_medical_assessment: true,
      assessment_profession: 'nurse',
      appointment_date: null,
      note: 'Egenvårdsråd',
    });
  });

  it('stores a booked appointment with date, profession and mode', async () => {
    const r = await reached();
    await r.put({
      resolution: 'appointment',
      appointment: { date: '2027-04-01', profession: 'doctor', mode: 'video' },
      guarantee: { covered: true, reason: 'worsening' },
      medicalAssessment: { performed: false },
    });
    const { rows } = await server().db.query<any>('SELECT appointment_date, appointment_profession, appointment_mode, was_medical_assessment FROM callback_outcomes WHERE callback_id = $1', [r.cb.id]);
    expect(rows[0]).toEqual({ appointment_date: '2027-04-01', appointment_profession: 'doctor', appointment_mode: 'video', was_medical_assessment: false });
  });

  it('shows the recorded outcome in the shape a nurse sends it, in camelCase, recordedAt with the clinic’s offset', async () => {
    const r = await reached();
    const nurseId = (await server().request('GET', '/api/staff/me', { headers: { Authorization: r.nurse } })).body.id;
    const details = async () => {
      const res = await server().request('GET', `/api/staff/callbacks/${r.cb.id}`, { headers: { Authorization: r.nurse } });
      expect(res.status).toBe(200);
      // The documented response schema holds the answer, and its outcome has no other keys.
      expect(CallbackDetailsView.safeParse(res.body).error).toBeUndefined();
      return res.body;
    };
    await r.put({
      resolution: 'advice',
      guarantee: { covered: true, reason: 'new_problem' },
      medicalAssessment: { performed: true, profession: 'nurse' },
      note: 'Egenvårdsråd',
    });
    expect((await details()).outcome).toEqual({
      recordedAt: '2027-03-30T08:20:00+02:00',
      recordedBy: nurseId,
      resolution: 'advice',
      appointment: null,
      referredTo: null,
      guarantee: { covered: true, reason: 'new_problem' },
      medicalAssessment: { performed: true, profession: 'nurse' },
      note: 'Egenvårdsråd',
    });

    // Corrected ten minutes later: an appointment instead, not covered, no assessment in the call.
    server().clock.set('2027-03-30T08:30:00+02:00');
    await r.put({
      resolution: 'appointment',
      appointment: { date: '2027-04-01', profession: 'doctor', mode: 'video' },
      guarantee: { covered: false },
      medicalAssessment: { performed: false },
    });
    expect((await details()).outcome).toEqual({
      recordedAt: '2027-03-30T08:30:00+02:00',
      recordedBy: nurseId,
      resolution: 'appointment',
      appointment: { date: '2027-04-01', profession: 'doctor', mode: 'video' },
      referredTo: null,
      guarantee: { covered: false, reason: null },
      medicalAssessment: { performed: false, profession: null },
      note: null,
    });
  });

  it.each([
    [{ resolution: 'appointment', guarantee: { covered: false }, medicalAssessment: { performed: false } }, 'body.appointment'],
    [{ resolution: 'advice', guarantee: { covered: true }, medicalAssessment: { performed: false } }, 'body.guarantee'],
    [{ resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: true } }, 'body.medicalAssessment'],
    [{ resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: true, profession: 'receptionist' } }, 'body.medicalAssessment.profession'],
    [{ resolution: 'referred', guarantee: { covered: false }, medicalAssessment: { performed: false } }, 'body.referredTo'],
  ])('refuses an inconsistent outcome %j naming %s', async (body, field) => {
    const r = await reached();
    const res = await r.put(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: any) => f.field)).toContain(field);
  });

  it('refuses an outcome for a callback that was not reached', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    const res = await server().request('PUT', `/api/staff/callbacks/${cb.id}/outcome`, {
      body: { resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: false } },
      headers: { Authorization: q.nurse },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_reached');
  });

  it('audits every staff read and change of the callback', async () => {
    const r = await reached();
    await r.put({ resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: false } });
    const details = await server().request('GET', `/api/staff/callbacks/${r.cb.id}`, { headers: { Authorization: r.nurse } });
    expect(details.body.attempts).toHaveLength(1);
    expect(details.body.outcome.resolution).toBe('advice');
    const { rows } = await server().db.query<any>(
      'SELECT action FROM audit_events WHERE $1 = ANY(callback_ids) ORDER BY id',
      [r.cb.id],
    );
    expect(rows.map((x) => x.action)).toEqual(['callback.claim', 'callback.attempt', 'callback.outcome', 'callback.read']);
  });
});
