// PostgreSQL stopped twice (shut down, then crashed) while patients book, on a server of this test's own: every answer is 201 or a quick
// 503 with Retry-After, never a 500 or a hang; nothing is half-written; every 201 is in the database; bookings
// succeed again once it is back, without restarting the app; and the log says so once per outage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { createOutageMonitor } from '../../src/ops/outage.js';
import { missingBinaries, startPrivatePostgres, startPrivateRedis, type PrivateService } from '../support/privateServices.js';
import { waitFor } from '../workers/support.js';
import { call, captureLog, startFaultApp, type Answer, type FaultApp } from './app.js';

const missing = missingBinaries();
const OUTAGES = 2;
/** Patients booking at once; each pauses a moment between bookings, as a stream of people does. */
const CLIENTS = 3;

let pg: PrivateService | undefined;
let redis: PrivateService | undefined;
let db: Database | undefined;
let app: FaultApp | undefined;
const log = captureLog();
/** In production an uncaught exception ends the API process: the app must survive the outage, not just answer. */
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  if (missing) return;
  process.on('uncaughtException', recordUncaught);
  pg = await startPrivatePostgres();
  redis = await startPrivateRedis();
  // As src/db/open.ts does it: the pool reports outages to a monitor that logs once per outage.
  db = openPostgres(pg.url, 10, createOutageMonitor(log.logger, 'database'));
  await migrate(db);
  app = await startFaultApp({ db, redisUrl: redis.url, now: '2027-03-30T07:00:00+02:00', logger: log.logger });
});

afterAll(async () => {
  process.off('uncaughtException', recordUncaught);
  await app?.close();
  await db?.close().catch(() => undefined);
  await redis?.dispose();
  await pg?.dispose();
});

interface Sent {
  key: string;
  phone: string;
  /** 0 before the first outage, then odd while PostgreSQL is down and even after it is back. */
  phase: number;
  answer: Answer;
}

