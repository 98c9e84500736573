// Capacity and cancellation hold under real concurrency: many HTTP requests at once against a real database.
import { describe, expect, it } from 'vitest';
import { ALL_BACKENDS } from '../support/database.js';
import { useTestServer } from '../support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const WEEKDAYS = [1, 2, 3, 4, 5];
/** One 15-minute slot a day, 09:00–09:15, with ten places. */
const TEN_PLACES_AT_NINE = [{ weekdays: WEEKDAYS, from: '09:00', to: '09:15', capacity: 10 }];

describe.each(ALL_BACKENDS)('on %s', (backend) => {
  const server = useTestServer(TUESDAY_0800, backend);

  async function bookedIn(clinicId: string) {
    const places = await server().db.query<{ booked: number }>('SELECT booked FROM slot_places WHERE clinic_id = $1', [clinicId]);
    const callbacks = await server().db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM callbacks WHERE clinic_id = $1 AND status = 'booked'",
      [clinicId],
    );
    return { places: places.rows.map((r) => r.booked), callbacks: callbacks.rows[0]!.n };
  }

  it.each([1, 2, 3])('gives exactly 10 of 200 simultaneous bookings of one 10-place slot a place (round %i)', async () => {
    const clinicId = await server().addClinic({ capacityRules: TEN_PLACES_AT_NINE });
    const slotStart = '2027-03-30T09:00:00+02:00';
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        server().request('POST', `/api/clinics/${clinicId}/callbacks`, {
          body: { phone: `070${String(1_000_000 + i).padStart(7, '0')}`, slotStart },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'slot_full')).toBe(true);
    expect(await bookedIn(clinicId)).toEqual({ places: [10], callbacks: 10 });
  });

  it('gives exactly 10 of 200 simultaneous "earliest free slot" bookings a place when only 10 exist', async () => {
    const clinicId = await server().addClinic({ capacityRules: TEN_PLACES_AT_NINE, bookingHorizonDays: 1 });
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(10);
    expect(new Set(created.map((r) => r.body.slot.start))).toEqual(new Set(['2027-03-30T09:00:00+02:00']));
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'no_free_slot')).toBe(true);
    expect(responses.some((r) => r.status >= 500)).toBe(false);
    expect(await bookedIn(clinicId)).toEqual({ places: [10], callbacks: 10 });
  });

  it('frees exactly one place when the same cancellation arrives ten times at once', async () => {
    const clinicId = await server().addClinic({ capacityRules: TEN_PLACES_AT_NINE });
    const slotStart = '2027-03-30T09:00:00+02:00';
    const bookings: any[] = [];
    for (let i = 0; i < 3; i++) {
      bookings.push((await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', slotStart } })).body);
    }
    const cancels = await Promise.all(
      Array.from({ length: 10 }, () =>
        server().request('DELETE', `/api/callbacks/${bookings[0].id}`, { headers: { 'X-Callback-Token': bookings[0].token } }),
      ),
    );
    expect(cancels.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(cancels.every((r) => r.body.status === 'cancelled')).toBe(true);
    expect(await bookedIn(clinicId)).toEqual({ places: [2], callbacks: 2 });
  });

  it('creates one booking when the same Idempotency-Key arrives twenty times at once', async () => {
    const clinicId = await server().addClinic({ capacityRules: TEN_PLACES_AT_NINE });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        server().request('POST', `/api/clinics/${clinicId}/callbacks`, {
          body: { phone: '0701234567' },
          headers: { 'Idempotency-Key': 'double-click' },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await bookedIn(clinicId)).toEqual({ places: [1], callbacks: 1 });
  });
});
