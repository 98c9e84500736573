// The booking's writes (one statement: place, callback, confirmation SMS) under real concurrency, and refusals
// that leave nothing behind: no callback, no SMS row, no place taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/db/database.js';
import { ALL_BACKENDS, openTestDatabase, type Backend } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { until } from '../support/until.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const WEEKDAYS = [1, 2, 3, 4, 5];
/** Four 15-minute slots, 09:00–10:00, three places each. */
const THREE_PLACES_NINE_TO_TEN = [{ weekdays: WEEKDAYS, from: '09:00', to: '10:00', capacity: 3 }];
const NINE = '2027-03-30T09:00:00+02:00';
const NINE_FIFTEEN = '2027-03-30T09:15:00+02:00';

const phone = (i: number) => `070${String(2_000_000 + i).padStart(7, '0')}`;

/**
 * The database with a hook run just before a booking's reserve (the first statement writing slot_places inside a
 * transaction): what another booking does between this one's plan and its reserve.
 */
function withHookBeforeReserve(db: Database) {
  const hook: { run: ((tx: Queryable, running: () => Promise<unknown>) => Promise<unknown>) | null } = { run: null };
  const wrap = (tx: Queryable): Queryable => ({
    query: (sql, params, name) => {
      const run = hook.run;
      if (!run || !sql.includes('INSERT INTO slot_places')) return tx.query(sql, params, name);
      hook.run = null;
      return run(tx, () => tx.query(sql, params, name)) as never;
    },
    exec: (sql) => tx.exec(sql),
  });
  const hooked: Database = {
    ...db,
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    transactionStartingWith: (first, work, options) =>
      db.transactionStartingWith
        ? db.transactionStartingWith(first, (tx) => work(wrap(tx)), options)
        : db.transaction(async (tx) => {
            await tx.exec(first);
            return work(wrap(tx));
          }),
  };
  return { db: hooked, hook };
}

async function leftBehind(db: Queryable, clinicId: string) {
  const { rows } = await db.query<{ callbacks: number; sms: number; places: number; overbooked: number }>(
    `SELECT (SELECT count(*)::int FROM callbacks WHERE clinic_id = $1) AS callbacks,
            (SELECT count(*)::int FROM sms_messages m JOIN callbacks c ON c.id = m.callback_id WHERE c.clinic_id = $1) AS sms,
            (SELECT COALESCE(sum(booked), 0)::int FROM slot_places WHERE clinic_id = $1) AS places,
            (SELECT count(*)::int FROM slot_places p WHERE clinic_id = $1 AND booked >
               (SELECT count(*) FROM callbacks c WHERE c.clinic_id = p.clinic_id AND c.slot_start = p.slot_start AND c.status <> 'cancelled')) AS overbooked`,
    [clinicId],
  );
  return rows[0]!;
}

