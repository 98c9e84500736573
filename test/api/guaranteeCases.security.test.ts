// Care-guarantee cases decide access before the case is looked up: staff of another clinic get the same 403
// whether that clinic's callback has a case or not, so the answer tells them nothing about its records.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-04-12T08:00:00+02:00');

const NO_SUCH_CALLBACK = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

/** A clinic with one covered callback (an open case) and one without a case; and a nurse of another clinic. */
async function twoClinics() {
  const s = server();
  s.clock.set('2027-04-12T08:00:00+02:00');
  const clinic = await trackerClinic(s);
  const withCase = await clinic.book();
  await clinic.call(withCase.id, withCase.slot.start, true);
  s.clock.set('2027-04-12T09:00:00+02:00');
  await clinic.outcome(withCase.id, 'new_problem');
  const withoutCase = await clinic.book();
  const outsider = await s.addStaff('nurse', [await s.addClinic()]);
  return { s, clinic, withCase: withCase.id, withoutCase: withoutCase.id, outsider };
}

const ENDPOINTS = [
  { name: 'GET /api/staff/guarantee-cases/:id', method: 'GET', path: (id: string) => `/api/staff/guarantee-cases/${id}`, body: undefined },
  {
    name: 'PUT /api/staff/guarantee-cases/:id/exclusion',
    method: 'PUT',
    path: (id: string) => `/api/staff/guarantee-cases/${id}/exclusion`,
    body: { reason: 'patient_chose_later' },
  },
  {
    name: 'PUT /api/staff/guarantee-cases/:id/assessment',
    method: 'PUT',
    path: (id: string) => `/api/staff/guarantee-cases/${id}/assessment`,
    body: { assessedAt: '2027-04-12T08:30:00+02:00', profession: 'doctor', mode: 'visit' },
  },
];

describe.each(ENDPOINTS)('$name for staff of another clinic', ({ method, path, body }) => {
  it('answers 403 forbidden for that clinic’s callback with a case and without one alike, and 404 for an unknown id', async () => {
    const { s, withCase, withoutCase, outsider } = await twoClinics();
    const ask = (id: string) => s.request(method, path(id), { headers: { Authorization: outsider }, ...(body ? { body } : {}) });

    const caseHeld = await ask(withCase);
    const noCase = await ask(withoutCase);
    const unknown = await ask(NO_SUCH_CALLBACK);

    expect([caseHeld.status, caseHeld.body.error?.code]).toEqual([403, 'forbidden']);
    expect([noCase.status, noCase.body.error?.code]).toEqual([403, 'forbidden']);
    // The two refusals are the same answer: nothing in them depends on whether a case exists.
    expect(noCase.body).toEqual(caseHeld.body);
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'callback_not_found']);

    // Nothing was recorded by the refused requests.
    const { rows } = await s.db.query<{ status: string }>('SELECT status FROM guarantee_cases WHERE callback_id = $1', [withCase]);
    expect(rows.map((r) => r.status)).toEqual(['open']);
  });
});

describe('a callback without a case, for its own clinic’s staff', () => {
  it('is still 404 guarantee_case_not_found for a nurse, and 403 for a manager writing to it (role decided first)', async () => {
    const { s, clinic, withoutCase } = await twoClinics();
    const read = await s.request('GET', `/api/staff/guarantee-cases/${withoutCase}`, { headers: { Authorization: clinic.nurse } });
    expect([read.status, read.body.error?.code]).toEqual([404, 'guarantee_case_not_found']);
    const excluded = await s.request('PUT', `/api/staff/guarantee-cases/${withoutCase}/exclusion`, {
      headers: { Authorization: clinic.manager },
      body: { reason: 'patient_chose_later' },
    });
    expect([excluded.status, excluded.body.error?.code]).toEqual([403, 'forbidden']);
  });
});
