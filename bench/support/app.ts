// What the HTTP benches share: a fresh database per run (a PostgreSQL schema, or a PGlite data directory),
// seeded with the bench's clinics through the app's own code; the API started as `npm run api` starts it, with a
// fixed working-day clock and raised rate limits; and the checks of what the run left in the database.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { findClinicRules, insertClinic } from '../../src/db/clinics.js';
import { openPglite, openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { clinicRules, type ClinicRules } from '../../src/domain/clinic.js';
import { slotCapacity } from '../../test/support/slots.js';
import { startServer, type ServerProcess } from './server.js';

export type DbKind = 'pg' | 'pglite';

/** A Wednesday in February, no Swedish holiday in the 14 days after it: booking is open whatever today is. */
export const BENCH_DATE = '2027-02-10';
/** 08:00 local: the day's slots (08:00–17:00) lie ahead, the first bookable one at 08:15 (5 minutes' notice). */
export const BENCH_NOW = `${BENCH_DATE}T08:00:00+01:00`;
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A clinic with 15-minute slots 08:00–17:00 on weekdays (36 a day), `capacity` places each. */
export function benchClinic(id: string, capacity: number): ClinicRules {
  return clinicRules({
    id,
    name: `Bench ${id}`,
    slotMinutes: 15,
    capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '17:00', capacity }],
  });
}

/** Which databases to bench: `--db pg|pglite|both`; both means PostgreSQL only when DATABASE_URL is set. */
export function databaseKinds(option: string): DbKind[] {
  if (!['pg', 'pglite', 'both'].includes(option)) throw new Error(`--db must be pg, pglite or both, not ${option}`);
  if (option === 'pg' && !process.env.DATABASE_URL) throw new Error('--db pg needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test');
  if (option === 'both' && !process.env.DATABASE_URL) console.log('DATABASE_URL is not set: PGlite only.');
  if (option === 'pglite') return ['pglite'];
  if (option === 'pg') return ['pg'];
  return process.env.DATABASE_URL ? ['pg', 'pglite'] : ['pglite'];
}

export interface BenchDatabase {
  kind: DbKind;
  /** What the API process needs to open it. */
  env: Record<string, string>;
  /** Opens it here, to seed or verify. A PGlite directory has one owner: only while no API runs on it. */
  open(): Promise<Database>;
  /** Drops the schema or removes the directory. */
  drop(): Promise<void>;
}

/** A fresh, migrated database holding `clinics` (so runs never see each other's bookings). */
export async function createBenchDatabase(kind: DbKind, label: string, clinics: ClinicRules[]): Promise<BenchDatabase> {
  const suffix = randomBytes(4).toString('hex');
  let bench: BenchDatabase;
  if (kind === 'pg') {
    const baseUrl = process.env.DATABASE_URL!;
    const schema = `bench_${label}_${suffix}`;
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const admin = openPostgres(baseUrl, 1);
    await admin.exec(`CREATE SCHEMA ${schema}`);
    await admin.close();
    bench = {
      kind,
      env: { DATABASE_URL: url.toString() },
      open: async () => openPostgres(url.toString(), 4),
      async drop() {
        const a = openPostgres(baseUrl, 1);
        await a.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await a.close();
      },
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${label}-`));
    bench = {
      kind,
      // An empty DATABASE_URL counts as unset (src/config.ts), whatever the bench's own environment holds.
      env: { DATABASE_URL: '', PGLITE_DATA_DIR: dir },
      open: () => openPglite(dir),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const db = await bench.open();
  try {
    await migrate(db);
    for (const clinic of clinics) await insertClinic(db, clinic);
  } finally {
    await db.close();
  }
  return bench;
}

/**
 * The API alone (`src/main.ts --api-only`), as `npm run api` runs it: its log at the default level into
 * /dev/null, rate limits still counted in Redis but raised (all load comes from one address), its own
 * BullMQ prefix, and the clock started at BENCH_NOW.
 */
export function startApi(db: BenchDatabase, queuePrefix: string): Promise<ServerProcess> {
  return startServer({
    entry: 'src/main.ts',
    args: ['--api-only'],
    readyPath: '/health/ready',
    env: {
      ...db.env,
      REDIS_URL,
      BULLMQ_PREFIX: queuePrefix,
      APP_NOW: BENCH_NOW,
      CALLBACK_TOKEN_SECRET: randomBytes(32).toString('hex'),
      SEED_DEMO: 'false',
      RATE_LIMIT_READS_PER_MINUTE: '1000000',
      RATE_LIMIT_BOOKINGS_PER_ADDRESS_PER_HOUR: '1000000',
      RATE_LIMIT_BOOKINGS_PER_PHONE_PER_HOUR: '10000',
    },
  });
}

/** A private BullMQ prefix for one run. */
export function queuePrefix(label: string): string {
  return `bench-${label}-${randomBytes(4).toString('hex')}`;
}

/** Removes every Redis key under the run's prefix (its queues and rate-limit counters), nobody else's. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A valid Swedish mobile number (+4670 and seven digits), different for every n below 9,000,000. */
export function benchPhone(n: number): string {
  return `+4670${String(1_000_000 + (n % 9_000_000)).padStart(7, '0')}`;
}

export interface SlotCheck {
  /** Slot rows holding places. */
  slots: number;
  /** Places taken, summed over the slots. */
  booked: number;
  /** Slots with more places taken than the clinic's rules give them. */
  overbooked: number;
  /** Slots whose counter differs from the callbacks holding a place there (or callbacks without a counter). */
  mismatched: number;
}

/** Every place counter against the clinic's capacity and against the callbacks that hold it. */
export async function checkSlots(db: Database): Promise<SlotCheck> {
  const { rows } = await db.query<{ clinic_id: string; slot_start: Date; booked: number | null; held: number }>(
    `SELECT coalesce(sp.clinic_id, c.clinic_id) AS clinic_id, coalesce(sp.slot_start, c.slot_start) AS slot_start,
            sp.booked, coalesce(c.held, 0)::int AS held
       FROM slot_places sp
       FULL JOIN (SELECT clinic_id, slot_start, count(*) AS held FROM callbacks WHERE status <> 'cancelled'
                   GROUP BY clinic_id, slot_start) c
         ON c.clinic_id = sp.clinic_id AND c.slot_start = sp.slot_start`,
  );
  const rules = new Map<string, ClinicRules>();
  const check: SlotCheck = { slots: 0, booked: 0, overbooked: 0, mismatched: 0 };
  for (const row of rows) {
    if (!rules.has(row.clinic_id)) rules.set(row.clinic_id, (await findClinicRules(db, row.clinic_id))!);
    const clinic = rules.get(row.clinic_id)!;
    const capacity = slotCapacity(clinic, DateTime.fromJSDate(row.slot_start, { zone: clinic.timezone }));
    const booked = row.booked ?? 0;
    check.slots += 1;
    check.booked += booked;
    if (booked > capacity || row.held > capacity) check.overbooked += 1;
    if (row.booked === null || booked !== row.held) check.mismatched += 1;
  }
  return check;
}
