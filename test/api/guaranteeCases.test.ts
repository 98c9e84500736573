// The at-risk list, the managers' daily summary and the monthly national file, on hand-made data.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { sendGuaranteeSummaries } from '../../src/jobs/guaranteeSummary.js';
import { createSmsNotifier } from '../../src/notify/smsNotifier.js';
import { listManagerPhones } from '../../src/db/staff.js';
import type { OutgoingSms } from '../../src/sms/port.js';
import type { GuaranteeSummaryMessage } from '../../src/notify/port.js';
import { createGuaranteeCaseService } from '../../src/services/guaranteeCases.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import { useTestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-04-12T08:00:00+02:00');

/** Three covered cases with contact on Monday, Tuesday and Wednesday 12–14 April 2027; returns their ids. */
async function casesOnThreeDays() {
  const s = server();
  s.clock.set('2027-04-12T08:00:00+02:00');
  const clinic = await trackerClinic(s);
  const ids: string[] = [];
  for (const day of ['2027-04-12', '2027-04-13', '2027-04-14']) {
    s.clock.set(`${day}T08:00:00+02:00`);
    const b = await clinic.book();
    await clinic.call(b.id, b.slot.start, true);
    s.clock.set(`${day}T09:00:00+02:00`);
    await clinic.outcome(b.id, 'new_problem');
    ids.push(b.id);
  }
  return { s, clinic, ids };
}

describe('GET /api/staff/clinics/:clinicId/guarantee-cases/at-risk', () => {
  it('lists open cases by deadline and marks the one due today and the one overdue', async () => {
    const { s, clinic, ids } = await casesOnThreeDays();
    // Friday 16 April: Monday's deadline (15th) has passed, Tuesday's is today, Wednesday's tomorrow.
    s.clock.set('2027-04-16T07:00:00+02:00');
    const res = await s.request('GET', `/api/staff/clinics/${clinic.clinicId}/guarantee-cases/at-risk`, { headers: { Authorization: clinic.manager } });
    expect(res.status).toBe(200);
    expect(res.body.today).toBe('2027-04-16');
    expect(res.body.cases.map((c: any) => [c.callbackId, c.deadline, c.urgency])).toEqual([
      [ids[0], '2027-04-15', 'overdue'],
      [ids[1], '2027-04-16', 'due_today'],
      [ids[2], '2027-04-17', 'upcoming'],
    ]);
    expect(res.body.cases[0]).toMatchObject({ phone: '+46701234567', status: 'open' });
    // An assessed case leaves the list; the read is audited with the patients it showed.
    await clinic.assess(ids[1]!, { assessedAt: '2027-04-16T06:30:00+02:00', profession: 'doctor', mode: 'visit' });
    const after = await s.request('GET', `/api/staff/clinics/${clinic.clinicId}/guarantee-cases/at-risk`, { headers: { Authorization: clinic.nurse } });
    expect(after.body.cases.map((c: any) => c.callbackId)).toEqual([ids[0], ids[2]]);
    const audit = await s.db.query<any>(
      "SELECT callback_ids FROM audit_events WHERE action = 'guarantee_case.at_risk' AND clinic_id = $1 ORDER BY id",
      [clinic.clinicId],
    );
    expect(audit.rows.map((r) => r.callback_ids.length)).toEqual([3, 2]);
  });

  it('refuses staff of another clinic and anyone without a token', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const outsider = await s.addStaff('manager', [await s.addClinic()]);
    expect((await s.request('GET', `/api/staff/clinics/${clinicId}/guarantee-cases/at-risk`, { headers: { Authorization: outsider } })).status).toBe(403);
    expect((await s.request('GET', `/api/staff/clinics/${clinicId}/guarantee-cases/at-risk`)).status).toBe(401);
  });
});

describe('PUT /api/staff/callbacks/:id/outcome and the case', () => {
  it('keeps the case when the outcome is corrected to not covered, excluded with that reason, and reopens it', async () => {
    const { s, clinic, ids } = await casesOnThreeDays();
    const caseOf = async (id: string) => (await s.request('GET', `/api/staff/guarantee-cases/${id}`, { headers: { Authorization: clinic.nurse } })).body;
    expect(await caseOf(ids[0]!)).toMatchObject({ status: 'open', contactDate: '2027-04-12', deadline: '2027-04-15' });
    await clinic.outcome(ids[0]!, false);
    expect(await caseOf(ids[0]!)).toMatchObject({ status: 'excluded', exclusionReason: 'not_covered' });
    await clinic.outcome(ids[0]!, 'worsening', 'doctor');
    expect(await caseOf(ids[0]!)).toMatchObject({ status: 'assessed', reason: 'worsening', assessment: { profession: 'doctor', mode: 'phone', date: '2027-04-12' } });
    const none = await s.request('GET', `/api/staff/guarantee-cases/${(await clinic.book()).id}`, { headers: { Authorization: clinic.nurse } });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('guarantee_case_not_found');
  });
});

