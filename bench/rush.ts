// `npm run bench:rush`: the 06:00 rush (issue 11). 30 clinics, 10,000 patients as fast as the machine allows at a
// fixed number in flight; each patient lists today's slots at one clinic, then books: most with a plain POST
// (the earliest free slot, so all aim at the first slots), every fourth naming one of the first listed slots
// with room (some of those lose the race: 409 slot_full). Prints throughput, the booking's p50/p99 and the
// status counts, then verifies from the database and Redis: no slot overbooked, every 201 has exactly one stored
// callback, one confirmation SMS row, one due job and one SMS job, and every refusal left none of them behind.
// Ends with the API's RSS. Exits non-zero on any correctness failure.
//
//   npm run bench:rush -- [--patients 10000] [--clinics 30] [--capacity 4] [--concurrency 100]
//                         [--api-processes 1|2] [--db pg|pglite]
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { jobIds, QUEUES } from '../src/queue/contract.js';
import {
  BENCH_DATE,
  benchClinic,
  benchPhone,
  checkSlots,
  createBenchDatabase,
  deleteRedisKeys,
  queuePrefix,
  REDIS_URL,
  startApi,
  type DbKind,
} from './support/app.js';
import { formatStatuses, percentile } from './support/load.js';
import type { ServerProcess } from './support/server.js';

const { values: args } = parseArgs({
  options: {
    patients: { type: 'string', default: '10000' },
    clinics: { type: 'string', default: '30' },
    // 4 places in each of a day's 36 slots: ~140 a clinic today, the rest of its ~333 patients go to tomorrow.
    capacity: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '100' },
    'api-processes': { type: 'string', default: '1' },
    db: { type: 'string', default: process.env.DATABASE_URL ? 'pg' : 'pglite' },
  },
});
const PATIENTS = Number(args.patients);
const CLINICS = Number(args.clinics);
const CAPACITY = Number(args.capacity);
const CONCURRENCY = Number(args.concurrency);
const API_PROCESSES = Number(args['api-processes']);
const KIND = args.db as DbKind;

interface Booking {
  status: number;
  ms: number;
  /** The callback's id (201) or the error code. */
  id?: string;
  code?: string;
}

interface SlotView {
  start: string;
  available: number;
}

/** The answer's JSON, or its first characters when it is not JSON. */
async function readJson(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: `not JSON: ${text.slice(0, 80)}` } };
  }
}

/**
 * One patient: today's slots at the clinic, then a booking, plain or of a listed slot. A failed listing or
 * connection is counted as the patient's answer (status 0 or the listing's status), never thrown: the rush goes
 * on and the status counts show it.
 */
