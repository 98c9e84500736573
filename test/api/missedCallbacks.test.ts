// Rule 12 through the real app: yesterday's callbacks leave the queue at midnight even before the sweep runs;
// the sweep marks them missed (idempotent, sparing a live claim); reconciliation no longer restores their due
// jobs; the nurses list and follow them up (audited, authorised); the report counts them as failures.
import { describe, expect, it } from 'vitest';
import { findCallbacks } from '../../src/db/callbacks.js';
import { rebuildAllMeasures, readDailyRollups } from '../../src/db/measureRollup.js';
import { isMissed } from '../../src/domain/missedCallback.js';
import { makeCallbackDue } from '../../src/jobs/makeCallbackDue.js';
import { markMissedCallbacks } from '../../src/jobs/markMissedCallbacks.js';
import { reconcile } from '../../src/jobs/reconcile.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { recordingScheduler } from '../workers/support.js';

// Tuesday 30 March 2027 (+02:00), two days after the switch to summer time; Wednesday is the 31st.
const tue = (time: string) => `2027-03-30T${time}:00+02:00`;
const wed = (time: string) => `2027-03-31T${time}:00+02:00`;

const server = useTestServer(tue('08:00'));

async function clinicWithNurse(s: TestServer) {
  const clinicId = await s.addClinic();
  const nurse = await s.addStaff('nurse', [clinicId]);
  const auth = { headers: { Authorization: nurse } };
  return {
    clinicId,
    nurse,
    async book(slotStart: string) {
      const res = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', reason: 'Hosta sedan en vecka', slotStart } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string; token: string };
    },
    claim: (as = nurse) => s.request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: as } }),
    queue: () => s.request('GET', `/api/staff/clinics/${clinicId}/queue`, auth),
    attempt: (id: string, outcome: string) => s.request('POST', `/api/staff/callbacks/${id}/attempts`, { ...auth, body: { outcome } }),
    missed: (as = nurse) => s.request('GET', `/api/staff/clinics/${clinicId}/missed`, { headers: { Authorization: as } }),
    followUp: (id: string, body: unknown, as = nurse) => s.request('POST', `/api/staff/callbacks/${id}/follow-up`, { headers: { Authorization: as }, body }),
  };
}

const statusOf = async (s: TestServer, id: string) =>
  (await s.db.query<any>('SELECT status, missed_at, claimed_by, claim_expires_at FROM callbacks WHERE id = $1', [id])).rows[0];

const sweep = (s: TestServer) => markMissedCallbacks({ db: s.db, clock: s.clock });

describe('the queue after midnight, before any sweep has run', () => {
  it('no longer shows or hands out yesterday’s callback, and reconciliation restores no due job for it', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const c = await clinicWithNurse(s);
    const yesterday = await c.book(tue('16:45'));
    s.clock.set(tue('16:50'));
    expect((await c.queue()).body.entries.map((e: any) => e.id)).toEqual([yesterday.id]);

    s.clock.set(wed('08:00'));
    const today = await c.book(wed('08:15'));
    s.clock.set(wed('08:20'));
    // Nothing has marked it yet: it is still 'booked' in the table, and still not today's work.
    expect((await statusOf(s, yesterday.id)).status).toBe('booked');
    expect((await c.queue()).body.entries.map((e: any) => e.id)).toEqual([today.id]);
    const jobs = recordingScheduler();
    await reconcile({ db: s.db, jobs, clock: s.clock });
    const restored = jobs.calls.filter((x) => x.method === 'ensureDue').map((x) => ('callbackId' in x ? x.callbackId : ''));
    expect(restored).toContain(today.id);
    expect(restored).not.toContain(yesterday.id);

    expect((await c.claim()).body.id).toBe(today.id);
    expect((await c.claim()).status).toBe(204);

    // Once swept it is missed; its due job, should it still fire, changes nothing; reconciliation still skips it.
    expect((await sweep(s)).marked).toBeGreaterThanOrEqual(1);
    expect((await statusOf(s, yesterday.id)).status).toBe('missed');
    expect(await makeCallbackDue({ db: s.db, clock: s.clock }, { callbackId: yesterday.id })).toEqual({ result: 'nothing_to_do', status: 'missed' });
    const again = recordingScheduler();
    await reconcile({ db: s.db, jobs: again, clock: s.clock });
    expect(again.calls).not.toContainEqual(expect.objectContaining({ callbackId: yesterday.id }));
  });
});

