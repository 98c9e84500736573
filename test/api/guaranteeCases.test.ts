// The at-risk list, the managers' daily summary and the monthly national file, on hand-made data.
import { describe, expect, it } from 'vitest';
import { sendGuaranteeSummaries } from '../../src/jobs/guaranteeSummary.js';
import { createSmsNotifier } from '../../src/notify/smsNotifier.js';
import { listManagerPhones } from '../../src/db/staff.js';
import type { OutgoingSms } from '../../src/sms/port.js';
import type { GuaranteeSummaryMessage } from '../../src/notify/port.js';
import { createGuaranteeCaseService } from '../../src/services/guaranteeCases.js';
import { createNationalReportService } from '../../src/services/nationalReports.js';
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
  it('is produced for the month before, suppresses cells under 20, and is listed and downloaded through the API', async () => {
    const s = server();
    // 21 patients on Tuesday 20 April 2027 at a clinic with room for all: all reached the same day.
    s.clock.set('2027-04-20T06:00:00+02:00');
    const clinic = await trackerClinic(s, { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 30 }] });
    const small = await trackerClinic(s);
    for (let i = 0; i < 21; i++) {
      const b = await clinic.book();
      await clinic.call(b.id, b.slot.start, true);
    }
    const few = await small.book();
    await small.call(few.id, few.slot.start, true);

    s.clock.set('2027-05-01T03:00:00+02:00');
    const national = createNationalReportService({ db: s.db, clock: s.clock });
    expect(await national.produce()).toEqual({ month: '2027-04', created: true });
    expect(await national.produce()).toEqual({ month: '2027-04', created: false });

    // Region staff covering both clinics; a manager of one gets that clinic's rows only (national.access.test.ts).
    const manager = await s.addStaff('manager', [clinic.clinicId, small.clinicId]);
    const list = await s.request('GET', '/api/reports/national', { headers: { Authorization: manager } });
    expect(list.body.reports).toContainEqual(expect.objectContaining({ month: '2027-04', href: '/api/reports/national/2027-04' }));
    const file = await s.request('GET', '/api/reports/national/2027-04', { headers: { Authorization: manager } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (file.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('month,clinic_id,clinic_name,measure,profession,numerator,denominator,share,suppressed');
    const row = (clinicId: string, measure: string) => lines.find((l) => l.includes(`,${clinicId},`) && l.includes(`,${measure},`))!.split(',');
    expect(row(clinic.clinicId, 'contact_same_day').slice(5)).toEqual(['21', '21', '1', 'false']);
    expect(row(small.clinicId, 'contact_same_day').slice(5)).toEqual(['', '', '', 'true']);
    expect((await s.request('GET', '/api/reports/national/2027-03', { headers: { Authorization: manager } })).status).toBe(404);
    expect((await s.request('GET', '/api/reports/national/2027-13', { headers: { Authorization: manager } })).status).toBe(400);
  });
});
