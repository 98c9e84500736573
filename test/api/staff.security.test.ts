// Staff API security: bearer tokens, roles, clinic boundaries, hashed tokens and the audit trail of queue reads.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueClinicId } from '../support/database.js';
import { useTestServer } from '../support/server.js';

// Tuesday after Easter 2027, summer time (+02:00). The earliest bookable slot at 08:00 is 08:15.
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const TUESDAY_0815 = '2027-03-30T08:15:00+02:00';

const server = useTestServer(TUESDAY_0800);

const NO_SUCH_CALLBACK = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

const book = async (clinicId: string, body: Record<string, unknown> = { phone: '0701234567' }): Promise<string> => {
  const res = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

const me = async (authorization: string) => (await server().request('GET', '/api/staff/me', { headers: { Authorization: authorization } })).body;

/** Every staff endpoint, with a body that would be valid once authenticated. */
const endpoints = (clinicId: string, callbackId: string) => [
  { method: 'GET', path: '/api/staff/me' },
  { method: 'GET', path: `/api/staff/clinics/${clinicId}/queue` },
  { method: 'POST', path: `/api/staff/clinics/${clinicId}/queue/claim` },
  { method: 'POST', path: `/api/staff/callbacks/${callbackId}/claim/renew` },
  { method: 'POST', path: `/api/staff/callbacks/${callbackId}/claim/release` },
  { method: 'POST', path: `/api/staff/callbacks/${callbackId}/attempts`, body: { outcome: 'answered' } },
  {
    method: 'PUT',
    path: `/api/staff/callbacks/${callbackId}/outcome`,
    body: { resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: false } },
  },
  { method: 'GET', path: `/api/staff/callbacks/${callbackId}` },
];

const ENDPOINT_NAMES = [
  'GET /api/staff/me',
  'GET /api/staff/clinics/:id/queue',
  'POST /api/staff/clinics/:id/queue/claim',
  'POST /api/staff/callbacks/:id/claim/renew',
  'POST /api/staff/callbacks/:id/claim/release',
  'POST /api/staff/callbacks/:id/attempts',
  'PUT /api/staff/callbacks/:id/outcome',
  'GET /api/staff/callbacks/:id',
];

