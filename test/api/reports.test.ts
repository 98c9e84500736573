// The managers' report through the API on small hand-made days; each expected number is counted by hand
// in the comments. Bookings, calls (telephony events) and outcomes go through the real API.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

// Tuesday 30 March 2027, two days after the switch to summer time (+02:00).
const TUESDAY = '2027-03-30';
const at = (time: string, date = TUESDAY) => `${date}T${time}:00+02:00`;

const server = useTestServer(at('08:00'));

describe('GET /api/reports/measures: contact the same day and time deviation on one day', () => {
  it('counts 15:59 in and 16:00 out, 23:30 as the same day and 00:10 as the next', async () => {
    const s = server();
    s.clock.set(at('08:00'));
    const clinic = await trackerClinic(s);
    const reachedEarly = await clinic.book(); // slot 08:15
    s.clock.set(at('09:00'));
    const cancelled = await clinic.book(at('09:15'));
    await clinic.cancel(cancelled);
    await clinic.book('2027-03-31T09:00:00+02:00'); // a same-day slot was free
    s.clock.set(at('10:00'));
    const reached2330 = await clinic.book(at('10:15'));
    const reached0010 = await clinic.book(at('10:30'));
    s.clock.set(at('10:40'));
    const calledEarly = await clinic.book(at('11:00'));
    s.clock.set(at('15:59'));
    const unanswered = await clinic.book(); // 16:15
    s.clock.set(at('16:00'));
    const afterCutoff = await clinic.book(); // 16:15, the second place
    expect([reachedEarly.slot.start, unanswered.slot.start, afterCutoff.slot.start]).toEqual([at('08:15'), at('16:15'), at('16:15')]);

    await clinic.call(reachedEarly.id, at('08:20'), true); // +5 on time, reached
    await clinic.call(calledEarly.id, at('10:50'), true); // −10 early, reached
    await clinic.call(unanswered.id, at('16:20'), false); // +5 on time, not reached
    await clinic.call(reached2330.id, at('23:30'), true); // +795 late, reached the same day
    await clinic.call(reached0010.id, at('00:10', '2027-03-31'), true); // +820 late, reached the next day
    s.clock.set(at('10:00', '2027-03-31'));

    const report = await clinic.report(`from=${TUESDAY}&to=${TUESDAY}&groupBy=day`);
    // B = reachedEarly, calledEarly, unanswered, reached2330, reached0010 = 5; A = reachedEarly, calledEarly, reached2330 = 3.
    expect(report.total.contactSameDay).toEqual({
      numerator: 3,
      denominator: 5,
      share: 0.6,
      requests: 8,
      afterCutoff: 1,
      closedDay: 0,
      noSameDaySlot: 0,
      attemptedUnanswered: 1,
      notCalledSameDay: 1,
      missed: 0,
      cancelledBeforeSlot: 1,
      patientChoseLaterDay: 1,
      pending: 0,
    });
    // Deviations +5, −10, +5, +795, +820 → |d| sorted 5, 5, 10, 795, 820: median (rank 3) 10; p90 (rank 5) in the ≥240 band.
    expect(report.total.timeDeviation).toMatchObject({
      callbacksWithAttempt: 5,
      onTime: 2,
      early: 1,
      late: 2,
      shareOnTime: 0.4,
      shareEarly: 0.2,
      shareLate: 0.4,
      medianAbsMinutes: 10,
      p90AbsMinutes: 240,
    });
    const bins = Object.fromEntries(report.total.timeDeviation.histogram.map((b: any) => [`${b.fromMinutes}..${b.toMinutes}`, b.count]));
    expect(bins).toMatchObject({ '-15..-5': 1, '0..15': 2, '120..null': 2 });
    expect(report.periods).toHaveLength(1);
    expect(report.periods[0]).toMatchObject({ period: TUESDAY, contactSameDay: { numerator: 3, denominator: 5 } });
    expect(report.clinics).toEqual([expect.objectContaining({ clinicId: clinic.clinicId, contactSameDay: report.total.contactSameDay })]);
    expect(report.scope).toMatchObject({ guaranteeStart: 'contact', today: '2027-03-31' });

    // Drill-down: the two failures in B, each with its reason; the after-cut-off request on its own.
    const failures = await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&from=${TUESDAY}&to=${TUESDAY}&figure=contactSameDay.failures`, {
      headers: { Authorization: clinic.manager },
    });
    expect(failures.status).toBe(200);
    expect(failures.body.records.map((r: any) => [r.callbackId, r.classification, r.verdict]).sort()).toEqual(
      [
        [unanswered.id, 'attempted_unanswered', 'fails'],
        [reached0010.id, 'not_called_same_day', 'fails'],
      ].sort(),
    );
    expect(failures.body.records[0].reason).toMatch(/^Fails: /);
    // The drill-down lists patients' callbacks: the read is audited with exactly the ids it showed.
    const audited = await s.db.query<any>("SELECT callback_ids FROM audit_events WHERE action = 'report.drilldown' AND clinic_id = $1", [clinic.clinicId]);
    expect(audited.rows.map((r) => [...r.callback_ids].sort())).toEqual([[unanswered.id, reached0010.id].sort()]);
    const late = await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&from=${TUESDAY}&to=${TUESDAY}&figure=timeDeviation.late`, {
      headers: { Authorization: clinic.manager },
    });
    expect(late.body.records.map((r: any) => r.details.deviationMinutes).sort()).toEqual([795, 820]);
    // A histogram bin: the two calls +0..+15 minutes from the slot start.
    const bin = await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&from=${TUESDAY}&to=${TUESDAY}&figure=timeDeviation.callbacksWithAttempt&deviationFromMinutes=0&deviationToMinutes=15`, {
      headers: { Authorization: clinic.manager },
    });
    expect(bin.body.records.map((r: any) => r.callbackId).sort()).toEqual([reachedEarly.id, unanswered.id].sort());
    const cutoff = await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&from=${TUESDAY}&to=${TUESDAY}&figure=contactSameDay.afterCutoff`, {
      headers: { Authorization: clinic.manager },
    });
    expect(cutoff.body.records).toEqual([expect.objectContaining({ callbackId: afterCutoff.id, verdict: 'outside' })]);

    // Paged: one record a page, following nextCursor, gives the five of B once each.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&from=${TUESDAY}&to=${TUESDAY}&figure=contactSameDay.denominator&limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { Authorization: clinic.manager },
      });
      seen.push(...page.body.records.map((r: any) => r.callbackId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([reachedEarly.id, calledEarly.id, unanswered.id, reached2330.id, reached0010.id].sort());
    const badCursor = await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&from=${TUESDAY}&to=${TUESDAY}&figure=contactSameDay.numerator&cursor=nonsense`, {
      headers: { Authorization: clinic.manager },
    });
    expect(badCursor.status).toBe(400);

    // The same report as CSV: a row for the day, the total, and the clinic.
    const csv = await s.request('GET', `/api/reports/measures.csv?clinics=${clinic.clinicId}&from=${TUESDAY}&to=${TUESDAY}&groupBy=day`, {
      headers: { Authorization: clinic.manager },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = (csv.body as string).trim().split('\r\n');
    const columns = header!.split(',');
    const total = Object.fromEntries(rows[1]!.split(',').map((v, i) => [columns[i], v]));
    expect(rows.map((r) => r.split(',').slice(0, 4).join(','))).toEqual([
      `${TUESDAY},${TUESDAY},${TUESDAY},all`,
      `total,${TUESDAY},${TUESDAY},all`,
      `total,${TUESDAY},${TUESDAY},${clinic.clinicId}`,
    ]);
    expect(total).toMatchObject({ contact_same_day_numerator: '3', contact_same_day_denominator: '5', contact_same_day_share: '0.6000', late: '2', median_abs_deviation_minutes: '10' });
  });

  it('shows requests that found every same-day slot full beside the measure, and inside B as failures', async () => {
    const s = server();
    s.clock.set(at('08:00'));
    // One place a day, at 10:00.
    const clinic = await trackerClinic(s, {
      capacityRules: [
        { weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 0 },
        { weekdays: [1, 2, 3, 4, 5], from: '10:00', to: '10:15', capacity: 1 },
      ],
    });
    const first = await clinic.book();
    const second = await clinic.book();
    expect([first.slot.start, second.slot.start]).toEqual([at('10:00'), at('10:00', '2027-03-31')]);
    await clinic.call(first.id, at('10:05'), true);
    await clinic.call(second.id, at('10:00', '2027-03-31'), true);
    s.clock.set(at('12:00', '2027-03-31'));
    const report = await clinic.report(`from=${TUESDAY}&to=${TUESDAY}`);
    // B = 2 (both before the cut-off); A = 1; the second is a no-same-day-slot failure.
    expect(report.total.contactSameDay).toMatchObject({ numerator: 1, denominator: 2, share: 0.5, noSameDaySlot: 1 });
    expect(report.periods[0].period).toBe('2027-03');
  });
});

describe('GET /api/reports/measures: medical assessment within three days', () => {
  it('counts day 3 within and day 4 late, keeps exclusions and pending cases out of D, and breaks down by profession and mode', async () => {
    const s = server();
    // Thursday 25 March 2027 (winter time, +01:00): six patients, all reached at 09:00 and marked covered.
    s.clock.set('2027-03-25T08:00:00+01:00');
    const clinic = await trackerClinic(s);
    const bookings = [];
    for (let i = 0; i < 6; i++) bookings.push(await clinic.book(i < 2 ? '2027-03-25T09:00:00+01:00' : undefined));
    for (const b of bookings) await clinic.call(b.id, b.slot.start, true);
    const [sameCall, day3, day4, chose, medical, overdue] = bookings.map((b) => b.id) as [string, string, string, string, string, string];
    s.clock.set('2027-03-25T12:00:00+01:00');
    await clinic.outcome(sameCall, 'new_problem', 'nurse'); // the call itself was the assessment: day 0, phone
    for (const id of [day3, day4, chose, medical, overdue]) await clinic.outcome(id, 'worsening');
    // Tuesday 30 March (summer time): one more patient, still open at report time and before its deadline (2 April).
    s.clock.set('2027-03-30T08:00:00+02:00');
    const pending = await clinic.book();
    await clinic.call(pending.id, pending.slot.start, true);
    s.clock.set('2027-03-30T09:00:00+02:00');
    await clinic.outcome(pending.id, 'new_problem');

    s.clock.set('2027-03-30T12:00:00+02:00');
    // Day 3 is Sunday 28 March, the night the clocks go forward; day 4 starts a minute after its midnight.
    expect((await clinic.assess(day3, { assessedAt: '2027-03-28T23:59:00+02:00', profession: 'doctor', mode: 'visit' })).status).toBe(200);
    expect((await clinic.assess(day4, { assessedAt: '2027-03-29T00:01:00+02:00', profession: 'doctor', mode: 'video' })).status).toBe(200);
    expect((await clinic.exclude(chose, 'patient_chose_later')).status).toBe(200);
    expect((await clinic.exclude(medical, 'medically_motivated_wait')).status).toBe(200);

    const report = await clinic.report('from=2027-03-01&to=2027-03-31&groupBy=month');
    // C = sameCall (day 0) + day3 = 2. D = C + day4 (late) + overdue (deadline 28 March passed) = 4. Pending: 1.
    expect(report.total.medicalAssessment).toMatchObject({
      numerator: 2,
      denominator: 4,
      share: 0.5,
      rating: 'poor',
      referenceLines: { poorBelow: 0.85, excellentAbove: 0.95 },
      cases: 7,
      assessedLate: 1,
      overdue: 1,
      pending: 1,
      exclusions: { patient_chose_later: 1, medically_motivated_wait: 1, not_covered: 0 },
    });
    expect(report.total.medicalAssessment.byProfession).toEqual([
      { profession: 'doctor', within: 1, late: 1, share: 0.5 },
      { profession: 'nurse', within: 1, late: 0, share: 1 },
    ]);
    expect(report.total.medicalAssessment.byMode).toEqual([
      { mode: 'visit', within: 1, late: 0, share: 1 },
      { mode: 'video', within: 0, late: 1, share: 0 },
      { mode: 'phone', within: 1, late: 0, share: 1 },
    ]);

    const drill = async (figure: string) =>
      (await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&from=2027-03-01&to=2027-03-31&figure=${figure}`, { headers: { Authorization: clinic.manager } })).body
        .records;
    expect((await drill('medicalAssessment.failures')).map((r: any) => [r.callbackId, r.classification]).sort()).toEqual(
      [[day4, 'late'], [overdue, 'overdue']].sort(),
    );
    expect(await drill('medicalAssessment.pending')).toEqual([
      expect.objectContaining({ callbackId: pending.id, verdict: 'pending', details: expect.objectContaining({ deadline: '2027-04-02' }) }),
    ]);
    const excluded = await drill('medicalAssessment.exclusions');
    expect(excluded.map((r: any) => r.reason).sort()).toEqual(
      ['Excluded: a medically motivated wait.', 'Excluded: the patient chose a later time although one inside the limit was offered.'].sort(),
    );

    // A case is closed once; a correction must say so.
    const again = await clinic.assess(day4, { assessedAt: '2027-03-26T10:00:00+01:00', profession: 'doctor', mode: 'visit' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('case_not_open');
    const corrected = await clinic.assess(day4, { assessedAt: '2027-03-26T10:00:00+01:00', profession: 'doctor', mode: 'visit', correct: true });
    expect(corrected.body).toMatchObject({ status: 'assessed', startDate: '2027-03-25', deadline: '2027-03-28' });
    expect((await clinic.report('from=2027-03-01&to=2027-03-31')).total.medicalAssessment).toMatchObject({ numerator: 3, denominator: 4 });
  });

  it('refuses an assessment before the contact or in the future, and reports to managers only', async () => {
    const s = server();
    s.clock.set('2027-03-30T08:00:00+02:00');
    const clinic = await trackerClinic(s);
    const b = await clinic.book();
    await clinic.call(b.id, b.slot.start, true);
    await clinic.outcome(b.id, 'new_problem');
    const before = await clinic.assess(b.id, { assessedAt: '2027-03-30T07:59:00+02:00', profession: 'doctor', mode: 'visit' });
    expect(before.status).toBe(400);
    const future = await clinic.assess(b.id, { assessedAt: '2027-03-31T10:00:00+02:00', profession: 'doctor', mode: 'visit' });
    expect(future.status).toBe(400);
    const nurseReport = await s.request('GET', `/api/reports/measures?from=2027-03-01&to=2027-03-31`, { headers: { Authorization: clinic.nurse } });
    expect(nurseReport.status).toBe(403);
    const otherClinic = await s.addClinic();
    const foreign = await s.request('GET', `/api/reports/measures?clinics=${otherClinic}&from=2027-03-01&to=2027-03-31`, { headers: { Authorization: clinic.manager } });
    expect(foreign.status).toBe(403);
    const backwards = await s.request('GET', `/api/reports/measures?from=2027-03-31&to=2027-03-01`, { headers: { Authorization: clinic.manager } });
    expect(backwards.status).toBe(400);
    expect((await s.request('GET', `/api/reports/measures?from=2027-03-01&to=2027-03-31`)).status).toBe(401);
  });
});
