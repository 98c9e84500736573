// Every instant in every JSON answer carries the clinic's UTC offset (the README's promise), never a bare
// UTC "Z": drill-down details, the national file list, a callback's outcome, guarantee cases, the queue.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Every string in a JSON value that is an instant, with where it was found. */
function instantsIn(value: unknown, path = '$'): { path: string; value: string }[] {
  if (typeof value === 'string') return INSTANT.test(value) ? [{ path, value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => instantsIn(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => instantsIn(v, `${path}.${k}`));
  return [];
}

describe('instants in JSON answers', () => {
  it('are written with the clinic’s offset (+02:00 in summer, +01:00 in winter), never with Z', async () => {
    const s = server();
    // Tuesday 30 March 2027 (summer time): a patient booked at 08:00, reached at 08:20, the call itself the assessment.
    s.clock.set('2027-03-30T08:00:00+02:00');
    const clinic = await trackerClinic(s);
    const booking = await clinic.book();
    await clinic.call(booking.id, '2027-03-30T08:20:00+02:00', true);
    s.clock.set('2027-03-30T09:00:00+02:00');
    await clinic.outcome(booking.id, 'new_problem', 'nurse');
    // A second patient, still open, for the at-risk list and the queue.
    const open = await clinic.book();
    await clinic.call(open.id, '2027-03-30T09:30:00+02:00', true);
    s.clock.set('2027-03-30T10:00:00+02:00');
    await clinic.outcome(open.id, 'worsening');
    const waiting = await clinic.book();
    // The national file for March, made on 1 April at 03:00 (summer time).
    s.clock.set('2027-04-01T03:00:00+02:00');
    await s.services.national.produce();
    s.clock.set('2027-03-30T10:05:00+02:00');

    const get = async (path: string, authorization: string) => {
      const res = await s.request('GET', path, { headers: { Authorization: authorization } });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };
    const range = `clinics=${clinic.clinicId}&from=2027-03-30&to=2027-03-30`;
    const answers = {
      deviationDrilldown: await get(`/api/reports/drilldown?${range}&figure=timeDeviation.callbacksWithAttempt`, clinic.manager),
      sameDayDrilldown: await get(`/api/reports/drilldown?${range}&figure=contactSameDay.requests`, clinic.manager),
      caseDrilldown: await get(`/api/reports/drilldown?${range}&figure=medicalAssessment.cases`, clinic.manager),
      nationalList: await get('/api/reports/national', clinic.manager),
      callbackDetails: await get(`/api/staff/callbacks/${booking.id}`, clinic.nurse),
      guaranteeCase: await get(`/api/staff/guarantee-cases/${booking.id}`, clinic.nurse),
      atRisk: await get(`/api/staff/clinics/${clinic.clinicId}/guarantee-cases/at-risk`, clinic.nurse),
      queue: await get(`/api/staff/clinics/${clinic.clinicId}/queue`, clinic.nurse),
      booking: (await s.request('GET', `/api/callbacks/${waiting.id}`, { headers: { 'X-Callback-Token': waiting.token } })).body,
    };

    const found = instantsIn(answers);
    // The answers do hold the instants this test is about.
    const paths = found.map((f) => f.path);
    for (const expected of [
      /^\$\.deviationDrilldown\.records\[\d+\]\.details\.requestedAt$/,
      /^\$\.deviationDrilldown\.records\[\d+\]\.details\.promisedSlotStart$/,
      /^\$\.caseDrilldown\.records\[\d+\]\.details\.assessedAt$/,
      /^\$\.nationalList\.reports\[0\]\.createdAt$/,
      /^\$\.callbackDetails\.outcome\.recordedAt$/,
      /^\$\.guaranteeCase\.assessment\.at$/,
    ]) {
      expect(paths.some((p) => expected.test(p)), String(expected)).toBe(true);
    }
    const withoutOffset = found.filter((f) => !/[+-]\d{2}:\d{2}$/.test(f.value) || f.value.endsWith('Z'));
    expect(withoutOffset).toEqual([]);

    // Hand-checked values: the clinic's summer offset, and the region's for the national file.
    expect(answers.caseDrilldown.records.find((r: any) => r.callbackId === booking.id).details.assessedAt).toBe('2027-03-30T08:20:00+02:00');
    expect(answers.nationalList.reports[0].createdAt).toBe('2027-04-01T03:00:00+02:00');
    expect(answers.callbackDetails.outcome.recordedAt).toBe('2027-03-30T09:00:00+02:00');
  });
});
