// `npm run bench:worker`: the due-callback worker against a no-op BullMQ worker (issue 11). Needs PostgreSQL
// (DATABASE_URL) and Redis (REDIS_URL); works in a fresh schema and private BullMQ prefixes, removed afterwards.
//
// Both workers run as child processes, as in production: the real one is workers/index.ts (every worker of the
// process, reconciliation included), the baseline bench/support/workerNoop.ts (the same shell and concurrency,
// a handler that does nothing), each on its own prefix. Rows and jobs are written in bulk, not through HTTP.
//
// Phase A (throughput): BENCH_DUE (20 000) callbacks due at once, their jobs added to a paused queue and then
// released; the time until the queue is drained gives jobs/s. Real and no-op alternate, BENCH_ROUNDS (3) times;
// the ratio of the medians is the result (target >= 0.70).
// Phase B (pickup lag): BENCH_SCHEDULED (100 000) callbacks scheduled, BENCH_DUE of them due spread over one
// minute, the rest later; lag = made_due_at − due_at (target p99 < 1 s). BENCH_LAG=off skips it (while iterating on
// throughput: it takes over a minute).
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { openPostgres, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createQueue } from '../src/queue/jobScheduler.js';
import { addDueJobs, addWorkerClinics, REQUESTED_OVER_DAYS, deleteKeysUnderPrefix, insertBookedCallbacks } from './support/workerSeed.js';
import { startCpuCount } from './support/cpu.js';
import { startWorkerProcess, type WorkerProcess } from './support/workerProcess.js';

const DUE = Number(process.env.BENCH_DUE ?? 20_000);
const SCHEDULED = Number(process.env.BENCH_SCHEDULED ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LAG_PHASE = process.env.BENCH_LAG !== 'off';
const RATIO_TARGET = 0.7;
const LAG_P99_TARGET_MS = 1000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  console.error('bench:worker needs PostgreSQL: set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test');
  process.exit(1);
}