describe('authentication on every staff endpoint', () => {
  const variants: { name: string; headers: Record<string, string> }[] = [
    { name: 'without an Authorization header', headers: {} },
    { name: 'with a malformed header (Token abc)', headers: { Authorization: 'Token abc' } },
    { name: 'with an unknown bearer token', headers: { Authorization: 'Bearer cbs_thisTokenWasNeverIssuedToAnyoneAtAll0123456' } },
  ];

  for (const variant of variants) {
    it.each(ENDPOINT_NAMES.map((name, index) => ({ name, index })))(`answers 401 unauthenticated ${variant.name}: $name`, async ({ index }) => {
      server().clock.set(TUESDAY_0800);
      const clinicId = await server().addClinic();
      const callbackId = await book(clinicId);
      server().clock.set(TUESDAY_0815);
      const endpoint = endpoints(clinicId, callbackId)[index]!;
      const res = await server().request(endpoint.method, endpoint.path, {
        headers: variant.headers,
        ...(endpoint.body ? { body: endpoint.body } : {}),
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
      // Nothing was claimed or changed by the refused request.
      const { rows } = await server().db.query<any>('SELECT status, claimed_by, attempt_count FROM callbacks WHERE id = $1', [callbackId]);
      expect(rows[0]).toEqual({ status: 'booked', claimed_by: null, attempt_count: 0 });
    });
  }

  it('also refuses a real token presented under another scheme, and an unknown token for a callback id that does not exist', async () => {
    const clinicId = await server().addClinic();
    const authorization = await server().addStaff('nurse', [clinicId]);
    const token = authorization.slice('Bearer '.length);
    const wrongScheme = await server().request('GET', '/api/staff/me', { headers: { Authorization: `Token ${token}` } });
    expect(wrongScheme.status).toBe(401);
    expect(wrongScheme.body.error.code).toBe('unauthenticated');
    const unknown = await server().request('GET', `/api/staff/callbacks/${NO_SUCH_CALLBACK}`, { headers: { Authorization: `${authorization}x` } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unauthenticated');
  });
});

describe('GET /api/staff/me', () => {
  it('returns the nurse’s id, name, role and clinicIds', async () => {
    const clinicId = await server().addClinic();
    const authorization = await server().addStaff('nurse', [clinicId]);
    const res = await server().request('GET', '/api/staff/me', { headers: { Authorization: authorization } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Test nurse', role: 'nurse', clinicIds: [clinicId] });
  });

  it('lists every clinic of a nurse who works for two', async () => {
    const a = await server().addClinic();
    const b = await server().addClinic();
    const authorization = await server().addStaff('nurse', [a, b]);
    const body = await me(authorization);
    expect(body.role).toBe('nurse');
    expect([...body.clinicIds].sort()).toEqual([a, b].sort());
  });

  it('returns a manager’s role', async () => {
    const clinicId = await server().addClinic();
    const body = await me(await server().addStaff('manager', [clinicId]));
    expect(body).toMatchObject({ role: 'manager', name: 'Test manager', clinicIds: [clinicId] });
  });
});

/** The clinic's queue list and claim both answer 403, show no patient data, and leave the callback unclaimed. */
async function expectQueueRefused(clinicId: string, authorization: string, callbackId: string) {
  const list = await server().request('GET', `/api/staff/clinics/${clinicId}/queue`, { headers: { Authorization: authorization } });
  expect(list.status).toBe(403);
  expect(list.body.error.code).toBe('forbidden');
  expect(JSON.stringify(list.body)).not.toContain(callbackId);
  expect(JSON.stringify(list.body)).not.toContain('+46701234567');
  const claim = await server().request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: authorization } });
  expect(claim.status).toBe(403);
  expect(claim.body.error.code).toBe('forbidden');
  const { rows } = await server().db.query<any>('SELECT status, claimed_by FROM callbacks WHERE id = $1', [callbackId]);
  expect(rows[0]).toEqual({ status: 'booked', claimed_by: null });
}

describe('roles', () => {
  it('gives a manager 403 forbidden on the queue list and on claiming, even for her own clinic', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic();
    const callbackId = await book(clinicId);
    server().clock.set(TUESDAY_0815);
    const manager = await server().addStaff('manager', [clinicId]);

    await expectQueueRefused(clinicId, manager, callbackId);
    // Only the refusals are audited: nothing was read.
    const audit = await server().db.query<any>('SELECT action, request FROM audit_events WHERE clinic_id = $1 ORDER BY id', [clinicId]);
    expect(audit.rows).toEqual([
      { action: 'access.denied', request: `GET /api/staff/clinics/${clinicId}/queue` },
      { action: 'access.denied', request: `POST /api/staff/clinics/${clinicId}/queue/claim` },
    ]);
  });
});

describe('clinic boundaries', () => {
  it('gives a nurse of clinic A 403 on clinic B’s queue and does not claim B’s callback', async () => {
    server().clock.set(TUESDAY_0800);
    const a = await server().addClinic();
    const b = await server().addClinic();
    const callbackB = await book(b);
    server().clock.set(TUESDAY_0815);
    const nurseA = await server().addStaff('nurse', [a]);

    await expectQueueRefused(b, nurseA, callbackB);
  });

  it('gives a nurse of clinic A 403 on every callback endpoint for a callback of clinic B', async () => {
    server().clock.set(TUESDAY_0800);
    const a = await server().addClinic();
    const b = await server().addClinic();
    const callbackB = await book(b);
    server().clock.set(TUESDAY_0815);
    const nurseA = await server().addStaff('nurse', [a]);
    const nurseB = await server().addStaff('nurse', [b]);
    // B's own nurse holds the claim, so only the clinic boundary stands between nurse A and the callback.
    const claimed = await server().request('POST', `/api/staff/clinics/${b}/queue/claim`, { headers: { Authorization: nurseB } });
    expect(claimed.status).toBe(200);
    expect(claimed.body.id).toBe(callbackB);

    for (const endpoint of endpoints(b, callbackB).slice(3)) {
      const res = await server().request(endpoint.method, endpoint.path, {
        headers: { Authorization: nurseA },
        ...(endpoint.body ? { body: endpoint.body } : {}),
      });
      expect({ endpoint: `${endpoint.method} ${endpoint.path}`, status: res.status, code: res.body?.error?.code }).toEqual({
        endpoint: `${endpoint.method} ${endpoint.path}`,
        status: 403,
        code: 'forbidden',
      });
      expect(JSON.stringify(res.body)).not.toContain('+46701234567');
    }
    const { rows } = await server().db.query<any>('SELECT status, attempt_count FROM callbacks WHERE id = $1', [callbackB]);
    expect(rows[0]).toEqual({ status: 'claimed', attempt_count: 0 });
    const attempts = await server().db.query<any>('SELECT id FROM call_attempts WHERE callback_id = $1', [callbackB]);
    expect(attempts.rows).toEqual([]);
  });

  it('shows a nurse only her own clinic’s callbacks in the queue, a passed booked one as due', async () => {
    server().clock.set(TUESDAY_0800);
    const a = await server().addClinic();
    const b = await server().addClinic();
    const callbackA = await book(a);
    await book(b);
    await book(b);
    server().clock.set(TUESDAY_0815);
    const nurseA = await server().addStaff('nurse', [a]);

    const res = await server().request('GET', `/api/staff/clinics/${a}/queue`, { headers: { Authorization: nurseA } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      now: '2027-03-30T08:15:00+02:00',
      entries: [
        {
          id: callbackA,
          state: 'due',
          status: 'booked',
          promisedSlot: { start: '2027-03-30T08:15:00+02:00', end: '2027-03-30T08:30:00+02:00' },
          minutesFromPromise: 0,
          dueAt: '2027-03-30T08:15:00+02:00',
          attempts: 0,
          reason: null,
          phone: '+46701234567',
          name: null,
          personalIdentityNumber: null,
          channel: 'web',
          requestedAt: '2027-03-30T08:00:00+02:00',
          claimedBy: null,
          claimExpiresAt: null,
        },
      ],
    });
  });
});

describe('staff tokens', () => {
  it('are stored only as hashes: token_hash is not the token and the token appears nowhere in the row', async () => {
    const clinicId = await server().addClinic();
    const authorization = await server().addStaff('nurse', [clinicId]);
    const token = authorization.slice('Bearer '.length);
    expect(token).toMatch(/^cbs_[A-Za-z0-9_-]{40,}$/);
    const { id } = await me(authorization);

    const { rows } = await server().db.query<any>('SELECT * FROM staff WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row.token_hash).not.toBe(token);
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice('cbs_'.length));
  });

  it('stop working once the staff account is disabled (401)', async () => {
    const clinicId = await server().addClinic();
    const authorization = await server().addStaff('nurse', [clinicId]);
    const { id } = await me(authorization);
    await server().db.query("UPDATE staff SET disabled_at = '2027-03-30T07:00:00+02:00' WHERE id = $1", [id]);
    const res = await server().request('GET', `/api/staff/clinics/${clinicId}/queue`, { headers: { Authorization: authorization } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});

describe('audit trail', () => {
  it('writes a queue.list row with the staff id and the callback ids shown', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic();
    const first = await book(clinicId);
    const second = await book(clinicId);
    const third = await book(clinicId); // 08:30: upcoming at 08:15, still shown
    server().clock.set(TUESDAY_0815);
    const nurse = await server().addStaff('nurse', [clinicId]);
    const { id: staffId } = await me(nurse);

    const res = await server().request('GET', `/api/staff/clinics/${clinicId}/queue`, { headers: { Authorization: nurse } });
    expect(res.status).toBe(200);
    const shown = res.body.entries.map((e: any) => e.id);
    expect([...shown].sort()).toEqual([first, second, third].sort());
    expect(shown[2]).toBe(third);
    expect(res.body.entries.map((e: any) => e.state)).toEqual(['due', 'due', 'upcoming']);

    const { rows } = await server().db.query<any>(
      'SELECT at, staff_id, clinic_id, callback_ids FROM audit_events WHERE action = $1 AND clinic_id = $2',
      ['queue.list', clinicId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].staff_id).toBe(staffId);
    expect(rows[0].clinic_id).toBe(clinicId);
    expect(new Date(rows[0].at).toISOString()).toBe('2027-03-30T06:15:00.000Z');
    expect(rows[0].callback_ids).toEqual(shown);
  });

  it('writes a queue.list row with no callback ids for an empty queue', async () => {
    server().clock.set(TUESDAY_0815);
    const clinicId = await server().addClinic();
    const nurse = await server().addStaff('nurse', [clinicId]);
    const { id: staffId } = await me(nurse);
    const res = await server().request('GET', `/api/staff/clinics/${clinicId}/queue`, { headers: { Authorization: nurse } });
    expect(res.status).toBe(200);
    expect(res.body.entries).toEqual([]);
    const { rows } = await server().db.query<any>('SELECT staff_id, callback_ids FROM audit_events WHERE action = $1 AND clinic_id = $2', [
      'queue.list',
      clinicId,
    ]);
    expect(rows).toEqual([{ staff_id: staffId, callback_ids: [] }]);
  });
});

describe('refused staff requests are audited', () => {
  const deniedRowsOf = async (staffId: string) =>
    (
      await server().db.query<any>(
        "SELECT at, staff_id, action, clinic_id, callback_ids, request FROM audit_events WHERE staff_id = $1 AND action = 'access.denied' ORDER BY id",
        [staffId],
      )
    ).rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));

  it('names who was refused, the request and the clinic, for another clinic’s queue and callback', async () => {
    server().clock.set(TUESDAY_0800);
    const a = await server().addClinic();
    const b = await server().addClinic();
    const callbackB = await book(b);
    server().clock.set(TUESDAY_0815);
    const nurseA = await server().addStaff('nurse', [a]);
    const { id: staffId } = await me(nurseA);

    expect((await server().request('GET', `/api/staff/clinics/${b}/queue`, { headers: { Authorization: nurseA } })).status).toBe(403);
    expect((await server().request('GET', `/api/staff/callbacks/${callbackB}`, { headers: { Authorization: nurseA } })).status).toBe(403);

    const denied = { at: '2027-03-30T06:15:00.000Z', staff_id: staffId, action: 'access.denied', clinic_id: b, callback_ids: [] };
    expect(await deniedRowsOf(staffId)).toEqual([
      { ...denied, request: `GET /api/staff/clinics/${b}/queue` },
      { ...denied, request: `GET /api/staff/callbacks/${callbackB}` },
    ]);
  });

  it('audits a role refusal on the reports without the query string, and a clinic refusal on them with the clinic', async () => {
    const clinicId = await server().addClinic();
    const other = await server().addClinic();
    const nurse = await server().addStaff('nurse', [clinicId]);
    const manager = await server().addStaff('manager', [clinicId]);
    const query = `from=2027-03-01&to=2027-03-31&clinics=${other}`;
    expect((await server().request('GET', `/api/reports/measures?${query}`, { headers: { Authorization: nurse } })).status).toBe(403);
    expect((await server().request('GET', `/api/reports/measures?${query}`, { headers: { Authorization: manager } })).status).toBe(403);

    expect((await deniedRowsOf((await me(nurse)).id)).map((r) => [r.clinic_id, r.request])).toEqual([[null, 'GET /api/reports/measures']]);
    expect((await deniedRowsOf((await me(manager)).id)).map((r) => [r.clinic_id, r.request])).toEqual([[other, 'GET /api/reports/measures']]);
  });

  it('writes nothing for a request without a valid token (401): there is no one to name', async () => {
    const clinicId = await server().addClinic();
    const count = async () => (await server().db.query<any>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied'")).rows[0].n;
    const before = await count();
    const res = await server().request('GET', `/api/staff/clinics/${clinicId}/queue`, { headers: { Authorization: 'Bearer cbs_unknown' } });
    expect(res.status).toBe(401);
    expect(await count()).toBe(before);
  });
});

describe('an unknown clinic and a clinic you may not see answer the same', () => {
  const month = 'from=2027-03-01&to=2027-03-31';
  const routes: { role: 'nurse' | 'manager'; method: string; path: (clinicId: string) => string }[] = [
    { role: 'nurse', method: 'GET', path: (c) => `/api/staff/clinics/${c}/queue` },
    { role: 'nurse', method: 'POST', path: (c) => `/api/staff/clinics/${c}/queue/claim` },
    { role: 'nurse', method: 'GET', path: (c) => `/api/staff/clinics/${c}/guarantee-cases/at-risk` },
    { role: 'manager', method: 'GET', path: (c) => `/api/staff/clinics/${c}/guarantee-cases/at-risk` },
    { role: 'manager', method: 'GET', path: (c) => `/api/reports/measures?clinics=${c}&${month}` },
    { role: 'manager', method: 'GET', path: (c) => `/api/reports/measures.csv?clinics=${c}&${month}` },
    { role: 'manager', method: 'GET', path: (c) => `/api/reports/drilldown?clinics=${c}&${month}&figure=contactSameDay.requests` },
    // A role refusal says nothing about the clinic either way.
    { role: 'manager', method: 'GET', path: (c) => `/api/staff/clinics/${c}/queue` },
  ];

  it.each(routes.map((r) => ({ ...r, name: `${r.role}: ${r.method} ${r.path(':clinicId')}` })))('$name', async ({ role, method, path }) => {
    const own = await server().addClinic();
    const foreign = await server().addClinic();
    const unknown = uniqueClinicId('vc-none');
    const authorization = await server().addStaff(role, [own]);

    const seen = await server().request(method, path(foreign), { headers: { Authorization: authorization } });
    const missing = await server().request(method, path(unknown), { headers: { Authorization: authorization } });
    expect(seen.status).toBe(403);
    expect(seen.body.error.code).toBe('forbidden');
    expect({ status: missing.status, body: JSON.parse(JSON.stringify(missing.body).replaceAll(unknown, '<clinic>')) }).toEqual({
      status: seen.status,
      body: JSON.parse(JSON.stringify(seen.body).replaceAll(foreign, '<clinic>')),
    });
  });

  it('says "You do not work for clinic" for both, and patients still get 404 for a clinic that does not exist', async () => {
    const own = await server().addClinic();
    const unknown = uniqueClinicId('vc-none');
    const manager = await server().addStaff('manager', [own]);
    const report = await server().request('GET', `/api/reports/measures?clinics=${unknown}&${month}`, { headers: { Authorization: manager } });
    expect(report.body).toEqual({ error: { code: 'forbidden', message: `You do not work for clinic '${unknown}'.` } });

    const booking = await server().request('POST', `/api/clinics/${unknown}/callbacks`, { body: { phone: '0701234567' } });
    expect(booking.status).toBe(404);
    expect(booking.body.error.code).toBe('clinic_not_found');
  });
});

describe('staff token expiry', () => {
  it('a token made for one day works until that moment by the app’s clock, then answers 401 saying it expired', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic();
    const nurse = await server().addStaff('nurse', [clinicId], { days: 1 });

    server().clock.set('2027-03-31T07:59:59+02:00');
    expect((await server().request('GET', '/api/staff/me', { headers: { Authorization: nurse } })).status).toBe(200);
    server().clock.set('2027-03-31T08:00:00+02:00');
    const res = await server().request('GET', `/api/staff/clinics/${clinicId}/queue`, { headers: { Authorization: nurse } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: 'unauthenticated', message: 'The bearer token expired at 2027-03-31T08:00:00+02:00. Ask an administrator for a new one.' },
    });
  });
});
