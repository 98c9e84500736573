// A call that was itself the medical assessment closes the case at the moment the patient answered, not
// when the call ended or the outcome was recorded: it decides the date of a call answered before midnight.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendTelephonyEvent, useTestServer } from '../support/server.js';
import { trackerClinic, type TrackerClinic } from '../support/tracker.js';

// Contact on Monday 22 March 2027 (winter time, +01:00): day 3 is Thursday 25 March, the last day within.
const MONDAY_0800 = '2027-03-22T08:00:00+01:00';
const THURSDAY_SLOT = '2027-03-25T09:00:00+01:00';
const ANSWERED = '2027-03-25T23:55:00+01:00';
const CLAIMED = '2027-03-25T23:50:00+01:00';
const ENDED = '2027-03-26T00:10:00+01:00';
const RECORDED = '2027-03-26T00:20:00+01:00';

const server = useTestServer(MONDAY_0800);

/** A clinic with one patient who called on Monday and chose Thursday morning for the callback. */
async function bookedOnMondayForThursday(): Promise<{ clinic: TrackerClinic; callbackId: string }> {
  const s = server();
  s.clock.set(MONDAY_0800);
  const clinic = await trackerClinic(s);
  const booking = await clinic.book(THURSDAY_SLOT);
  expect(booking.slot.start).toBe(THURSDAY_SLOT);
  return { clinic, callbackId: booking.id };
}

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
    const { clinic, callbackId } = await bookedOnMondayForThursday();
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
    const { clinic, callbackId } = await bookedOnMondayForThursday();
    const s = server();
    // She claimed it before midnight (a callback whose day has ended can no longer be claimed: rule 12).
    s.clock.set(CLAIMED);
    const claimed = await s.request('POST', `/api/staff/clinics/${clinic.clinicId}/queue/claim`, { headers: { Authorization: clinic.nurse } });
    expect(claimed.body.id).toBe(callbackId);
    s.clock.set(ENDED);
    const logged = await s.request('POST', `/api/staff/callbacks/${callbackId}/attempts`, {
      headers: { Authorization: clinic.nurse },
      body: { outcome: 'answered', startedAt: ANSWERED, endedAt: ENDED },
    });
    expect(logged.status).toBe(201);
    s.clock.set(RECORDED);
    await clinic.outcome(callbackId, 'worsening', 'nurse');

    const { found, assessment } = await caseAndReport(clinic, callbackId);
    expect(found).toMatchObject(withinOnDayThree);
    expect(assessment).toMatchObject({ numerator: 1, denominator: 1, assessedLate: 0 });
  });
});