describe('the sweep, the follow-up list and the report', () => {
  it('marks at midnight what was not called, spares a live claim until it lapses, runs twice harmlessly, and the report counts each as a failure with its reason', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const c = await clinicWithNurse(s);
    const nurse2 = await s.addStaff('nurse', [c.clinicId]);
    const reached = await c.book(tue('11:00'));
    const cancelled = await c.book(tue('12:00'));
    const heldAtMidnight = await c.book(tue('16:15'));
    const neverClaimed = await c.book(tue('16:30'));
    const madeDue = await c.book(tue('16:45'));
    // Another clinic: tried once that day without an answer, its retry never made.
    const other = await clinicWithNurse(s);
    const triedOnce = await other.book(tue('10:00'));

    s.clock.set(tue('09:00'));
    expect((await s.request('DELETE', `/api/callbacks/${cancelled.id}`, { headers: { 'X-Callback-Token': cancelled.token } })).status).toBeLessThan(300);
    s.clock.set(tue('10:00'));
    expect((await other.claim()).body.id).toBe(triedOnce.id);
    expect((await other.attempt(triedOnce.id, 'no_answer')).body.next.kind).toBe('retry');
    s.clock.set(tue('11:00'));
    expect((await c.claim()).body.id).toBe(reached.id);
    expect((await c.attempt(reached.id, 'answered')).status).toBe(201);
    s.clock.set(tue('16:15'));
    expect((await c.claim()).body.id).toBe(heldAtMidnight.id); // claim lapses at 16:25, nothing logged
    s.clock.set(tue('16:45'));
    expect(await makeCallbackDue({ db: s.db, clock: s.clock }, { callbackId: madeDue.id })).toEqual({ result: 'made_due' });
    // 23:55: a second nurse takes the oldest still open; her claim is live at midnight (until 00:05).
    s.clock.set(tue('23:55'));
    expect((await c.claim(nurse2)).body.id).toBe(heldAtMidnight.id);

    s.clock.set(wed('00:00'));
    const ids = [reached.id, cancelled.id, heldAtMidnight.id, neverClaimed.id, madeDue.id, triedOnce.id];
    const before = await findCallbacks(s.db, ids);
    const first = await sweep(s);
    // The SQL marks exactly what the domain rule calls missed.
    const expected = ids.filter((id) => isMissed(before.get(id)!, 'Europe/Stockholm', s.clock.now()));
    expect(expected.sort()).toEqual([neverClaimed.id, madeDue.id, triedOnce.id].sort());
    const rows = await Promise.all(ids.map((id) => statusOf(s, id)));
    expect(rows.map((r) => r.status)).toEqual(['completed', 'cancelled', 'claimed', 'missed', 'missed', 'missed']);
    expect(first.marked).toBe(3);
    expect(rows[3].missed_at.toISOString()).toBe('2027-03-30T22:00:00.000Z');
    expect(await sweep(s)).toEqual({ marked: 0 });

    // The live claim lapses unlogged at 00:05: the next sweep marks it, and clears the lapsed claim.
    s.clock.set(wed('00:05'));
    expect(await sweep(s)).toEqual({ marked: 1 });
    expect(await statusOf(s, heldAtMidnight.id)).toMatchObject({ status: 'missed', claimed_by: null, claim_expires_at: null });
    expect(await sweep(s)).toEqual({ marked: 0 });

    // Wednesday morning: the follow-up list, oldest promise first, with what the nurse needs to call back.
    s.clock.set(wed('07:30'));
    const list = await c.missed();
    expect(list.status).toBe(200);
    expect(list.body.now).toBe(wed('07:30'));
    expect(list.body.entries.map((e: any) => e.id)).toEqual([heldAtMidnight.id, neverClaimed.id, madeDue.id]);
    expect(list.body.entries[1]).toMatchObject({
      status: 'missed',
      promisedSlot: { start: tue('16:30'), end: tue('16:45') },
      missedAt: wed('00:00'),
      attempts: 0,
      phone: '+46701234567',
      reason: 'Hosta sedan en vecka',
      followUp: null,
    });
    expect((await other.missed()).body.entries).toEqual([expect.objectContaining({ id: triedOnce.id, attempts: 1 })]);
    expect((await c.queue()).body.entries).toEqual([]);

    // The report for Tuesday: the three never called fail as missed, each with its reason; the one tried once
    // stays "called but not reached" (it was called), yet it is missed and listed for follow-up too.
    const manager = await s.addStaff('manager', [c.clinicId, other.clinicId]);
    const report = (await s.request('GET', `/api/reports/measures?clinics=${c.clinicId}&from=2027-03-30&to=2027-03-30&groupBy=day`, { headers: { Authorization: manager } })).body;
    expect(report.total.contactSameDay).toMatchObject({ requests: 5, numerator: 1, denominator: 4, missed: 3, notCalledSameDay: 0, cancelledBeforeSlot: 1 });
    const drill = await s.request('GET', `/api/reports/drilldown?clinics=${c.clinicId}&from=2027-03-30&to=2027-03-30&figure=contactSameDay.missed`, { headers: { Authorization: manager } });
    expect(drill.body.records.map((r: any) => r.callbackId).sort()).toEqual([heldAtMidnight.id, neverClaimed.id, madeDue.id].sort());
    for (const r of drill.body.records) {
      expect(r).toMatchObject({ verdict: 'fails', classification: 'missed' });
      expect(r.reason).toMatch(/^Fails: missed: not called on its day/);
    }
    const failures = await s.request('GET', `/api/reports/drilldown?clinics=${c.clinicId}&from=2027-03-30&to=2027-03-30&figure=contactSameDay.failures`, { headers: { Authorization: manager } });
    expect(failures.body.records).toHaveLength(3);
    const otherReport = (await s.request('GET', `/api/reports/measures?clinics=${other.clinicId}&from=2027-03-30&to=2027-03-30&groupBy=day`, { headers: { Authorization: manager } })).body;
    expect(otherReport.total.contactSameDay).toMatchObject({ denominator: 1, attemptedUnanswered: 1, missed: 0 });
    const csv = await fetch(`${s.baseUrl}/api/reports/measures.csv?clinics=${c.clinicId}&from=2027-03-30&to=2027-03-30&groupBy=day`, { headers: { Authorization: manager } });
    const [header, total] = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    expect(total![header!.indexOf('missed')]).toBe('3');

    // The status changes reached the rollups through the change markers: they equal a full recomputation.
    const snapshot = async () => ({
      daily: Object.fromEntries(await readDailyRollups(s.db, [c.clinicId, other.clinicId])),
      facts: (await s.db.query('SELECT * FROM callback_measures WHERE clinic_id = ANY($1) ORDER BY callback_id', [[c.clinicId, other.clinicId]])).rows,
    });
    const incremental = await snapshot();
    await rebuildAllMeasures(s.db, 'contact');
    expect(await snapshot()).toEqual(incremental);
  });
});