async function patient(n: number, baseUrl: string, clinicId: string): Promise<Booking> {
  let started = performance.now();
  try {
    const listed = await fetch(`${baseUrl}/api/clinics/${clinicId}/slots?from=${BENCH_DATE}&to=${BENCH_DATE}`);
    const listing = await readJson(listed);
    if (listed.status !== 200) return { status: listed.status, ms: NaN, code: `listing: ${listing.error?.code}` };
    const open = (listing.slots as SlotView[]).filter((s) => s.available > 0).slice(0, 3);
    const chosen = n % 4 === 0 && open.length ? open[n % open.length]!.start : undefined;
    const body = JSON.stringify({ phone: benchPhone(n), name: 'Bench Patient', reason: 'Feber sedan i går', ...(chosen ? { slotStart: chosen } : {}) });
    started = performance.now();
    const res = await fetch(`${baseUrl}/api/clinics/${clinicId}/callbacks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = await readJson(res);
    return { status: res.status, ms: performance.now() - started, id: answer.id, code: answer.error?.code };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    return { status: 0, ms: performance.now() - started, code: cause };
  }
}

async function rush(apis: ServerProcess[], clinicIds: string[]): Promise<{ bookings: Booking[]; seconds: number }> {
  const bookings: Booking[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = next++; n < PATIENTS; n = next++) {
        bookings.push(await patient(n, apis[n % apis.length]!.url, clinicIds[n % clinicIds.length]!));
      }
    }),
  );
  return { bookings, seconds: (performance.now() - started) / 1000 };
}

/** Polls until `check` holds (the API adds jobs after each commit; all have answered, but be generous). */
async function eventually<T>(read: () => Promise<T>, holds: (t: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function verifyRedis(prefix: string, ids: string[], problems: string[]): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const due = new Queue(QUEUES.callbackDue.name, { connection: redis, prefix });
  const sms = new Queue(QUEUES.sms.name, { connection: redis, prefix });
  try {
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const dueJobs = total(await eventually(() => due.getJobCounts(), (c) => total(c) >= ids.length));
    const smsJobs = total(await eventually(() => sms.getJobCounts(), (c) => total(c) >= ids.length));
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.exists(`${prefix}:${QUEUES.callbackDue.name}:${jobIds.callbackDue(id, 0)}`);
    const missing = (await pipeline.exec())!.filter(([error, found]) => error || found !== 1).length;
    console.log(`redis: ${dueJobs} due jobs (${missing} of the 201s without theirs), ${smsJobs} SMS jobs`);
    if (missing) problems.push(`${missing} booked callbacks have no due job`);
    if (dueJobs !== ids.length) problems.push(`${dueJobs} due jobs for ${ids.length} bookings`);
    if (smsJobs !== ids.length) problems.push(`${smsJobs} SMS jobs for ${ids.length} bookings`);
  } finally {
    await due.close();
    await sms.close();
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  if (!['pg', 'pglite'].includes(KIND)) throw new Error('--db must be pg or pglite');
  if (KIND === 'pg' && !process.env.DATABASE_URL) throw new Error('--db pg needs DATABASE_URL');
  if (![1, 2].includes(API_PROCESSES)) throw new Error('--api-processes must be 1 or 2');
  if (API_PROCESSES > 1 && KIND === 'pglite') throw new Error('PGlite has one owning process: --api-processes 2 needs --db pg');
  const clinicIds = Array.from({ length: CLINICS }, (_, i) => `bench-rush-${String(i + 1).padStart(2, '0')}`);
  const db = await createBenchDatabase(KIND, 'rush', clinicIds.map((id) => benchClinic(id, CAPACITY)));
  const prefix = queuePrefix('rush');
  const problems: string[] = [];
  try {
    const apis: ServerProcess[] = [];
    let result: { bookings: Booking[]; seconds: number };
    const rss: string[] = [];
    try {
      for (let i = 0; i < API_PROCESSES; i++) apis.push(await startApi(db, prefix));
      console.log(
        `bench:rush on ${KIND}: ${PATIENTS} patients over ${CLINICS} clinics (${CAPACITY} places a slot), ${CONCURRENCY} in flight, ` +
          `${API_PROCESSES} API process${API_PROCESSES > 1 ? 'es' : ''}`,
      );
      result = await rush(apis, clinicIds);
      for (const api of apis) rss.push(`${api.rssMiB().toFixed(0)} MiB (pid ${api.pid})`);
    } finally {
      for (const api of apis) await api.stop();
    }
    const { bookings, seconds } = result;
    const statuses: Record<string, number> = {};
    for (const b of bookings) {
      const key = b.status === 201 ? '201' : `${b.status} ${b.code ?? '?'}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    const booked = bookings.filter((b) => b.status === 201);
    const refused = bookings.filter((b) => b.status === 409);
    const other = bookings.length - booked.length - refused.length;
    if (other) problems.push(`${other} answers were neither 201 nor 409`);
    // The booking request's time, of the patients whose booking was sent and answered.
    const ms = bookings.filter((b) => b.status >= 200 && !Number.isNaN(b.ms)).map((b) => b.ms);

    const ids = booked.map((b) => b.id!);
    if (new Set(ids).size !== ids.length) problems.push('two 201s carried the same callback id');
    const conn = await db.open();
    try {
      const slots = await checkSlots(conn);
      const stored = (await conn.query<{ id: string }>('SELECT id FROM callbacks')).rows.map((r) => r.id);
      const storedSet = new Set(stored);
      const smsRows = (await conn.query<{ callback_id: string; n: number }>(
        `SELECT callback_id, count(*)::int AS n FROM sms_messages WHERE kind = 'booking_confirmation' GROUP BY callback_id`,
      )).rows;
      const smsBy = new Map(smsRows.map((r) => [r.callback_id, r.n]));
      const smsTotal = (await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM sms_messages')).rows[0]!.n;
      const turnedAway = (await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM web_booking_refusals')).rows[0]!.n;
      const unstored = ids.filter((id) => !storedSet.has(id)).length;
      const withoutSms = ids.filter((id) => smsBy.get(id) !== 1).length;
      console.log(
        `database: ${stored.length} callbacks, ${smsTotal} SMS rows, ${slots.slots} slots holding ${slots.booked} places, ` +
          `${slots.overbooked} overbooked, ${slots.mismatched} counters disagreeing; ${turnedAway} refusals counted for the measures`,
      );
      if (slots.overbooked) problems.push(`${slots.overbooked} overbooked slots`);
      if (slots.mismatched) problems.push(`${slots.mismatched} slot counters disagree with their callbacks`);
      if (unstored) problems.push(`${unstored} 201s have no stored callback`);
      if (withoutSms) problems.push(`${withoutSms} 201s have not exactly one confirmation SMS`);
      // Totals equal to the 201s: the refusals left no callback or SMS behind.
      if (stored.length !== ids.length) problems.push(`${stored.length} callbacks stored for ${ids.length} 201s`);
      if (smsTotal !== ids.length) problems.push(`${smsTotal} SMS rows for ${ids.length} 201s`);
    } finally {
      await conn.close();
    }
    await verifyRedis(prefix, ids, problems);

    console.log(`\nstatus counts: ${formatStatuses(statuses)}`);
    console.log(`API RSS after the rush: ${rss.join(', ')}`);
    for (const p of problems) console.log(`CORRECTNESS: ${p}`);
    console.log(
      `rush ${KIND} ×${API_PROCESSES} api: ${(bookings.length / seconds).toFixed(0)} bookings/s (${(booked.length / seconds).toFixed(0)} booked/s) ` +
        `over ${seconds.toFixed(1)} s; booking p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms; ` +
        `${booked.length} booked, ${refused.length} refused; correctness ${problems.length ? 'FAILED' : 'ok'}`,
    );
    if (problems.length) process.exitCode = 1;
  } finally {
    await db.drop();
    await deleteRedisKeys(prefix);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
