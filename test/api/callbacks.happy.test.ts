// Booking, looking up and cancelling callbacks through the HTTP API, on a real database.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';

// Tuesday after Easter 2027, the first working day in summer time (+02:00).
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';


const server = useTestServer(TUESDAY_0800);

const book = (clinicId: string, body: Record<string, unknown> = { phone: '070-123 45 67' }, headers?: Record<string, string>) =>
  server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body, ...(headers ? { headers } : {}) });

describe('GET /api/clinics', () => {
  it('lists clinics with id, name, time zone, the fields a region sets later (null until then) and whether each takes bookings', async () => {
    const id = await server().addClinic({ name: 'Vårdcentralen Kungsör' });
    const res = await server().request('GET', '/api/clinics');
    expect(res.status).toBe(200);
    expect(res.body.clinics).toContainEqual({
      id,
      name: 'Vårdcentralen Kungsör',
      timezone: 'Europe/Stockholm',
      hsaId: null,
      town: null,
      municipality: null,
      phone: null,
      status: 'open',
      referral: null,
    });
  });
});

describe('GET /api/clinics/:id/slots', () => {
  it('lists the day’s 44 slots with offsets, and only future ones as available', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const res = await server().request('GET', `/api/clinics/${id}/slots?from=2027-03-30&to=2027-03-30`);
    expect(res.status).toBe(200);
    expect(res.body.slots).toHaveLength(44);
    expect(res.body.slots[0]).toEqual({ start: '2027-03-30T06:00:00+02:00', end: '2027-03-30T06:15:00+02:00', capacity: 2, available: 0 });
    // 08:00 is within the 5-minute notice; 08:15 is the first bookable slot.
    expect(res.body.slots.find((s: any) => s.start === '2027-03-30T08:00:00+02:00').available).toBe(0);
    expect(res.body.slots.find((s: any) => s.start === '2027-03-30T08:15:00+02:00').available).toBe(2);
    expect(res.body.slots.find((s: any) => s.start === '2027-03-30T12:00:00+02:00').capacity).toBe(1);
    expect(res.body.slots.at(-1).end).toBe('2027-03-30T17:00:00+02:00');
  });

  it('spans the Easter weekend with no slots on the holidays and winter offsets before the switch', async () => {
    server().clock.set('2027-03-24T08:00:00+01:00');
    const id = await server().addClinic();
    const res = await server().request('GET', `/api/clinics/${id}/slots?from=2027-03-25&to=2027-03-30`);
    const days = new Set(res.body.slots.map((s: any) => s.start.slice(0, 10)));
    expect([...days]).toEqual(['2027-03-25', '2027-03-30']);
    expect(res.body.slots[0].start).toBe('2027-03-25T06:00:00+01:00');
    expect(res.body.slots[44].start).toBe('2027-03-30T06:00:00+02:00');
  });

  it('shows a booked place as taken', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    await book(id, { phone: '0701234567', slotStart: '2027-03-30T09:00:00+02:00' });
    const res = await server().request('GET', `/api/clinics/${id}/slots?from=2027-03-30&to=2027-03-30`);
    expect(res.body.slots.find((s: any) => s.start === '2027-03-30T09:00:00+02:00').available).toBe(1);
  });
});

