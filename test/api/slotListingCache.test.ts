// Slot listings are cached per process (issue 11) and must never be served stale: a place taken or freed by any
// writer (another app's booking, a cancellation, plain SQL) reaches every app's listing through migration 014's
// NOTIFY; time moving a slot within the minimum notice drops it; a killed listener connection makes the cache forget.
// Two composed apps over one database: two PostgreSQL handles, or one shared PGlite handle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database.js';
import { ALL_BACKENDS, type Backend } from '../support/database.js';
import { listenerPid, silently, startTwoApps } from '../support/twoApps.js';
import { until } from '../support/until.js';
import { useTestServer, type TestServer } from '../support/server.js';

// Tuesday 30 March 2027, 08:00 in Stockholm; Wednesday 7 April is an ordinary working day (2 places a slot, 1 at lunch).
const NOW = '2027-03-30T08:00:00+02:00';
const DAY = '2027-04-07';
const TEN = `${DAY}T10:00:00+02:00`;
const ELEVEN = `${DAY}T11:00:00+02:00`;

/** Free places per slot start (as listed, +02:00) on `date`. */
async function available(s: TestServer, clinicId: string, date = DAY): Promise<Record<string, number>> {
  const res = await s.request('GET', `/api/clinics/${clinicId}/slots?from=${date}&to=${date}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries((res.body.slots as { start: string; available: number }[]).map((slot) => [slot.start, slot.available]));
}

async function book(s: TestServer, clinicId: string, slotStart: string): Promise<{ id: string; token: string }> {
  const res = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-123 45 67', slotStart } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe.each(ALL_BACKENDS)('slot listings cached across processes on %s', (backend: Backend) => {
  let a: TestServer;
  let b: TestServer;
  let dbs: Database[] = [];
  let close = async () => undefined as void;
  const aName = `slots-a-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    ({ a, b, dbs, close } = await startTwoApps(backend, [aName, 'slots-b'], NOW));
  });
  afterAll(() => close());

  /**
   * Waits until a serves `clinicId`'s listing from its cache (its listener may still be connecting after start, and
   * nothing made while deaf is kept): a write nobody is told of (a place taken at 11:00) is then not seen. Leaves that
   * silent place in the database, and a's listing without it.
   */
  async function heldByA(clinicId: string) {
    const setEleven = (booked: number) =>
      silently(
        dbs[0]!,
        'INSERT INTO slot_places (clinic_id, slot_start, slot_end, booked) VALUES ($1, $2, $3, $4) ON CONFLICT (clinic_id, slot_start) DO UPDATE SET booked = EXCLUDED.booked',
        [clinicId, ELEVEN, `${DAY}T11:15:00+02:00`, booked],
      );
    await until(
      async () => {
        await setEleven(0);
        const first = (await available(a, clinicId))[ELEVEN];
        await setEleven(1);
        return [first, (await available(a, clinicId))[ELEVEN]];
      },
      ([first, second]) => first === 2 && second === 2,
      'a to serve its cached listing over a silent write',
    );
  }

  it('shows a place another app booked, and really serves from its cache meanwhile', async () => {
    const clinicId = await a.addClinic();
    const before = await available(a, clinicId);
    expect(before[TEN]).toBe(2);
    expect(before[`${DAY}T12:00:00+02:00`]).toBe(1);
    // Held, so what follows proves that the booking, not a cache miss, had the listing made again.
    await heldByA(clinicId);

    await book(b, clinicId, TEN);
    const after = await until(() => available(a, clinicId), (slots) => slots[TEN] === 1, "a to show b's booking");
    // The whole listing is made again: the silent place comes along.
    expect(after[ELEVEN]).toBe(1);
  });

  it('shows places freed or taken by plain SQL and by a cancellation', async () => {
    const clinicId = await a.addClinic();
    const booked = await book(b, clinicId, TEN);
    await until(() => available(a, clinicId), (slots) => slots[TEN] === 1, 'the booking');

    await dbs.at(-1)!.query('UPDATE slot_places SET booked = 2 WHERE clinic_id = $1 AND slot_start = $2', [clinicId, TEN]);
    await until(() => available(a, clinicId), (slots) => slots[TEN] === 0, 'an UPDATE filling the slot');
    await dbs.at(-1)!.query('DELETE FROM slot_places WHERE clinic_id = $1 AND slot_start = $2', [clinicId, TEN]);
    await until(() => available(a, clinicId), (slots) => slots[TEN] === 2, 'a DELETE freeing the slot');

    await dbs.at(-1)!.query('INSERT INTO slot_places (clinic_id, slot_start, slot_end, booked) VALUES ($1, $2, $3, 1)', [clinicId, TEN, `${DAY}T10:15:00+02:00`]);
    await until(() => available(a, clinicId), (slots) => slots[TEN] === 1, 'an INSERT taking a place');
    const cancel = await b.request('DELETE', `/api/callbacks/${booked.id}`, { headers: { 'X-Callback-Token': booked.token } });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await until(() => available(a, clinicId), (slots) => slots[TEN] === 2, 'the cancellation freeing its place');
  });

  it('drops a slot from a listing cached earlier once time brings it within the minimum notice', async () => {
    const clinicId = await a.addClinic({ minNoticeMinutes: 30 });
    const today = '2027-03-30';
    const at = (time: string) => `${today}T${time}:00+02:00`;
    a.clock.set(NOW);
    try {
      await until(() => available(a, clinicId, today), (slots) => slots[at('08:30')] === 2, "today's listing");
      // Cached at 08:00: 08:30 is bookable up to and including 08:00 (exactly 30 minutes' notice).
      expect((await available(a, clinicId, today))[at('08:15')]).toBe(0);
      a.clock.set('2027-03-30T08:00:00.001+02:00');
      const slots = await available(a, clinicId, today);
      expect(slots[at('08:30')]).toBe(0);
      expect(slots[at('08:45')]).toBe(2);
      a.clock.set('2027-03-30T08:14:59.999+02:00');
      expect((await available(a, clinicId, today))[at('08:45')]).toBe(2);
      a.clock.set('2027-03-30T08:15:00.001+02:00');
      expect((await available(a, clinicId, today))[at('08:45')]).toBe(0);
      // The 14-day horizon ends on 12 April today; 13 April, listed (and held) now, joins it when today ends.
      const far = '2027-04-13';
      const farEight = `${far}T08:00:00+02:00`;
      expect((await available(a, clinicId, far))[farEight]).toBe(0);
      a.clock.set('2027-03-30T23:59:59.999+02:00');
      expect((await available(a, clinicId, far))[farEight]).toBe(0);
      a.clock.set('2027-03-31T00:00:00.000+02:00');
      expect((await available(a, clinicId, far))[farEight]).toBe(2);
    } finally {
      a.clock.set(NOW);
    }
  });

  it.skipIf(backend !== 'postgres')('serves a place booked while its listener connection was dead, and after it is back', async () => {
    const clinicId = await b.addClinic();
    const admin = dbs.at(-1)!;
    const before = await listenerPid(admin, aName, 'slot_places_changed', "a's slot places listener");
    await heldByA(clinicId);

    await admin.query('SELECT pg_terminate_backend($1)', [before]);
    // Booked while a cannot hear: its NOTIFY is lost to a, which must still not serve what it cached before.
    await book(b, clinicId, TEN);
    const deaf = await until(() => available(a, clinicId), (slots) => slots[TEN] === 1, 'a to show the booking made while its listener was dead');
    expect(deaf[ELEVEN]).toBe(1);

    const after = await listenerPid(admin, aName, 'slot_places_changed', "a's listener to come back", before);
    expect(after).not.toBe(before);
    // Listening again, a must not fall back on a listing from before the connection died.
    for (let i = 0; i < 10; i++) expect((await available(a, clinicId))[TEN]).toBe(1);
    await book(b, clinicId, TEN);
    await until(() => available(a, clinicId), (slots) => slots[TEN] === 0, 'a booking after the reconnect to be shown');
  });
});

describe('an app’s own bookings and cancellations', () => {
  // A feed that listens but never delivers: only the app's own forgetting can show its writes.
  const server = useTestServer(NOW, undefined, { slotPlacesChanges: { listening: true, subscribe: () => undefined } });

  it('reach its own listing at once, without the notification', async () => {
    const clinicId = await server().addClinic();
    expect((await available(server(), clinicId))[TEN]).toBe(2);
    const booked = await book(server(), clinicId, TEN);
    expect((await available(server(), clinicId))[TEN]).toBe(1);
    const cancelled = await server().request('DELETE', `/api/callbacks/${booked.id}`, { headers: { 'X-Callback-Token': booked.token } });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect((await available(server(), clinicId))[TEN]).toBe(2);
  });
});
