// Refusals: every bad request gets a clear 4xx in the one error shape, never a 500.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
let clinicId: string;

const server = useTestServer(TUESDAY_0800);
beforeAll(async () => {
  clinicId = await server().addClinic();
});

const book = (body: unknown, id = clinicId) => server().request('POST', `/api/clinics/${id}/callbacks`, { body });

describe('booking window (rule 1)', () => {
  it('refuses at 05:59 and says booking opens at 06:00 the same morning', async () => {
    server().clock.set('2027-03-30T05:59:00+02:00');
    const res = await book({ phone: '0701234567' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('booking_closed');
    expect(res.body.error.details.opensAt).toBe('2027-03-30T06:00:00+02:00');
    expect(res.body.error.message).toContain('2027-03-30T06:00:00+02:00');
  });

  it('refuses at 17:00 on Thursday before Easter and says booking opens Tuesday 06:00 after Easter', async () => {
    server().clock.set('2027-03-25T17:00:00+01:00');
    const res = await book({ phone: '0701234567' });
    expect(res.status).toBe(409);
    expect(res.body.error.details.opensAt).toBe('2027-03-30T06:00:00+02:00');
  });

  it('refuses on julafton and points to the next working day', async () => {
    server().clock.set('2027-12-24T09:00:00+01:00');
    const res = await book({ phone: '0701234567' });
    expect(res.body.error.details.opensAt).toBe('2027-12-27T06:00:00+01:00');
  });
});

describe('slots', () => {
  it('answers slot_full when the named slot has no place left', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic({ capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 1 }] });
    const slotStart = '2027-03-30T10:00:00+02:00';
    expect((await book({ phone: '0701234567', slotStart }, id)).status).toBe(201);
    const res = await book({ phone: '0701234568', slotStart }, id);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'slot_full', details: { slotStart } });
  });

  it('answers slot_unavailable for a time the clinic does not offer, a past slot, or a holiday', async () => {
    server().clock.set(TUESDAY_0800);
    for (const slotStart of ['2027-03-30T10:07:00+02:00', '2027-03-30T07:00:00+02:00', '2027-04-03T10:00:00+02:00', '2027-05-06T10:00:00+02:00']) {
      const res = await book({ phone: '0701234567', slotStart });
      expect(res.status, slotStart).toBe(409);
      expect(res.body.error.code).toBe('slot_unavailable');
    }
  });

  it('answers no_free_slot when every slot in the horizon is full', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic({
      bookingHorizonDays: 1,
      capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '09:15', capacity: 1 }],
    });
    expect((await book({ phone: '0701234567' }, id)).status).toBe(201);
    const res = await book({ phone: '0701234567' }, id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_free_slot');
  });

  it('answers 404 for an unknown clinic', async () => {
    server().clock.set(TUESDAY_0800);
    const res = await book({ phone: '0701234567' }, 'vc-nowhere');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('clinic_not_found');
    expect((await server().request('GET', '/api/clinics/vc-nowhere/slots?from=2027-03-30&to=2027-03-30')).status).toBe(404);
  });
});

describe('input validation', () => {
  it.each([
    [{ phone: '070-123' }, 'body.phone'],
    [{ phone: '+4520123456' }, 'body.phone'],
    [{}, 'body.phone'],
    [{ phone: 701234567 }, 'body.phone'],
    [{ phone: '0701234567', personalIdentityNumber: '19121212-1213' }, 'body.personalIdentityNumber'],
    [{ phone: '0701234567', slotStart: '2027-03-30T10:00:00' }, 'body.slotStart'],
    [{ phone: '0701234567', slotStart: 'tomorrow' }, 'body.slotStart'],
    [{ phone: '0701234567', channel: 'staff' }, 'body.channel'],
    [{ phone: '0701234567', reason: 'x'.repeat(1001) }, 'body.reason'],
    [{ phone: '0701234567', favouriteColour: 'blue' }, 'body'],
  ])('refuses %j naming %s', async (body, field) => {
    server().clock.set(TUESDAY_0800);
    const res = await book(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: any) => f.field)).toContain(field);
  });

  it.each(['[1,2]', 'null', '"text"', '{"phone":'])('refuses the body %s without a 500', async (raw) => {
    server().clock.set(TUESDAY_0800);
    const res = await book(raw);
    expect(res.status).toBe(400);
    expect(['validation_failed', 'malformed_json']).toContain(res.body.error.code);
  });

  it('refuses a bad Idempotency-Key header', async () => {
    const res = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, {
      body: { phone: '0701234567' },
      headers: { 'Idempotency-Key': 'x'.repeat(201) },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('header.idempotency-key');
  });

  it.each([
    ['from=2027-03-31&to=2027-03-30', 'query.to'],
    ['from=2027-03-01&to=2027-04-01', 'query.to'],
    ['from=2027-02-30&to=2027-03-01', 'query.from'],
    ['to=2027-03-01', 'query.from'],
  ])('refuses slots?%s naming %s', async (query, field) => {
    const res = await server().request('GET', `/api/clinics/${clinicId}/slots?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: any) => f.field)).toContain(field);
  });

  it('accepts a 31-day slot range', async () => {
    const res = await server().request('GET', `/api/clinics/${clinicId}/slots?from=2027-03-01&to=2027-03-31`);
    expect(res.status).toBe(200);
  });
});

describe('callback tokens', () => {
  it('answers 404 alike for a wrong token, a missing token, an unknown id and a malformed id', async () => {
    server().clock.set(TUESDAY_0800);
    const booked = await book({ phone: '0701234567' });
    const attempts = [
      server().request('GET', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': 'wrong' } }),
      server().request('GET', `/api/callbacks/${booked.body.id}`),
      server().request('GET', '/api/callbacks/00000000-0000-4000-8000-000000000000', { headers: { 'X-Callback-Token': booked.body.token } }),
      server().request('GET', '/api/callbacks/not-a-uuid', { headers: { 'X-Callback-Token': booked.body.token } }),
      server().request('DELETE', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': 'wrong' } }),
    ];
    const bodies = new Set<string>();
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      bodies.add(JSON.stringify(res.body));
    }
    expect(bodies.size).toBe(1);
    const still = await server().request('GET', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': booked.body.token } });
    expect(still.body.status).toBe('booked');
  });

  it('does not accept one booking’s token for another', async () => {
    server().clock.set(TUESDAY_0800);
    const a = await book({ phone: '0701234567' });
    const b = await book({ phone: '0701234568' });
    const res = await server().request('DELETE', `/api/callbacks/${b.body.id}`, { headers: { 'X-Callback-Token': a.body.token } });
    expect(res.status).toBe(404);
  });
});

describe('unknown routes', () => {
  it('answer 404 in the error shape', async () => {
    const res = await server().request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