const tag = randomBytes(4).toString('hex');
const schema = `bench_worker_${tag}`;
const schemaUrl = (() => {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
})();
const prefixes = { real: `bench-worker-real-${tag}`, noop: `bench-worker-noop-${tag}` };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until nothing is waiting, delayed or running in the queue; returns when that was first seen. */
async function drained(queue: Queue, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'paused', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return Date.now();
    if (Date.now() > deadline) throw new Error(`queue not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await sleep(20);
  }
}

/** One round's jobs/s and CPU per 1000 jobs: of the worker, Redis, PostgreSQL, the rest of the machine, and stolen. */
interface RoundFigures {
  rate: number;
  cpuMsPerK: number;
  redisMsPerK: number;
  postgresMsPerK: number;
  otherMsPerK: number;
  stealMsPerK: number;
}

/**
 * One throughput run: DUE jobs of callbacks already due, released at once into a running worker. The no-op
 * worker never reads the database, so its callbacks are only ids.
 */
async function throughput(db: Database, queue: Queue, clinics: string[] | null, pid: number, redis: Redis): Promise<RoundFigures> {
  const now = Date.now();
  const dueAt = Array.from({ length: DUE }, (_, i) => now - 60_000 + (i % 60_000));
  const ids = clinics ? await insertBookedCallbacks(db, clinics, dueAt, { requestedOverDays: REQUESTED_OVER_DAYS }) : dueAt.map(() => randomUUID());
  await queue.pause();
  await addDueJobs(queue, ids, dueAt);
  const spent = await startCpuCount(pid, redis);
  const started = Date.now();
  await queue.resume();
  const ended = await drained(queue, 600_000);
  const perK = (ms: number) => (ms * 1000) / DUE;
  const cpu = await spent();
  return {
    rate: DUE / ((ended - started) / 1000),
    cpuMsPerK: perK(cpu.process),
    redisMsPerK: perK(cpu.redis),
    postgresMsPerK: perK(cpu.postgres),
    otherMsPerK: perK(cpu.other),
    stealMsPerK: perK(cpu.steal),
  };
}

/** Phase B: SCHEDULED callbacks, DUE of them in one minute starting after the seeding, the rest later today. */
async function pickupLag(db: Database, queue: Queue, clinics: string[]): Promise<{ p50: number; p99: number; max: number }> {
  const laterCount = SCHEDULED - DUE;
  const soon = Date.now();
  const laterDue = Array.from({ length: laterCount }, (_, i) => soon + 2 * 3600_000 + (i % 36_000) * 100);
  await addDueJobs(queue, await insertBookedCallbacks(db, clinics, laterDue, { requestedOverDays: REQUESTED_OVER_DAYS }), laterDue);
  const start = Date.now() + 15_000;
  const minuteDue = Array.from({ length: DUE }, (_, i) => start + Math.floor((i * 60_000) / DUE));
  const minuteIds = await insertBookedCallbacks(db, clinics, minuteDue, { requestedOverDays: REQUESTED_OVER_DAYS });
  await addDueJobs(queue, minuteIds, minuteDue);
  if (Date.now() > start) console.warn(`seeding ended ${Date.now() - start} ms after the first due time: those lags include it`);
  const scheduled = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM callbacks WHERE status = 'booked'");
  console.log(`phase B: ${scheduled.rows[0]!.n.toLocaleString('en')} scheduled, ${DUE.toLocaleString('en')} due over one minute from ${new Date(start).toISOString()}`);
  const deadline = start + 60_000 + 300_000;
  for (;;) {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM callbacks WHERE id = ANY($1::uuid[]) AND made_due_at IS NULL', [minuteIds]);
    if (rows[0]!.n === 0) break;
    if (Date.now() > deadline) throw new Error(`${rows[0]!.n} of the minute's callbacks were never made due`);
    await sleep(500);
  }
  const { rows: lag } = await db.query<{ p50: number; p99: number; max: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
       FROM (SELECT extract(epoch FROM made_due_at - due_at) * 1000 AS ms FROM callbacks WHERE id = ANY($1::uuid[])) l`,
    [minuteIds],
  );
  // Where in the minute the lag was: p99 per 10 s of due times (a slow start, or falling behind).
  const { rows: byPart } = await db.query<{ part: number; p99: number }>(
    `SELECT floor(extract(epoch FROM due_at - $2::timestamptz) / 10)::int AS part,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM made_due_at - due_at) * 1000) AS p99
       FROM callbacks WHERE id = ANY($1::uuid[]) GROUP BY 1 ORDER BY 1`,
    [minuteIds, new Date(start).toISOString()],
  );
  console.log(`lag p99 per 10 s of the minute: ${byPart.map((r) => `${Math.round(r.p99)}`).join(', ')} ms`);
  return lag[0]!;
}

async function main(): Promise<void> {
  const admin = openPostgres(baseUrl!, 1);
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const db = openPostgres(schemaUrl, 10);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const workers: WorkerProcess[] = [];
  let failed = false;
  try {
    await migrate(db);
    const clinics = await addWorkerClinics(db);
    const env = { REDIS_URL, DATABASE_URL: schemaUrl, LOG_LEVEL: 'info', NODE_ENV: 'development' };
    const real = await startWorkerProcess('workers/index.ts', { ...env, BULLMQ_PREFIX: prefixes.real }, 'workers started');
    workers.push(real);
    const noop = await startWorkerProcess('bench/support/workerNoop.ts', { ...env, BULLMQ_PREFIX: prefixes.noop }, 'ready');
    workers.push(noop);
    const queues = { real: createQueue('callbackDue', redis, prefixes.real), noop: createQueue('callbackDue', redis, prefixes.noop) };
    console.log(`worker pids: real ${real.pid}, no-op ${noop.pid}; ${DUE.toLocaleString('en')} due at once, ${ROUNDS} rounds`);

    // Phase A: interleaved, alternating which goes first.
    const rates = { real: [] as number[], noop: [] as number[] };
    const pids = { real: real.pid, noop: noop.pid };
    for (let round = 0; round < ROUNDS; round++) {
      const order: ('real' | 'noop')[] = round % 2 === 0 ? ['noop', 'real'] : ['real', 'noop'];
      for (const which of order) {
        const run = await throughput(db, queues[which], which === 'real' ? clinics : null, pids[which], redis);
        rates[which].push(run.rate);
        console.log(
          `round ${round + 1} ${which.padEnd(4)} ${Math.round(run.rate).toLocaleString('en').padStart(7)} jobs/s; ` +
            `CPU per 1000 jobs: worker ${Math.round(run.cpuMsPerK)} ms, Redis ${Math.round(run.redisMsPerK)} ms, ` +
            `PostgreSQL ${Math.round(run.postgresMsPerK)} ms, other ${Math.round(run.otherMsPerK)} ms, stolen ${Math.round(run.stealMsPerK)} ms`,
        );
      }
    }
    const { rows: notDue } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM callbacks WHERE status = 'booked' AND due_at <= now()");
    if (notDue[0]!.n > 0) throw new Error(`${notDue[0]!.n} callbacks were not made due by the real worker`);

    const lag = LAG_PHASE ? await pickupLag(db, queues.real, clinics) : null;

    const realRate = median(rates.real);
    const noopRate = median(rates.noop);
    const ratio = realRate / noopRate;
    console.log('');
    console.log(`machine: ${(await import('node:os')).cpus().length} cores, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`throughput (median of ${ROUNDS}): real ${Math.round(realRate).toLocaleString('en')} jobs/s, no-op ${Math.round(noopRate).toLocaleString('en')} jobs/s`);
    if (lag) console.log(`pickup lag with ${SCHEDULED.toLocaleString('en')} scheduled: p50 ${Math.round(lag.p50)} ms, p99 ${Math.round(lag.p99)} ms, max ${Math.round(lag.max)} ms`);
    console.log(`ratio real/no-op ${ratio.toFixed(2)} (target >= ${RATIO_TARGET}) ${ratio >= RATIO_TARGET ? 'met' : 'MISSED'}`);
    if (lag) console.log(`lag p99 ${Math.round(lag.p99)} ms (target < ${LAG_P99_TARGET_MS} ms) ${lag.p99 < LAG_P99_TARGET_MS ? 'met' : 'MISSED'}`);
    else console.log('pickup lag not measured (BENCH_LAG=off)');
    failed = ratio < RATIO_TARGET || (lag !== null && lag.p99 >= LAG_P99_TARGET_MS);
    await Promise.all([queues.real.close(), queues.noop.close()]);
  } finally {
    for (const w of workers) await w.stop();
    await db.close();
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
    for (const prefix of Object.values(prefixes)) await deleteKeysUnderPrefix(redis, prefix);
    redis.disconnect();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
