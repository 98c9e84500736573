// Rebooking (ombokning): the patient moves a booking; the place and the due job move with it.
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobIds, QUEUES } from '../../src/queue/contract.js';
import { useTestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const server = useTestServer(TUESDAY_0800);

async function bookAt(clinicId: string, slotStart: string) {
  const res = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', slotStart } });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string };
}
const move = (cb: { id: string; token: string }, slotStart: string) =>
  server().request('PUT', `/api/callbacks/${cb.id}/slot`, { body: { slotStart }, headers: { 'X-Callback-Token': cb.token } });
const places = async (clinicId: string) =>
  Object.fromEntries(
    (await server().db.query<{ slot_start: Date; booked: number }>('SELECT slot_start, booked FROM slot_places WHERE clinic_id = $1', [clinicId])).rows.map(
      (r) => [r.slot_start.toISOString(), r.booked],
    ),
  );

describe('PUT /api/callbacks/:id/slot', () => {
  it('takes the new place, frees the old one, and moves the due job', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic();
    const cb = await bookAt(clinicId, '2027-03-30T09:00:00+02:00');
    const res = await move(cb, '2027-03-30T11:00:00+02:00');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'booked', slot: { start: '2027-03-30T11:00:00+02:00', end: '2027-03-30T11:15:00+02:00' } });
    expect(await places(clinicId)).toEqual({ '2027-03-30T07:00:00.000Z': 0, '2027-03-30T09:00:00.000Z': 1 });
    const queue = new Queue(QUEUES.callbackDue.name, { connection: server().redis, prefix: server().queuePrefix });
    const job = await queue.getJob(jobIds.callbackDue(cb.id, 0));
    // Due at 11:00 local, three hours after the manual clock's 08:00.
    expect(job?.opts.delay).toBe(3 * 3600 * 1000);
    await queue.close();
  });

  it('records a move to a later day as the patient’s choice when a same-day slot was free', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic();
    const cb = await bookAt(clinicId, '2027-03-30T09:00:00+02:00');
    await move(cb, '2027-03-31T09:00:00+02:00');
    const { rows } = await server().db.query<any>('SELECT patient_chose_later_day FROM callbacks WHERE id = $1', [cb.id]);
    expect(rows[0].patient_chose_later_day).toBe(true);
  });

  it('refuses a full slot and keeps the old booking', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic({ capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 1 }] });
    const cb = await bookAt(clinicId, '2027-03-30T09:00:00+02:00');
    await bookAt(clinicId, '2027-03-30T10:00:00+02:00');
    const res = await move(cb, '2027-03-30T10:00:00+02:00');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('slot_full');
    const shown = await server().request('GET', `/api/callbacks/${cb.id}`, { headers: { 'X-Callback-Token': cb.token } });
    expect(shown.body.slot.start).toBe('2027-03-30T09:00:00+02:00');
  });

  it('refuses once a nurse has claimed the callback', async () => {
    server().clock.set(TUESDAY_0800);
    const clinicId = await server().addClinic();
    const nurse = await server().addStaff('nurse', [clinicId]);
    const cb = await bookAt(clinicId, '2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:16:00+02:00');
    await server().request('POST', `/api/staff/clinics/${clinicId}/queue/claim`, { headers: { Authorization: nurse } });
    const res = await move(cb, '2027-03-30T11:00:00+02:00');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_cancellable');
  });
});
