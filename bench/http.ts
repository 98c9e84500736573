// `npm run bench:http`: the API's hot paths as ratios against a bare Express hello-world started the same way
// (issue 11). Per round: hello → slots 1 day → hello → slots 14 days → hello → booking, each subject divided by
// the hello run just before it, so both saw the same machine. Prints every round, then the medians; the last
// lines are the ratios, one per subject and database. Exits 1 when a target on PostgreSQL is missed (PGlite's
// ratios are printed beside them; the targets were set for PostgreSQL), and fails at once if a booking run
// answers anything but 201: a bench of refusals measures nothing.
//
//   npm run bench:http -- [--rounds 5] [--duration 10] [--connections 10] [--db pg|pglite|both]
//                          [--subjects slots-1d,slots-14d,booking,booking-floor]   (fewer, e.g. to profile one)
//
// booking-floor (PostgreSQL only) is a reference, not a target: bench/bookingFloor.ts, the least any durable booking
// costs here. Its ratio bounds booking's.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type autocannon from 'autocannon';
import { addDays } from '../src/domain/schedule.js';
import {
  BENCH_DATE,
  benchClinic,
  benchPhone,
  checkSlots,
  createBenchDatabase,
  databaseKinds,
  deleteRedisKeys,
  queuePrefix,
  REDIS_URL,
  startApi,
  type DbKind,
} from './support/app.js';
import { startCpuCount, type CpuSpent } from './support/cpu.js';
import { formatStatuses, median, runLoad, type LoadResult } from './support/load.js';
import { startServer, type ServerProcess } from './support/server.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    db: { type: 'string', default: 'both' },
    subjects: { type: 'string', default: 'slots-1d,slots-14d,booking,booking-floor' },
  },
});
const ROUNDS = Number(args.rounds);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);

const CLINIC = 'bench-http';
/** Places per slot: a booking always finds room (even 1,000 bookings/s for 5 × 10 s fill 50 of the 360 slots in 14 days). */
const CAPACITY = 1000;

const ALL_SUBJECTS = ['slots-1d', 'slots-14d', 'booking', 'booking-floor'] as const;
type Subject = (typeof ALL_SUBJECTS)[number];
const SUBJECTS = args.subjects!.split(',').map((name) => {
  if (!(ALL_SUBJECTS as readonly string[]).includes(name)) throw new Error(`--subjects: unknown subject ${name} (${ALL_SUBJECTS.join(', ')})`);
  return name as Subject;
});
const TARGETS: Record<Subject, number | null> = { 'slots-1d': 0.5, 'slots-14d': 0.25, booking: 0.2, 'booking-floor': null };
/** Booking's p99 at most this many times hello-world's p99. */
const BOOKING_P99_FACTOR = 5;

const isBooking = (subject: Subject | 'hello') => subject === 'booking' || subject === 'booking-floor';

let phones = 0;

function subjectRequests(subject: Subject): autocannon.Request[] {
  if (isBooking(subject)) {
    return [
      {
        method: 'POST',
        path: subject === 'booking' ? `/api/clinics/${CLINIC}/callbacks` : '/',
        headers: { 'content-type': 'application/json' },
        // A fresh caller per request: rule 11 and the per-number limit never refuse one.
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ phone: benchPhone(phones++), name: 'Bench Patient', reason: 'Hosta sedan en vecka' }),
        }),
      },
    ];
  }
  const to = subject === 'slots-1d' ? BENCH_DATE : addDays(BENCH_DATE, 13);
  return [{ method: 'GET', path: `/api/clinics/${CLINIC}/slots?from=${BENCH_DATE}&to=${to}` }];
}

/** A load run and the CPU it cost, per request. */
type Measured = LoadResult & { cpu: CpuSpent };

interface Pair {
  round: number;
  subject: Subject;
  hello: Measured;
  run: Measured;
}

// Redis's INFO gives its CPU time, for the CPU each request cost.
const redis = new Redis(REDIS_URL, { lazyConnect: true });

