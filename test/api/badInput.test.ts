// Inputs found by an outside check that once hung the process or answered 500: far-away dates, NUL bytes,
// dates PostgreSQL cannot store and forged drill-down cursors. Each must be a 400 naming the field.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendTelephonyEvent, useTestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const server = useTestServer(TUESDAY_0800);
let clinicId: string;
let manager: string;
let nurse: string;

beforeAll(async () => {
  clinicId = await server().addClinic();
  manager = await server().addStaff('manager', [clinicId]);
  nurse = await server().addStaff('nurse', [clinicId]);
});

const fieldsOf = (body: any): string[] => (body.error?.details?.fields ?? []).map((f: { field: string }) => f.field);
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('report dates far from today (once an endless loop holding a transaction open)', () => {
  it.each([
    ['day', '9999-12-31', '9999-12-31'],
    ['week', '9999-12-27', '9999-12-31'],
    ['month', '9999-12-01', '9999-12-31'],
    ['day', '0000-01-01', '0000-01-01'],
    ['month', '1899-12-01', '1899-12-31'],
  ])('answers 400 naming the date for groupBy=%s %s–%s, in JSON and CSV', async (groupBy, from, to) => {
    for (const path of ['/api/reports/measures', '/api/reports/measures.csv', '/api/reports/drilldown']) {
      const res = await server().request('GET', `${path}?clinics=${clinicId}&from=${from}&to=${to}&groupBy=${groupBy}&figure=contactSameDay.numerator`, {
        headers: { Authorization: manager },
      });
      expect(res.status, path).toBe(400);
      expect(fieldsOf(res.body), path).toContain('query.from');
    }
  });

  it('refuses a range with more periods than a report can show, naming groupBy, and accepts it by month', async () => {
    const q = `clinics=${clinicId}&from=2025-01-01&to=2026-12-31`;
    const byDay = await server().request('GET', `/api/reports/measures?${q}&groupBy=day`, { headers: { Authorization: manager } });
    expect(byDay.status).toBe(400);
    expect(fieldsOf(byDay.body)).toEqual(['query.groupBy']);
    const byMonth = await server().request('GET', `/api/reports/measures?${q}&groupBy=month`, { headers: { Authorization: manager } });
    expect(byMonth.status).toBe(200);
    expect(byMonth.body.periods).toHaveLength(24);
  });

  it('still reports the last accepted date, 2100-12-31, in every grouping', async () => {
    for (const groupBy of ['day', 'week', 'month']) {
      const res = await server().request('GET', `/api/reports/measures?clinics=${clinicId}&from=2100-12-31&to=2100-12-31&groupBy=${groupBy}`, {
        headers: { Authorization: manager },
      });
      expect(res.status, groupBy).toBe(200);
      expect(res.body.periods, groupBy).toHaveLength(1);
    }
  });
});

describe('NUL bytes and control characters', () => {
  it('answers 400 naming each text field of a booking that holds a NUL byte', async () => {
    for (const [field, body] of [
      ['body.reason', { phone: '0701234567', reason: 'hosta\u0000' }],
      ['body.name', { phone: '0701234567', name: 'Anna\u0000' }],
      ['body.phone', { phone: '070123\u00004567' }],
      ['body.personalIdentityNumber', { phone: '0701234567', personalIdentityNumber: '19121212\u00001212' }],
    ] as const) {
      const res = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body });
      expect(res.status, field).toBe(400);
      expect(fieldsOf(res.body), field).toContain(field);
    }
  });

  it('answers 400 for a NUL byte in a path id, public and staff', async () => {
    const cases = [
      ['GET', `/api/clinics/vc%00x/slots?from=2027-03-30&to=2027-03-30`, {}, 'params.clinicId'],
      ['POST', `/api/clinics/vc%00x/callbacks`, { body: { phone: '0701234567' } }, 'params.clinicId'],
      ['GET', `/api/callbacks/abc%00def`, { headers: { 'X-Callback-Token': 'x' } }, 'params.id'],
      ['GET', `/api/staff/clinics/vc%00x/queue`, { headers: { Authorization: nurse } }, 'params.clinicId'],
    ] as const;
    for (const [method, path, options, field] of cases) {
      const res = await server().request(method, path, options as never);
      expect(res.status, path).toBe(400);
      expect(fieldsOf(res.body), path).toContain(field);
    }
  });

  it('answers 400 for a NUL byte in a staff note', async () => {
    const res = await server().request('POST', `/api/staff/callbacks/7a0c1b7e-3f4e-4d63-9a55-2d4a2b0c9e11/attempts`, {
      headers: { Authorization: nurse },
      body: { outcome: 'no_answer', note: 'ringde\u0000' },
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain('body.note');
  });
});