describe('POST /api/staff/callbacks/{id}/follow-up and GET …/missed', () => {
  it('records a follow-up once, with its note and the nurse, audits reads and changes, and refuses what is not missed', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const c = await clinicWithNurse(s);
    const missed = await c.book(tue('15:00'));
    const stillOpen = await c.book(wed('09:00'));
    s.clock.set(wed('00:00'));
    await sweep(s);
    s.clock.set(wed('08:10'));

    const done = await c.followUp(missed.id, { note: '  Ringde upp 08:10, ny tid bokad  ' });
    expect(done.status).toBe(200);
    const nurseId = (await s.request('GET', '/api/staff/me', { headers: { Authorization: c.nurse } })).body.id;
    expect(done.body).toMatchObject({ id: missed.id, status: 'missed', followUp: { at: wed('08:10'), by: nurseId, note: 'Ringde upp 08:10, ny tid bokad' } });
    expect((await c.missed()).body.entries).toEqual([]);

    const twice = await c.followUp(missed.id, {});
    expect([twice.status, twice.body.error.code]).toEqual([409, 'already_followed_up']);
    const notMissed = await c.followUp(stillOpen.id, {});
    expect([notMissed.status, notMissed.body.error.code, notMissed.body.error.details]).toEqual([409, 'not_missed', { status: 'booked' }]);

    const audit = await s.db.query<any>(
      "SELECT action, callback_ids FROM audit_events WHERE clinic_id = $1 AND action IN ('missed.list', 'callback.follow_up') ORDER BY id",
      [c.clinicId],
    );
    expect(audit.rows.map((r) => [r.action, [...r.callback_ids]])).toEqual([
      ['callback.follow_up', [missed.id]],
      ['missed.list', []],
    ]);
  });

  it('answers 401 without a token, 403 to a manager or another clinic’s nurse, 404 for an unknown callback, 400 naming a bad field', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const c = await clinicWithNurse(s);
    const booked = await c.book(tue('15:00'));
    s.clock.set(wed('00:00'));
    await sweep(s);
    const elsewhere = await s.addStaff('nurse', [await s.addClinic()]);
    const manager = await s.addStaff('manager', [c.clinicId]);

    expect((await s.request('GET', `/api/staff/clinics/${c.clinicId}/missed`)).status).toBe(401);
    expect((await s.request('POST', `/api/staff/callbacks/${booked.id}/follow-up`, { body: {} })).status).toBe(401);
    expect((await c.missed(elsewhere)).status).toBe(403);
    expect((await c.missed(manager)).status).toBe(403);
    expect((await c.followUp(booked.id, {}, elsewhere)).status).toBe(403);
    const unknown = await c.followUp('00000000-0000-4000-8000-000000000000', {});
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'callback_not_found']);
    const badId = await c.followUp('not-a-uuid', {});
    expect([badId.status, badId.body.error.details.fields[0].field]).toEqual([400, 'params.id']);
    const badNote = await c.followUp(booked.id, { note: 'a\u0000b' });
    expect([badNote.status, badNote.body.error.details.fields[0].field]).toEqual([400, 'body.note']);
    const extra = await c.followUp(booked.id, { notes: 'x' });
    expect(extra.status).toBe(400);
    // Nothing refused was recorded: the callback still waits for its follow-up.
    expect((await c.missed()).body.entries.map((e: any) => e.id)).toEqual([booked.id]);
    // A follow-up with no body at all is a follow-up without a note.
    const bare = await s.request('POST', `/api/staff/callbacks/${booked.id}/follow-up`, { headers: { Authorization: c.nurse } });
    expect([bare.status, bare.body.followUp.note]).toEqual([200, null]);
  });
});