async function load(server: ServerProcess, subject: Subject | 'hello', seconds = DURATION): Promise<Measured> {
  const spent = await startCpuCount(server.pid, redis);
  const result = await runLoad({
    url: server.url,
    connections: CONNECTIONS,
    durationSeconds: seconds,
    ...(subject === 'hello' ? {} : { requests: subjectRequests(subject) }),
  });
  const expected = isBooking(subject) ? '201' : '200';
  const wrong = Object.entries(result.statuses).filter(([code]) => code !== expected);
  if (wrong.length || result.errors) {
    throw new Error(`${subject}: expected only ${expected}s, got ${formatStatuses(result.statuses)} and ${result.errors} connection errors`);
  }
  const cpu = await spent();
  const perRequest = (ms: number) => ms / Math.max(1, result.total);
  return {
    ...result,
    cpu: { process: perRequest(cpu.process), postgres: perRequest(cpu.postgres), redis: perRequest(cpu.redis), other: perRequest(cpu.other), steal: perRequest(cpu.steal) },
  };
}

/** CPU per request, in ms: the server's process, PostgreSQL, Redis, and the rest (the load generator, the kernel). */
const fmtCpu = (c: CpuSpent, server: string) =>
  `${server} ${c.process.toFixed(3)}, PostgreSQL ${c.postgres.toFixed(3)}, Redis ${c.redis.toFixed(3)}, rest ${c.other.toFixed(3)}` +
  (c.steal > 0.001 ? `, stolen ${c.steal.toFixed(3)}` : '');

const fmt = (r: LoadResult) => `${r.requestsPerSecond.toFixed(0).padStart(6)} req/s p99 ${r.p99.toFixed(1).padStart(6)} ms`;

/** One database: fresh clinic and queues, warm-up, the interleaved rounds, then the database checked. */
async function benchOn(kind: DbKind, hello: ServerProcess): Promise<{ pairs: Pair[]; problems: string[] }> {
  const db = await createBenchDatabase(kind, 'http', [benchClinic(CLINIC, CAPACITY)]);
  const prefix = queuePrefix('http');
  const pairs: Pair[] = [];
  const problems: string[] = [];
  let booked = 0;
  let bookingRuns = 0;
  try {
    const api = await startApi(db, prefix);
    // The floor's own table in the run's schema; PostgreSQL only (PGlite's directory has one owner: the API).
    const floor = kind === 'pg' && SUBJECTS.includes('booking-floor')
      ? await startServer({ entry: 'bench/bookingFloor.ts', readyPath: '/', env: { ...db.env, REDIS_URL, BULLMQ_PREFIX: prefix } })
      : null;
    const subjects = SUBJECTS.filter((subject) => subject !== 'booking-floor' || floor);
    const serverOf = (subject: Subject) => (subject === 'booking-floor' ? floor! : api);
    try {
      // Warm-up, not counted: JIT, connection pools, caches.
      const warmup = Math.max(1, Math.round(DURATION / 5));
      await load(hello, 'hello', warmup);
      for (const subject of subjects) {
        const r = await load(serverOf(subject), subject, warmup);
        if (subject === 'booking') {
          booked += r.total;
          bookingRuns++;
        }
      }
      for (let round = 1; round <= ROUNDS; round++) {
        const line: string[] = [];
        for (const subject of subjects) {
          const h = await load(hello, 'hello');
          const r = await load(serverOf(subject), subject);
          if (subject === 'booking') {
            booked += r.total;
            bookingRuns++;
          }
          pairs.push({ round, subject, hello: h, run: r });
          line.push(`hello ${fmt(h)} | ${subject} ${fmt(r)} ratio ${(r.requestsPerSecond / h.requestsPerSecond).toFixed(2)}`);
        }
        console.log(`round ${round} ${kind}:\n  ${line.join('\n  ')}`);
      }
    } finally {
      await api.stop();
      await floor?.stop();
    }
    // The app has stopped: PGlite's directory is free to open.
    const conn = await db.open();
    try {
      const slots = await checkSlots(conn);
      const { rows } = await conn.query<{ n: number }>(`SELECT count(*)::int AS n FROM callbacks WHERE clinic_id = $1`, [CLINIC]);
      const stored = rows[0]!.n;
      console.log(`check ${kind}: ${booked} bookings answered 201 (+ up to ${bookingRuns * CONNECTIONS} cut off in flight), ${stored} callbacks stored, ${slots.slots} slots hold ${slots.booked} places, ${slots.overbooked} overbooked, ${slots.mismatched} counters disagreeing with their callbacks`);
      // A run ends with a request in flight on each connection: answered on the server, never counted here.
      const unseen = bookingRuns * CONNECTIONS;
      if (stored < booked || stored > booked + unseen) {
        problems.push(`${kind}: ${booked} bookings answered 201 (and at most ${unseen} cut off in flight) but ${stored} callbacks are stored`);
      }
      if (slots.booked !== stored) problems.push(`${kind}: ${slots.booked} places taken for ${stored} callbacks`);
      if (slots.overbooked) problems.push(`${kind}: ${slots.overbooked} overbooked slots`);
      if (slots.mismatched) problems.push(`${kind}: ${slots.mismatched} slot counters disagree with their callbacks`);
    } finally {
      await conn.close();
    }
  } finally {
    await db.drop();
    await deleteRedisKeys(prefix);
  }
  return { pairs, problems };
}

