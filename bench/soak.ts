// `npm run bench:soak`: 200 000 due jobs (BENCH_SOAK_JOBS) through the real due-callback worker in waves of
// 20 000 (BENCH_SOAK_WAVE), checking that nothing accumulates (issue 11). Needs PostgreSQL (DATABASE_URL) and
// Redis; works in a fresh schema and a private BullMQ prefix, removed afterwards. The worker is workers/index.ts
// in a child process, as in production.
//
// Redis: completed jobs are kept (at most 1000 for an hour, src/queue/contract.ts) and the event stream is
// capped, so a warm-up of 2 000 jobs fills both before the start is measured. Memory is measured twice: Redis's
// INFO used_memory (the whole server: other users of a shared Redis move it too) and the sum of MEMORY USAGE
// over this run's keys. Both must end within 10 % of their start once drained.
// RSS: the worker's resident memory sampled every second from the start; flat means the largest sample of the
// last quarter of the run is at most 1.1 × the largest of the first quarter (after the warm-up).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { openPostgres, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createQueue } from '../src/queue/jobScheduler.js';
import { addDueJobs, addWorkerClinics, REQUESTED_OVER_DAYS, deleteKeysUnderPrefix, insertBookedCallbacks } from './support/workerSeed.js';
import { startWorkerProcess, type WorkerProcess } from './support/workerProcess.js';

const JOBS = Number(process.env.BENCH_SOAK_JOBS ?? 200_000);
const WAVE = Number(process.env.BENCH_SOAK_WAVE ?? 20_000);
const WARM_UP = 2000;
const MEMORY_TOLERANCE = 0.1;
const RSS_TOLERANCE = 0.1;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  console.error('bench:soak needs PostgreSQL: set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test');
  process.exit(1);
}
const tag = randomBytes(4).toString('hex');
const schema = `bench_soak_${tag}`;
const prefix = `bench-soak-${tag}`;
const schemaUrl = (() => {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
})();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

/** The memory this run's keys take, by MEMORY USAGE over them (pipelined). */
async function prefixMemory(redis: Redis): Promise<{ bytes: number; keys: number }> {
  let cursor = '0';
  let bytes = 0;
  let keys = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of found) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    for (const [, value] of (await pipeline.exec()) ?? []) bytes += Number(value ?? 0);
    keys += found.length;
  } while (cursor !== '0');
  return { bytes, keys };
}

async function drained(queue: Queue, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`queue not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await sleep(100);
  }
}

async function wave(db: Database, queue: Queue, clinics: string[], size: number): Promise<void> {
  const now = Date.now();
  const dueAt = Array.from({ length: size }, () => now - 1000);
  await addDueJobs(queue, await insertBookedCallbacks(db, clinics, dueAt, { requestedOverDays: REQUESTED_OVER_DAYS }), dueAt);
  await drained(queue);
}

/** Lets the worker's own timers (stalled checks, retention trimming) run, and asks V8 nothing: RSS as it is. */
const settle = () => sleep(3000);

async function main(): Promise<void> {
  const admin = openPostgres(baseUrl!, 1);
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const db = openPostgres(schemaUrl, 5);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let worker: WorkerProcess | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let failed = false;
  try {
    await migrate(db);
    const clinics = await addWorkerClinics(db);
    worker = await startWorkerProcess('workers/index.ts', { REDIS_URL, DATABASE_URL: schemaUrl, BULLMQ_PREFIX: prefix, LOG_LEVEL: 'info' }, 'workers started');
    const queue = createQueue('callbackDue', redis, prefix);

    await wave(db, queue, clinics, WARM_UP);
    await settle();
    const start = { used: await usedMemory(redis), own: await prefixMemory(redis), rss: rssBytes(worker.pid) };
    console.log(`after ${WARM_UP} warm-up jobs: Redis used_memory ${mb(start.used)}, this run's keys ${mb(start.own.bytes)} in ${start.own.keys}, worker RSS ${mb(start.rss)}`);

    const rss: number[] = [];
    const pid = worker.pid;
    sampler = setInterval(() => rss.push(rssBytes(pid)), 1000);
    const began = Date.now();
    for (let done = 0; done < JOBS; done += WAVE) {
      const size = Math.min(WAVE, JOBS - done);
      await wave(db, queue, clinics, size);
      console.log(`${(done + size).toLocaleString('en').padStart(8)} jobs, ${Math.round((Date.now() - began) / 1000)} s: worker RSS ${mb(rssBytes(pid))}, Redis used_memory ${mb(await usedMemory(redis))}`);
    }
    await settle();
    clearInterval(sampler);
    const end = { used: await usedMemory(redis), own: await prefixMemory(redis), rss: rssBytes(pid) };
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM callbacks WHERE status = 'due'");
    if (rows[0]!.n !== JOBS + WARM_UP) throw new Error(`${rows[0]!.n} callbacks due, expected ${JOBS + WARM_UP}`);
    await queue.close();

    const quarter = Math.max(1, Math.floor(rss.length / 4));
    const firstMax = Math.max(...rss.slice(0, quarter));
    const lastMax = Math.max(...rss.slice(-quarter));
    const usedRatio = end.used / start.used;
    const ownRatio = end.own.bytes / start.own.bytes;
    const rssRatio = lastMax / firstMax;
    console.log('');
    console.log(`${JOBS.toLocaleString('en')} jobs in waves of ${WAVE.toLocaleString('en')}, ${Math.round((Date.now() - began) / 1000)} s, ${rss.length} RSS samples`);
    console.log(`Redis used_memory: start ${mb(start.used)}, drained ${mb(end.used)}, ratio ${usedRatio.toFixed(3)} (target <= ${1 + MEMORY_TOLERANCE}) ${usedRatio <= 1 + MEMORY_TOLERANCE ? 'met' : 'MISSED'}`);
    console.log(`this run's Redis keys: start ${mb(start.own.bytes)} (${start.own.keys} keys), drained ${mb(end.own.bytes)} (${end.own.keys} keys), ratio ${ownRatio.toFixed(3)} (target <= ${1 + MEMORY_TOLERANCE}) ${ownRatio <= 1 + MEMORY_TOLERANCE ? 'met' : 'MISSED'}`);
    console.log(`worker RSS: max of first quarter ${mb(firstMax)}, of last quarter ${mb(lastMax)}, ratio ${rssRatio.toFixed(3)} (target <= ${1 + RSS_TOLERANCE}) ${rssRatio <= 1 + RSS_TOLERANCE ? 'met' : 'MISSED'}`);
    failed = usedRatio > 1 + MEMORY_TOLERANCE || ownRatio > 1 + MEMORY_TOLERANCE || rssRatio > 1 + RSS_TOLERANCE;
  } finally {
    if (sampler) clearInterval(sampler);
    await worker?.stop();
    await db.close();
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
    await deleteKeysUnderPrefix(redis, prefix);
    redis.disconnect();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
