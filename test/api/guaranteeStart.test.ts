// The region's guarantee start setting: day 0 is the contact, or the triage decision; switching it
// recomputes the stored figures, and every report says which one it used.
import { describe, expect, it } from 'vitest';
import { ensureMeasureBasis } from '../../src/db/measureRollup.js';
import { createReportService } from '../../src/services/reports.js';
import { useTestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-03-25T08:00:00+01:00');

describe('GUARANTEE_START', () => {
  it('counts from the contact by default and from the triage call when the region says so', async () => {
    const s = server();
    // Contact Thursday 25 March; the patient is first reached on Friday 26 March (the triage decision);
    // assessed Monday 29 March: day 4 from the contact (late), day 3 from the decision (within).
    s.clock.set('2027-03-25T15:00:00+01:00');
    const clinic = await trackerClinic(s);
    const b = await clinic.book();
    await clinic.call(b.id, b.slot.start, false);
    await clinic.call(b.id, '2027-03-26T08:30:00+01:00', true);
    s.clock.set('2027-03-26T09:00:00+01:00');
    await clinic.outcome(b.id, 'new_problem');
    s.clock.set('2027-03-29T12:00:00+02:00');
    expect((await clinic.assess(b.id, { assessedAt: '2027-03-29T10:00:00+02:00', profession: 'doctor', mode: 'visit' })).status).toBe(200);

    const byContact = await clinic.report('from=2027-03-01&to=2027-03-31');
    expect(byContact.scope.guaranteeStart).toBe('contact');
    expect(byContact.total.medicalAssessment).toMatchObject({ numerator: 0, denominator: 1, assessedLate: 1 });

    const manager = { id: 'unused', name: 'Region', role: 'manager' as const, clinicIds: [clinic.clinicId] };
    const query = { clinicIds: [clinic.clinicId], from: '2027-03-01', to: '2027-03-31', groupBy: 'month' as const };
    expect(await ensureMeasureBasis(s.db, 'triage_decision')).toBe(true);
    expect(await ensureMeasureBasis(s.db, 'triage_decision')).toBe(false);
    const byDecision = await createReportService({ db: s.db, clock: s.clock, basis: 'triage_decision' }).measures(manager, query);
    expect(byDecision.scope.guaranteeStart).toBe('triage_decision');
    expect(byDecision.total.medicalAssessment).toMatchObject({ numerator: 1, denominator: 1, assessedLate: 0 });

    await ensureMeasureBasis(s.db, 'contact');
    expect((await clinic.report('from=2027-03-01&to=2027-03-31')).total.medicalAssessment).toMatchObject({ numerator: 0, assessedLate: 1 });
  });
});