async function main(): Promise<void> {
  const kinds = databaseKinds(args.db!);
  console.log(`bench:http: ${ROUNDS} rounds of ${DURATION} s per subject, ${CONNECTIONS} connections, on ${kinds.join(' and ')}`);
  const hello = await startServer({ entry: 'bench/helloWorld.ts', readyPath: '/' });
  const results: { kind: DbKind; pairs: Pair[] }[] = [];
  const problems: string[] = [];
  try {
    for (const kind of kinds) {
      const r = await benchOn(kind, hello);
      results.push({ kind, pairs: r.pairs });
      problems.push(...r.problems);
    }
  } finally {
    await hello.stop();
    redis.disconnect();
  }

  console.log('\nmedians over the rounds (each ratio against the hello-world run just before it):');
  const verdicts: string[] = [];
  let missed = false;
  for (const { kind, pairs } of results) {
    for (const subject of SUBJECTS) {
      const mine = pairs.filter((p) => p.subject === subject);
      if (!mine.length) continue;
      const ratio = median(mine.map((p) => p.run.requestsPerSecond / p.hello.requestsPerSecond));
      const p99 = median(mine.map((p) => p.run.p99));
      const helloP99 = median(mine.map((p) => p.hello.p99));
      const p99Factor = median(mine.map((p) => p.run.p99 / p.hello.p99));
      console.log(
        `  ${kind.padEnd(6)} ${subject.padEnd(9)} ${median(mine.map((p) => p.run.requestsPerSecond)).toFixed(0).padStart(6)} req/s ` +
          `(hello ${median(mine.map((p) => p.hello.requestsPerSecond)).toFixed(0)}), p99 ${p99.toFixed(1)} ms (hello ${helloP99.toFixed(1)} ms, ×${p99Factor.toFixed(1)})`,
      );
      const cpuOf = (pick: (p: Pair) => CpuSpent): CpuSpent => ({
        process: median(mine.map((p) => pick(p).process)),
        postgres: median(mine.map((p) => pick(p).postgres)),
        redis: median(mine.map((p) => pick(p).redis)),
        other: median(mine.map((p) => pick(p).other)),
        steal: median(mine.map((p) => pick(p).steal)),
      });
      console.log(`         CPU ms per request: ${fmtCpu(cpuOf((p) => p.run.cpu), 'app')} (hello-world: ${fmtCpu(cpuOf((p) => p.hello.cpu), 'app')})`);
      const target = TARGETS[subject];
      if (target !== null) {
        // What the target leaves each request of all this machine's cores, at the hello-world rate measured.
        const helloRate = median(mine.map((p) => p.hello.requestsPerSecond));
        console.log(`         at the target (${(target * helloRate).toFixed(0)} req/s) the machine's ${os.cpus().length} cores give each request ${((os.cpus().length * 1000) / (target * helloRate)).toFixed(3)} ms in all`);
      }
      if (target === null) {
        verdicts.push(`ratio ${subject} ${kind} ${ratio.toFixed(2)}, p99 ${p99Factor.toFixed(1)} × hello (a reference, not a target: the least a durable booking costs here)`);
        continue;
      }
      let ok = ratio >= target;
      let text = `ratio ${subject} ${kind} ${ratio.toFixed(2)} (target ≥ ${target.toFixed(2)})`;
      if (subject === 'booking') {
        ok &&= p99Factor <= BOOKING_P99_FACTOR;
        text += `, p99 ${p99Factor.toFixed(1)} × hello (target ≤ ${BOOKING_P99_FACTOR})`;
      }
      // The targets were set for PostgreSQL; PGlite (one embedded connection) is shown for comparison.
      if (kind === 'pg') missed ||= !ok;
      verdicts.push(`${text} ${ok ? 'ok' : kind === 'pg' ? 'MISSED' : 'missed (PGlite: not a target)'}`);
    }
  }
  for (const p of problems) console.log(`CORRECTNESS: ${p}`);
  for (const v of verdicts) console.log(v);
  if (missed || problems.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
