// `npm run bench:report`: times the region-year report (30 clinics, a year, grouped by month) through the
// HTTP API on about 100 000 and about 2 000 000 callbacks, and prints both times and their ratio.
// Needs PostgreSQL (DATABASE_URL). Each size is seeded once into its own schema and reused afterwards.
import { Redis } from 'ioredis';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../src/clock.js';
import { composeApi } from '../src/compose.js';
import { openPostgres, type Database } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import type { JobScheduler } from '../src/queue/jobScheduler.js';
import { createStaffMember } from '../src/services/staffAuth.js';

const UNTIL = '2026-10-31';
const FROM = '2025-11-01';
const SIZES = [
  { label: '100k', callbacks: 100_000 },
  { label: '2M', callbacks: 2_000_000 },
];
const RUNS = 15;

const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  console.error('bench:report needs PostgreSQL: set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test');
  process.exit(1);
}

function schemaUrl(schema: string): string {
  const url = new URL(baseUrl!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** What the seeded data depends on: the migrations and the history generator. Changed, the schemas are seeded again. */
function dataVersion(): string {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
  const migrations = path.join(root, 'src/db/migrations');
  const files = [...fs.readdirSync(migrations).sort().map((f) => path.join(migrations, f)), path.join(root, 'src/demo/history.ts')];
  const hash = createHash('sha256');
  for (const f of files) hash.update(fs.readFileSync(f));
  return hash.digest('hex').slice(0, 16);
}

/** Seeds the schema unless it already holds this size's history from the same code. */
async function ensureSeeded(schema: string, callbacks: number): Promise<void> {
  const admin = openPostgres(baseUrl!, 1);
  const version = dataVersion();
  const marker = await admin.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'bench_seeded'`, [schema]);
  const seeded = marker.rows.length > 0 && (await admin.query<{ version: string | null }>(`SELECT to_jsonb(b)->>'version' AS version FROM ${schema}.bench_seeded b`)).rows[0]?.version === version;
  if (!seeded) {
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    console.log(`seeding ${schema} (${callbacks.toLocaleString('sv-SE')} callbacks, once) …`);
    const seeded = spawnSync('npx', ['tsx', 'src/cli/seedDemo.ts', '--callbacks', String(callbacks), '--until', UNTIL], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: schemaUrl(schema), SEED_DEMO: 'false' },
    });
    if (seeded.status !== 0) throw new Error(`seeding ${schema} failed`);
    await admin.exec(`CREATE TABLE ${schema}.bench_seeded (version text NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
    await admin.query(`INSERT INTO ${schema}.bench_seeded (version) VALUES ($1)`, [version]);
  }
  await admin.close();
}

/** Reports never enqueue jobs. */
const noJobs: JobScheduler = {
  scheduleDue: async () => undefined,
  unscheduleDue: async () => undefined,
  enqueueSms: async () => undefined,
  ensureDue: async () => false,
  ensureSms: async () => false,
  ensureNationalDelivery: async () => false,
  close: async () => undefined,
};

async function timeReport(db: Database): Promise<{ medianMs: number; callbacks: number }> {
  const clinics = (await db.query<{ id: string }>('SELECT id FROM clinics ORDER BY id')).rows.map((r) => r.id);
  const { token } = await createStaffMember(db, { name: 'Bench manager', role: 'manager', clinicIds: clinics });
  const app = composeApi({
    db,
    clock: systemClock,
    logger: createLogger('silent'),
    jobs: noJobs,
    callbackTokenSecret: 'x'.repeat(32),
    dueLeadMinutes: 0,
    claimTimeoutMinutes: 10,
    webhookSecrets: null,
    publicBaseUrl: 'http://127.0.0.1',
    guaranteeStart: 'contact',
    // Not connected until used: only the readiness check would use it here.
    redis: new Redis({ lazyConnect: true, enableOfflineQueue: false }),
    redisPrefix: 'unused',
    rateLimits: null,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/reports/measures?from=${FROM}&to=${UNTIL}&groupBy=month`;
  const once = async () => {
    const started = performance.now();
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { total: { contactSameDay: { requests: number } } };
    if (res.status !== 200) throw new Error(`report failed: ${res.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, callbacks: body.total.contactSameDay.requests };
  };
  await once(); // warm-up: connections, plans, JIT
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  server.close();
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)]!, callbacks: runs[0]!.callbacks };
}

async function main(): Promise<void> {
  const results = [];
  for (const size of SIZES) {
    const schema = `bench_report_${size.label.toLowerCase()}`;
    await ensureSeeded(schema, size.callbacks);
    const db = openPostgres(schemaUrl(schema), 10);
    try {
      results.push({ ...size, ...(await timeReport(db)) });
    } finally {
      await db.close();
    }
  }
  console.log('\nRegion-year report, 30 clinics grouped by month, median of', RUNS, 'HTTP requests:');
  for (const r of results) console.log(`  ${r.label.padEnd(5)} ${r.callbacks.toLocaleString('sv-SE').padStart(10)} callbacks  ${r.medianMs.toFixed(1).padStart(7)} ms`);
  const [small, large] = results as [(typeof results)[number], (typeof results)[number]];
  const ratio = large.medianMs / small.medianMs;
  console.log(`  ratio 2M / 100k: ${ratio.toFixed(2)} (target ≤ 1.5); 2M under 1 s: ${large.medianMs < 1000 ? 'yes' : 'NO'}`);
  if (ratio > 1.5 || large.medianMs >= 1000) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