describe('the edges of the sweep', () => {
  it('leaves a nurse on the phone at midnight to finish: her call at 23:58, logged at 00:02, reaches the patient that day', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const c = await clinicWithNurse(s);
    const late = await c.book(tue('16:45'));
    s.clock.set(tue('23:55'));
    expect((await c.claim()).body.id).toBe(late.id);
    s.clock.set(wed('00:00'));
    await sweep(s);
    expect((await statusOf(s, late.id)).status).toBe('claimed');
    s.clock.set(wed('00:02'));
    const logged = await s.request('POST', `/api/staff/callbacks/${late.id}/attempts`, {
      headers: { Authorization: c.nurse },
      body: { outcome: 'answered', startedAt: tue('23:58'), endedAt: wed('00:01') },
    });
    expect([logged.status, logged.body.callbackStatus]).toEqual([201, 'completed']);
    s.clock.set(wed('00:05'));
    await sweep(s);
    expect((await statusOf(s, late.id)).status).toBe('completed');
    const manager = await s.addStaff('manager', [c.clinicId]);
    const report = (await s.request('GET', `/api/reports/measures?clinics=${c.clinicId}&from=2027-03-30&to=2027-03-30&groupBy=day`, { headers: { Authorization: manager } })).body;
    expect(report.total.contactSameDay).toMatchObject({ numerator: 1, denominator: 1, missed: 0 });
  });

  it('marks each callback once when two sweeps run at the same moment', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const c = await clinicWithNurse(s);
    const booked = await Promise.all(['13:00', '13:15', '13:30', '13:45', '14:00'].map((t) => c.book(tue(t))));
    s.clock.set('2027-03-31T00:01:23+02:00');
    const [a, b] = await Promise.all([sweep(s), sweep(s)]);
    const { rows } = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM callbacks WHERE missed_at = $1', [s.clock.now().toISO()]);
    expect(a.marked + b.marked).toBe(rows[0]!.n);
    for (const x of booked) expect((await statusOf(s, x.id)).status).toBe('missed');
  });
});