describe('dates PostgreSQL cannot store', () => {
  it.each(['0000-01-01T10:00:00+01:00', '9999-12-31T23:30:00-05:00', '1900-01-01T10:00:00+01:00'])(
    'answers 400 naming slotStart for %s',
    async (slotStart) => {
      const res = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', slotStart } });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['body.slotStart']);
    },
  );

  it('answers 400 naming the slot listing dates for year 0 and 9999', async () => {
    const res = await server().request('GET', `/api/clinics/${clinicId}/slots?from=9999-12-31&to=9999-12-31`);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['query.from', 'query.to']));
  });
});

describe('drill-down cursors', () => {
  it.each([
    ['a date that does not exist', cursorOf(['2026-13-45', '7a0c1b7e-3f4e-4d63-9a55-2d4a2b0c9e11'])],
    ['year 0', cursorOf(['0000-01-01', '7a0c1b7e-3f4e-4d63-9a55-2d4a2b0c9e11'])],
    ['an id of dashes', cursorOf(['2027-03-30', '------------------------------------'])],
    ['an id with NUL', cursorOf(['2027-03-30', '\u0000'])],
    ['not JSON', 'bm90IGpzb24'],
    ['an object', cursorOf({ date: '2027-03-30' })],
  ])('answers 400 naming the cursor for %s', async (_what, cursor) => {
    const res = await server().request(
      'GET',
      `/api/reports/drilldown?clinics=${clinicId}&from=2027-03-01&to=2027-03-31&figure=contactSameDay.numerator&cursor=${cursor}`,
      { headers: { Authorization: manager } },
    );
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['query.cursor']);
  });
});

// Found by the fuzz (test/fuzz): a call id is one call to one callback. Two first events of one call id for
// two callbacks at once both inserted its attempt, and the loser got a 500 (unique violation); one after the
// other, the second ended or answered the first callback's attempt and concluded its own without one.
describe('telephony events naming another callback’s call', () => {
  const book = async (): Promise<string> => {
    const res = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const event = (callbackId: string, callId: string, type: string) =>
    sendTelephonyEvent(server(), { eventId: randomUUID(), type, callId, callbackId, at: server().clock.now().toISO() }, { asOfNow: true });
  const attemptsOf = async (callbackId: string) =>
    (await server().db.query<any>('SELECT telephony_call_id, ended_at, outcome FROM call_attempts WHERE callback_id = $1', [callbackId])).rows;

  it('refuses an event whose callId is a call to another callback, naming body.callId, and changes neither', async () => {
    const [first, second] = [await book(), await book()];
    const callId = randomUUID();
    expect((await event(first, callId, 'call.started')).status).toBe(200);

    const res = await event(second, callId, 'call.ended');
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.callId']);
    expect(await attemptsOf(first)).toEqual([{ telephony_call_id: callId, ended_at: null, outcome: null }]);
    expect(await attemptsOf(second)).toEqual([]);
    const { rows } = await server().db.query<any>('SELECT status, attempt_count FROM callbacks WHERE id = $1', [second]);
    expect(rows).toEqual([{ status: 'booked', attempt_count: 0 }]);
  });

  it('answers the first events of one call id for two callbacks sent at once with 200 and 400, never 500', async () => {
    const [first, second] = [await book(), await book()];
    for (let round = 0; round < 3; round++) {
      const callId = randomUUID();
      const answers = await Promise.all([event(first, callId, 'call.started'), event(second, callId, 'call.started')]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
      const { rows } = await server().db.query('SELECT 1 FROM call_attempts WHERE telephony_call_id = $1', [callId]);
      expect(rows).toHaveLength(1);
    }
  });
});

describe('drill-down deviation filters', () => {
  it('answers 400 naming the field for a deviation that does not fit a 32-bit integer (once a 500)', async () => {
    const res = await server().request(
      'GET',
      `/api/reports/drilldown?clinics=${clinicId}&from=2027-03-01&to=2027-03-31&figure=timeDeviation.late&deviationFromMinutes=3000000000`,
      { headers: { Authorization: manager } },
    );
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['query.deviationFromMinutes']);
  });
});
