// A call that was itself the medical assessment closes the case at the moment the patient answered, not
// when the call ended or the outcome was recorded: it decides the date of a call answered before midnight.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ANSWERED, bookedOnMondayForThursday, ENDED, MONDAY_0800, nurseLogsTheCall } from '../support/callAcrossMidnight.js';
import { sendTelephonyEvent, useTestServer } from '../support/server.js';
import type { TrackerClinic } from '../support/tracker.js';

// Contact on Monday 22 March 2027 (winter time, +01:00): day 3 is Thursday 25 March, the last day within. The call
// is answered 23:55 on Thursday and ends 00:10 on Friday; the nurse records the outcome after it.
const RECORDED = '2027-03-26T00:20:00+01:00';

const server = useTestServer(MONDAY_0800);

/** The case as the API shows it, and the clinic's March figures. */
async function caseAndReport(clinic: TrackerClinic, callbackId: string) {
  const s = server();
  const res = await s.request('GET', `/api/staff/guarantee-cases/${callbackId}`, { headers: { Authorization: clinic.nurse } });
  expect(res.status).toBe(200);
  const report = await clinic.report('from=2027-03-01&to=2027-03-31');
  return { found: res.body, assessment: report.total.medicalAssessment };
}

const withinOnDayThree = {
  status: 'assessed',
  contactDate: '2027-03-22',
  deadline: '2027-03-25',
  assessment: { at: ANSWERED, date: '2027-03-25', profession: 'nurse', mode: 'phone' },
};

describe('an in-call medical assessment (the call itself was the assessment)', () => {
  it('is dated when the patient answered: answered 23:55 on day 3, ended 00:10 on day 4, is within', async () => {
    const { clinic, callbackId } = await bookedOnMondayForThursday(server());
    const s = server();
    // The telephone system reports the call as it happens; the nurse records the outcome after it.
    const callId = `call-${randomUUID()}`;
    for (const [type, time] of [['call.started', ANSWERED], ['call.answered', ANSWERED], ['call.ended', ENDED]] as const) {
      const res = await sendTelephonyEvent(s, { eventId: randomUUID(), type, callId, callbackId, at: time });
      expect(res.body).toEqual({ status: 'accepted' });
    }
    s.clock.set(RECORDED);
    await clinic.outcome(callbackId, 'new_problem', 'nurse');

    const { found, assessment } = await caseAndReport(clinic, callbackId);
    expect(found).toMatchObject({ ...withinOnDayThree, decisionDate: '2027-03-25' });
    expect(assessment).toMatchObject({ numerator: 1, denominator: 1, assessedLate: 0, byMode: expect.arrayContaining([{ mode: 'phone', within: 1, late: 0, share: 1 }]) });
  });

  it('is dated by the attempt a nurse logs the same way: started 23:55, ended 00:10', async () => {
    const { clinic, callbackId } = await bookedOnMondayForThursday(server());
    const s = server();
    await nurseLogsTheCall(s, clinic, callbackId);
    s.clock.set(RECORDED);
    await clinic.outcome(callbackId, 'worsening', 'nurse');

    const { found, assessment } = await caseAndReport(clinic, callbackId);
    expect(found).toMatchObject(withinOnDayThree);
    expect(assessment).toMatchObject({ numerator: 1, denominator: 1, assessedLate: 0 });
  });
});