describe('the managers’ daily summary job', () => {
  it('tells each clinic’s managers how many cases fail unless assessed today, once per day', async () => {
    const { s, clinic } = await casesOnThreeDays();
    s.clock.set('2027-04-16T07:00:00+02:00');
    const sent: GuaranteeSummaryMessage[] = [];
    const deps = {
      db: s.db,
      clock: s.clock,
      cases: createGuaranteeCaseService({ db: s.db, clock: s.clock, basis: 'contact' }),
      notifier: { sendGuaranteeSummary: async (m: GuaranteeSummaryMessage) => void sent.push(m) },
    };
    await sendGuaranteeSummaries(deps);
    await sendGuaranteeSummaries(deps); // a retried or repeated job
    const mine = sent.filter((m) => m.clinicId === clinic.clinicId);
    expect(mine).toEqual([{ date: '2027-04-16', clinicId: clinic.clinicId, clinicName: expect.any(String), dueToday: 1, overdue: 1 }]);
  });

  it('texts it to the clinic’s managers who have a phone number, and logs it where none has', async () => {
    const { s, clinic } = await casesOnThreeDays();
    const withPhone = (await createStaffMember(s.db, { name: 'Chef', role: 'manager', clinicIds: [clinic.clinicId], phoneE164: '+46701112233' })).staff.id;
    const texts: OutgoingSms[] = [];
    const logged: GuaranteeSummaryMessage[] = [];
    const notifier = createSmsNotifier({
      managerPhones: (clinicId) => listManagerPhones(s.db, clinicId),
      sms: { send: async (m) => (texts.push(m), 'provider-1') },
      fallback: { sendGuaranteeSummary: async (m) => void logged.push(m) },
    });
    const message = { date: '2027-04-16', clinicId: clinic.clinicId, clinicName: 'VC Test', dueToday: 1, overdue: 1 };
    await notifier.sendGuaranteeSummary(message);
    expect(texts).toEqual([
      { to: '+46701112233', text: 'Vårdgaranti VC Test 2027-04-16: 1 fall måste bedömas i dag, 1 har passerat sista dag.', reference: `guarantee-summary-2027-04-16-${clinic.clinicId}-${withPhone}` },
    ]);
    const other = await s.addClinic();
    await notifier.sendGuaranteeSummary({ ...message, clinicId: other });
    expect(logged.map((m) => m.clinicId)).toEqual([other]);
  });
});

describe('the monthly national-reporting file', () => {
  it('is produced for the month before, counts the cases assessed that month by profession, suppresses cells under 20, and is listed and downloaded', async () => {
    const s = server();
    // 21 patients on Tuesday 20 April 2027 at a clinic with room for all: each a care-guarantee case, assessed by a
    // doctor two days later; one at a small clinic, assessed by a nurse the same day.
    s.clock.set('2027-04-20T06:00:00+02:00');
    const clinic = await trackerClinic(s, { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 30 }] });
    const small = await trackerClinic(s);
    const cases: string[] = [];
    for (let i = 0; i < 21; i++) {
      const b = await clinic.book();
      await clinic.call(b.id, b.slot.start, true);
      await clinic.outcome(b.id, 'new_problem');
      cases.push(b.id);
    }
    const few = await small.book();
    await small.call(few.id, few.slot.start, true);
    await small.outcome(few.id, 'worsening');
    s.clock.set('2027-04-22T16:00:00+02:00');
    for (const id of cases) expect((await clinic.assess(id, { assessedAt: '2027-04-22T15:00:00+02:00', profession: 'doctor', mode: 'visit' })).status).toBe(200);
    expect((await small.assess(few.id, { assessedAt: '2027-04-20T15:00:00+02:00', profession: 'nurse', mode: 'phone' })).status).toBe(200);
    await s.db.query(`UPDATE clinics SET hsa_id = 'SE2321000016-GC01' WHERE id = $1`, [clinic.clinicId]);
    await s.db.query(`UPDATE clinics SET hsa_id = 'SE2321000016-GC02' WHERE id = $1`, [small.clinicId]);

    s.clock.set('2027-05-01T03:00:00+02:00');
    const national = s.services.national;
    expect(await national.produce()).toEqual({ month: '2027-04', created: true });
    expect(await national.produce()).toEqual({ month: '2027-04', created: false });

    // Region staff covering both clinics; a manager of one gets that clinic's rows only (national.access.test.ts).
    const manager = await s.addStaff('manager', [clinic.clinicId, small.clinicId]);
    const list = await s.request('GET', '/api/reports/national', { headers: { Authorization: manager } });
    expect(list.body.reports).toContainEqual(expect.objectContaining({ month: '2027-04', href: '/api/reports/national/2027-04' }));
    const file = await s.request('GET', '/api/reports/national/2027-04', { headers: { Authorization: manager } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(file.body as string).slice(1);
    const cell = (hsaId: string, profession: string, interval: string) =>
      rows.find((r) => r[1] === hsaId && r[4] === 'Medicinsk bedömning' && r[5] === profession && r[6] === 'Alla' && r[7] === 'Alla' && r[8] === interval)!.slice(9);
    // Day 2: outside the same day, within 0–3 and 0–7.
    expect(cell('SE2321000016-GC01', 'Alla', '0')).toEqual(['0', '21', '0', 'Nej']);
    expect(cell('SE2321000016-GC01', 'XS915', '0-3')).toEqual(['21', '21', '1', 'Nej']);
    expect(cell('SE2321000016-GC02', 'Alla', '0')).toEqual(['', '', '', 'Ja']);
    expect((await s.request('GET', '/api/reports/national/2027-03', { headers: { Authorization: manager } })).status).toBe(404);
    expect((await s.request('GET', '/api/reports/national/2027-13', { headers: { Authorization: manager } })).status).toBe(400);
  });
});
