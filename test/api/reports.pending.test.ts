// Contact the same day, today: a callback whose promised time has not yet come is pending, not a failure; once
// its slot has passed unreached it fails (until, perhaps, a call later that day reaches the patient).
import { describe, expect, it } from 'vitest';
import { trackerClinic } from '../support/tracker.js';
import { useTestServer } from '../support/server.js';

// Tuesday 30 March 2027, 08:00 in Stockholm.
const server = useTestServer('2027-03-30T08:00:00+02:00');
const TODAY = 'from=2027-03-30&to=2027-03-30&groupBy=day';

describe('contact the same day, for today', () => {
  it('shows today’s callbacks not yet due as pending, outside the denominator, and as failures once their slot has passed', async () => {
    const s = server();
    const clinic = await trackerClinic(s);
    const reached = await clinic.book('2027-03-30T08:15:00+02:00');
    const overdue = await clinic.book('2027-03-30T08:30:00+02:00');
    const later = await clinic.book('2027-03-30T10:00:00+02:00');
    const cancelled = await clinic.book('2027-03-30T11:00:00+02:00');
    await clinic.call(reached.id, '2027-03-30T08:16:00+02:00', true);
    s.clock.set('2027-03-30T08:50:00+02:00');
    await clinic.cancel(cancelled);

    // Reached 1; overdue (slot 08:30–08:45 passed) fails; the 10:00 one is pending; the cancelled one is excluded.
    const morning = (await clinic.report(TODAY)).total.contactSameDay;
    expect(morning).toMatchObject({ numerator: 1, denominator: 2, share: 0.5, notCalledSameDay: 2, pending: 1, cancelledBeforeSlot: 1 });

    const drill = await s.request('GET', `/api/reports/drilldown?clinics=${clinic.clinicId}&${TODAY}&figure=contactSameDay.notCalledSameDay&limit=10`, {
      headers: { Authorization: clinic.manager },
    });
    expect(drill.status).toBe(200);
    const verdicts = Object.fromEntries(drill.body.records.map((r: any) => [r.callbackId, r.verdict]));
    expect(verdicts).toEqual({ [overdue.id]: 'fails', [later.id]: 'pending' });
    expect(drill.body.records.find((r: any) => r.callbackId === later.id).reason).toMatch(/^Pending/);

    // 10:20: the 10:00–10:15 slot has passed unreached; nothing is pending any more.
    s.clock.set('2027-03-30T10:20:00+02:00');
    expect((await clinic.report(TODAY)).total.contactSameDay).toMatchObject({ numerator: 1, denominator: 3, pending: 0 });
    const perClinic = (await clinic.report(TODAY)).clinics[0].contactSameDay;
    expect(perClinic).toMatchObject({ denominator: 3, pending: 0 });
  });
});