describe.each(ALL_BACKENDS)('on %s', (backend: Backend) => {
  let server: TestServer;
  let hook: ReturnType<typeof withHookBeforeReserve>['hook'];
  let plain: Database;
  beforeAll(async () => {
    plain = await openTestDatabase(backend);
    const hooked = withHookBeforeReserve(plain);
    hook = hooked.hook;
    server = await startTestServer(hooked.db, TUESDAY_0800);
  });
  afterAll(async () => {
    await server?.close();
    await plain?.close();
  });

  it('gives 50 simultaneous bookings at one clinic the 12 places of four 3-place slots in order, 3 in the first, none overbooked', async () => {
    const clinicId = await server.addClinic({ capacityRules: THREE_PLACES_NINE_TO_TEN, bookingHorizonDays: 1 });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(i) } })),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(12);
    const perSlot = new Map<string, number>();
    for (const r of created) perSlot.set(r.body.slot.start, (perSlot.get(r.body.slot.start) ?? 0) + 1);
    expect(perSlot.get(NINE)).toBe(3);
    expect([...perSlot.values()]).toEqual([3, 3, 3, 3]);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(38);
    expect(refused.every((r) => r.status === 409 && r.body.error.code === 'no_free_slot')).toBe(true);
    // Every 201 has its callback and its one SMS row; the counters agree with the callbacks.
    expect(await leftBehind(server.db, clinicId)).toEqual({ callbacks: 12, sms: 12, places: 12, overbooked: 0 });
    const { rows } = await server.db.query<{ slot_start: Date; booked: number; n: number }>(
      `SELECT p.slot_start, p.booked, (SELECT count(*)::int FROM callbacks c WHERE c.clinic_id = p.clinic_id AND c.slot_start = p.slot_start) AS n
         FROM slot_places p WHERE p.clinic_id = $1 ORDER BY p.slot_start`,
      [clinicId],
    );
    expect(rows.map((r) => [r.booked, r.n])).toEqual([[3, 3], [3, 3], [3, 3], [3, 3]]);
  });

  it('leaves nothing behind when the chosen slot fills between plan and reserve', async () => {
    const clinicId = await server.addClinic({ capacityRules: THREE_PLACES_NINE_TO_TEN });
    const first = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(100), slotStart: NINE } });
    expect(first.status).toBe(201);
    // Planned with two places free; before the reserve, both go (as to other patients' bookings).
    hook.run = async (tx, running) => {
      await tx.query('UPDATE slot_places SET booked = 3 WHERE clinic_id = $1 AND slot_start = $2', [clinicId, NINE]);
      return running();
    };
    const refused = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(101), slotStart: NINE } });
    expect(hook.run).toBeNull();
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('slot_full');
    const after = await leftBehind(server.db, clinicId);
    expect({ callbacks: after.callbacks, sms: after.sms, places: after.places }).toEqual({ callbacks: 1, sms: 1, places: 3 });
  });

  it('leaves nothing behind when the caller already holds a callback (rule 11), also when they ask ten times at once', async () => {
    const clinicId = await server.addClinic({ capacityRules: THREE_PLACES_NINE_TO_TEN, oneOpenCallbackPerCaller: true });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(200) } })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'already_booked')).toBe(true);
    const again = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(200) } });
    expect(again.status).toBe(409);
    expect(await leftBehind(server.db, clinicId)).toEqual({ callbacks: 1, sms: 1, places: 1, overbooked: 0 });
  });

  it.runIf(backend === 'postgres')('leaves nothing behind when a simultaneous booking takes the last place while this one waits for the slot', async () => {
    const clinicId = await server.addClinic({ capacityRules: THREE_PLACES_NINE_TO_TEN });
    for (const i of [300, 301]) {
      expect((await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(i), slotStart: NINE } })).status).toBe(201);
    }
    // Another transaction takes the last place and holds the row until this booking's statement waits for it;
    // the statement saw a free place in its snapshot, so only the re-check under the lock can refuse it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let taken!: (pid: number) => void;
    const lockTaken = new Promise<number>((resolve) => (taken = resolve));
    const other = plain.transaction(async (tx) => {
      await tx.query('UPDATE slot_places SET booked = booked + 1 WHERE clinic_id = $1 AND slot_start = $2', [clinicId, NINE]);
      taken((await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
      await held;
    });
    const otherPid = await lockTaken;
    let waited = false;
    hook.run = async (_tx, running) => {
      const statement = running();
      try {
        // Blocked by that very transaction: another test file's booking waiting on a lock of its own (the database
        // is shared) is not this one. Polled as long as a busy machine may take to get the statement there.
        await until(
          async () =>
            (
              await plain.query<{ n: number }>(
                "SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE '%INSERT INTO slot_places%'",
                [otherPid],
              )
            ).rows[0]!.n,
          (n) => n > 0,
          'the booking to wait for the slot',
          60_000,
        );
        waited = true;
      } finally {
        release();
      }
      return statement;
    };
    const refused = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(302), slotStart: NINE } });
    await other;
    expect(waited).toBe(true);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('slot_full');
    const after = await leftBehind(server.db, clinicId);
    expect({ callbacks: after.callbacks, sms: after.sms, places: after.places }).toEqual({ callbacks: 2, sms: 2, places: 3 });
  });

  it.runIf(backend === 'postgres')('keeps no lock on a slot it lost while it goes on to the next one', async () => {
    const clinicId = await server.addClinic({ capacityRules: THREE_PLACES_NINE_TO_TEN });
    for (const [i, slotStart] of [[400, NINE], [401, NINE], [402, NINE_FIFTEEN], [403, NINE_FIFTEEN]] as const) {
      expect((await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(i), slotStart } })).status).toBe(201);
    }
    // Two other transactions hold each slot's row: one takes 09:00's last place (committed when released), one
    // holds 09:15 (rolled back when released). The booking waits on 09:00, loses it, then waits on 09:15.
    const holding = (slotStart: string, outcome: 'commit' | 'rollback') => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let pid!: (n: number) => void;
      const locked = new Promise<number>((resolve) => (pid = resolve));
      const done = plain
        .transaction(async (tx) => {
          await tx.query('UPDATE slot_places SET booked = booked + 1 WHERE clinic_id = $1 AND slot_start = $2', [clinicId, slotStart]);
          pid((await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
          await released;
          if (outcome === 'rollback') throw new Error('rolled back');
        })
        .catch((error: Error) => {
          if (error.message !== 'rolled back') throw error;
        });
      return { locked, release, done };
    };
    // As long as a busy machine may take to get the booking's statement to the lock (until fails naming it).
    const waitingOn = async (pid: number) =>
      (await until(
        async () => (await plain.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows[0]!.n,
        (n) => n > 0,
        `a statement blocked by ${pid}`,
        60_000,
      )) > 0;
    const nine = holding(NINE, 'commit');
    const quarterPast = holding(NINE_FIFTEEN, 'rollback');
    const [ninePid, quarterPastPid] = await Promise.all([nine.locked, quarterPast.locked]);
    const booking = server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phone(404) } });
    expect(await waitingOn(ninePid)).toBe(true);
    nine.release();
    await nine.done;
    expect(await waitingOn(quarterPastPid)).toBe(true);
    // The booking's transaction is still open, waiting for 09:15: 09:00's row, lost, is free for others.
    const lostRowFree = await plain
      .transaction((tx) => tx.query('SELECT 1 FROM slot_places WHERE clinic_id = $1 AND slot_start = $2 FOR UPDATE NOWAIT', [clinicId, NINE]))
      .then(() => true, (error: { code?: string }) => (error.code === '55P03' ? false : Promise.reject(error)));
    quarterPast.release();
    await quarterPast.done;
    const booked = await booking;
    expect(lostRowFree).toBe(true);
    expect(booked.status).toBe(201);
    expect(booked.body.slot.start).toBe(NINE_FIFTEEN);
    const after = await leftBehind(server.db, clinicId);
    expect({ callbacks: after.callbacks, sms: after.sms, places: after.places }).toEqual({ callbacks: 5, sms: 5, places: 6 });
  });
});