describe('POST /api/clinics/:id/callbacks', () => {
  it('books the earliest free slot today and tells the patient the clock time', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const res = await book(id, { phone: '070-123 45 67', name: 'Tolvan Tolvansson', personalIdentityNumber: '19121212-1212', reason: 'Hosta' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'booked',
      clinicId: id,
      slot: { start: '2027-03-30T08:15:00+02:00', end: '2027-03-30T08:30:00+02:00' },
      requestedAt: '2027-03-30T08:00:00+02:00',
      promise: 'Vi ringer dig mellan 08:15 och 08:30 tisdag 30 mars.',
    });
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const { rows } = await server().db.query<any>('SELECT * FROM callbacks WHERE id = $1', [res.body.id]);
    expect(rows[0]).toMatchObject({
      phone_e164: '+46701234567',
      personal_identity_number: '191212121212',
      channel: 'web',
      requested_before_cutoff: true,
      same_day_slot_free: true,
      patient_chose_later_day: false,
    });
    // Only a hash of the token is stored.
    expect(JSON.stringify(rows[0])).not.toContain(res.body.token);
  });

  it('fills a slot to its capacity before moving to the next one', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const starts = [];
    for (let i = 0; i < 3; i++) starts.push((await book(id)).body.slot.start);
    expect(starts).toEqual(['2027-03-30T08:15:00+02:00', '2027-03-30T08:15:00+02:00', '2027-03-30T08:30:00+02:00']);
  });

  it('records that the patient chose a later day although a same-day slot was free', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const res = await book(id, { phone: '+46701234567', slotStart: '2027-03-31T10:00:00+02:00' });
    expect(res.status).toBe(201);
    const { rows } = await server().db.query<any>('SELECT patient_chose_later_day, same_day_slot_free FROM callbacks WHERE id = $1', [res.body.id]);
    expect(rows[0]).toEqual({ patient_chose_later_day: true, same_day_slot_free: true });
  });

  it('accepts a named slot given in UTC and answers in local time', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const res = await book(id, { phone: '+46701234567', slotStart: '2027-03-30T08:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.slot.start).toBe('2027-03-30T10:00:00+02:00');
  });

  it('records the IVR channel when the phone line books', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const res = await book(id, { phone: '0046701234567', channel: 'ivr' });
    const { rows } = await server().db.query<any>('SELECT channel FROM callbacks WHERE id = $1', [res.body.id]);
    expect(rows[0].channel).toBe('ivr');
  });
});

describe('Idempotency-Key', () => {
  it('returns the same booking and token for the same key and body, taking no second place', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const body = { phone: '070-123 45 67', slotStart: '2027-03-30T11:00:00+02:00' };
    const first = await book(id, body, { 'Idempotency-Key': 'retry-1' });
    const second = await book(id, body, { 'Idempotency-Key': 'retry-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const { rows } = await server().db.query<any>('SELECT booked FROM slot_places WHERE clinic_id = $1', [id]);
    expect(rows).toEqual([{ booked: 1 }]);
  });

  it('answers a replay even after booking has closed for the day', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const first = await book(id, { phone: '070-123 45 67' }, { 'Idempotency-Key': 'late-retry' });
    server().clock.set('2027-03-30T17:30:00+02:00');
    const again = await book(id, { phone: '070-123 45 67' }, { 'Idempotency-Key': 'late-retry' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses the same key with another body (422)', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    await book(id, { phone: '070-123 45 67' }, { 'Idempotency-Key': 'k-2' });
    const res = await book(id, { phone: '070-765 43 21' }, { 'Idempotency-Key': 'k-2' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('idempotency_key_reused');
  });

  it('treats keys per clinic', async () => {
    server().clock.set(TUESDAY_0800);
    const a = await server().addClinic();
    const b = await server().addClinic();
    const ra = await book(a, { phone: '070-123 45 67' }, { 'Idempotency-Key': 'shared' });
    const rb = await book(b, { phone: '070-123 45 67' }, { 'Idempotency-Key': 'shared' });
    expect(rb.status).toBe(201);
    expect(rb.body.id).not.toBe(ra.body.id);
  });
});

describe('GET and DELETE /api/callbacks/:id', () => {
  it('shows the booking to the holder of its token', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const booked = await book(id);
    const res = await server().request('GET', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': booked.body.token } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: booked.body.id, status: 'booked', slot: booked.body.slot, cancelledAt: null });
  });

  it('cancels, frees exactly one place, and treats a second cancel as already done', async () => {
    server().clock.set(TUESDAY_0800);
    const id = await server().addClinic();
    const booked = await book(id, { phone: '0701234567', slotStart: '2027-03-30T14:00:00+02:00' });
    await book(id, { phone: '0701234568', slotStart: '2027-03-30T14:00:00+02:00' });
    server().clock.set('2027-03-30T09:30:00+02:00');
    const headers = { 'X-Callback-Token': booked.body.token };
    const first = await server().request('DELETE', `/api/callbacks/${booked.body.id}`, { headers });
    const second = await server().request('DELETE', `/api/callbacks/${booked.body.id}`, { headers });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'cancelled', cancelledAt: '2027-03-30T09:30:00+02:00' });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('cancelled');
    const { rows } = await server().db.query<any>('SELECT booked FROM slot_places WHERE clinic_id = $1', [id]);
    expect(rows).toEqual([{ booked: 1 }]);
    const shown = await server().request('GET', `/api/callbacks/${booked.body.id}`, { headers });
    expect(shown.body.status).toBe('cancelled');
  });
});