describe('PostgreSQL stopped while bookings flow', () => {
  it.skipIf(Boolean(missing))(
    `answers 201 or 503 (Retry-After), writes nothing by halves, and takes bookings again when it is back${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      const clinicId = await app!.addClinic({ capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 100 }] });
      const path = `/api/clinics/${clinicId}/callbacks`;
      const sent: Sent[] = [];
      let phase = 0;
      let next = 0;
      let flowing = true;
      const book = (key: string, phone: string) => call(app!.baseUrl, 'POST', path, { body: { phone }, headers: { 'Idempotency-Key': key } });
      const patient = async () => {
        while (flowing) {
          const i = next++;
          const key = `booking-${i}`;
          const phone = `070${String(1_000_000 + i)}`;
          const at = phase;
          sent.push({ key, phone, phase: at, answer: await book(key, phone) });
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      const logged = (text: string) => log.lines.filter((l) => l.includes(text)).length;
      const answered = (status: number, inPhase: number) => sent.filter((s) => s.phase === inPhase && s.answer.status === status).length;

      const patients = Array.from({ length: CLIENTS }, patient);
      try {
        for (let outage = 1; outage <= OUTAGES; outage++) {
          await waitFor(`bookings to be taken (phase ${phase})`, () => answered(201, phase) >= 10, 60_000);
          phase += 1;
          // The first outage a shutdown that cuts connections, the second a crash.
          await pg!.stop(outage === 1 ? 'fast' : 'immediate');
          await waitFor(`503s while PostgreSQL is down (outage ${outage})`, () => answered(503, phase) >= 5, 60_000);
          await pg!.start();
          phase += 1;
          // The end of an outage is logged once bookings have gone through for a moment (src/ops/outage.ts).
          await waitFor(`the end of outage ${outage} to be logged`, () => logged('database reachable again') >= outage, 60_000);
        }
        await waitFor('bookings to be taken after the last outage', () => answered(201, phase) >= 10, 60_000);
      } finally {
        flowing = false;
        await Promise.all(patients);
      }

      // The process lived through both outages: a connection cut while it was checked out was no uncaught error.
      expect(uncaught.map(String)).toEqual([]);
      // Every answer was a booking or a quick, well-formed 503: never a 500, never a hang (status 0).
      const odd = sent.filter((s) => s.answer.status !== 201 && s.answer.status !== 503);
      expect(odd.map((s) => ({ status: s.answer.status, body: s.answer.body, ms: s.answer.ms }))).toEqual([]);
      const unavailable = sent.filter((s) => s.answer.status === 503);
      for (const s of unavailable) {
        expect(s.answer.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(s.answer.body).toEqual({ error: { code: 'service_unavailable', message: expect.any(String), details: { retryAfterSeconds: expect.any(Number) } } });
      }
      for (let p = 1; p <= 2 * OUTAGES; p += 2) expect(answered(503, p), `503s in outage ${(p + 1) / 2}`).toBeGreaterThanOrEqual(5);

      // A patient whose booking got a 503 tries again with the same Idempotency-Key: booked now, or the
      // booking that was in fact made is returned. No booking is lost and none is made twice.
      const retried = await Promise.all(unavailable.map(async (s) => ({ s, answer: await book(s.key, s.phone) })));
      expect(retried.filter((r) => r.answer.status !== 201).map((r) => r.answer.body)).toEqual([]);

      const { rows: callbacks } = await db!.query<{ id: string; idempotency_key: string }>('SELECT id, idempotency_key FROM callbacks WHERE clinic_id = $1', [clinicId]);
      const idByKey = new Map(callbacks.map((c) => [c.idempotency_key, c.id]));
      expect(callbacks).toHaveLength(sent.length);
      expect(idByKey.size).toBe(sent.length);
      for (const s of sent.filter((x) => x.answer.status === 201)) expect(idByKey.get(s.key), s.key).toBe(s.answer.body.id);
      for (const r of retried) expect(idByKey.get(r.s.key), r.s.key).toBe(r.answer.body.id);

      // Nothing half-written: each booking has its confirmation SMS, and each slot's count is its bookings.
      const { rows: withoutSms } = await db!.query(
        `SELECT c.id FROM callbacks c
          WHERE c.clinic_id = $1
            AND (SELECT count(*) FROM sms_messages m WHERE m.callback_id = c.id AND m.kind = 'booking_confirmation') <> 1`,
        [clinicId],
      );
      expect(withoutSms).toEqual([]);
      const { rows: countsOff } = await db!.query(
        `SELECT coalesce(p.slot_start, c.slot_start) AS slot, p.booked, c.open
           FROM (SELECT slot_start, booked FROM slot_places WHERE clinic_id = $1) p
           FULL JOIN (SELECT slot_start, count(*)::int AS open FROM callbacks WHERE clinic_id = $1 AND status <> 'cancelled' GROUP BY slot_start) c
             ON p.slot_start = c.slot_start
          WHERE coalesce(p.booked, 0) <> coalesce(c.open, 0)`,
        [clinicId],
      );
      expect(countsOff).toEqual([]);

      // One line when each outage began and one when it ended, not one per failed request; nothing unexpected.
      const lines = (text: string) => log.lines.filter((l) => l.includes(text)).length;
      expect(lines('database unreachable')).toBe(OUTAGES);
      expect(lines('database reachable again')).toBe(OUTAGES);
      expect(log.lines.filter((l) => l.includes('unhandled error'))).toEqual([]);
      console.info(`${sent.length} bookings sent: ${sent.length - unavailable.length} booked at once, ${unavailable.length} answered 503 and booked on retry`);
    },
    240_000,
  );

  it.skipIf(Boolean(missing))('survives a transaction’s connection cut between two statements, and answers the next one with 503', async () => {
    const admin = openPostgres(pg!.url, 1);
    try {
      const before = uncaught.length;
      const outcome = await db!
        .transaction(async (tx) => {
          const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          // The backend is gone, so its goodbye is already on the wire: a few turns of the event loop deliver it
          // to the client while no statement of ours is running, which is when it used to be an uncaught error.
          await waitFor('the backend to exit', async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [rows[0]!.pid])).rowCount === 0, 30_000);
          for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
          await tx.query('SELECT 1');
        })
        .then(
          () => 'committed',
          (error: Error) => error.constructor.name,
        );
      expect(outcome).toBe('DatabaseUnavailable');
      expect(uncaught.slice(before).map(String)).toEqual([]);
      // The pool dropped the broken connection: the next statement works.
      expect((await db!.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.close();
    }
  });
});
