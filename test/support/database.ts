// Test databases: real PostgreSQL when DATABASE_URL is set, otherwise an in-memory PGlite per test file.
// On PostgreSQL each opened database is a fresh schema, dropped on close: test files never see each
// other's rows (reconciliation, for one, reads every booked callback), and nothing piles up between runs.
// A PGlite starts from the snapshot test/globalSetup.ts migrated once per run: initdb and migrating took seconds
// per file. migrate() still runs on it, finding nothing to do (or applying a migration added since).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

export type Backend = 'postgres' | 'pglite';

/** The backend the suite runs against: PostgreSQL in CI (DATABASE_URL), PGlite otherwise. */
export const DEFAULT_BACKEND: Backend = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * Backends a concurrency claim is proven on: always PGlite, and PostgreSQL when it is configured. CI (CI set) runs a
 * PGlite pass of its own after the PostgreSQL one, so its PostgreSQL pass proves them on PostgreSQL only.
 */
export const ALL_BACKENDS: Backend[] = process.env.DATABASE_URL ? (process.env.CI ? ['postgres'] : ['postgres', 'pglite']) : ['pglite'];

/** A connection string for a fresh, empty schema in the test PostgreSQL, and a way to drop it. */
export async function freshPostgresSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = openPostgres(process.env.DATABASE_URL!, 1);
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = new URL(process.env.DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const again = openPostgres(process.env.DATABASE_URL!, 1);
      await again.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await again.close();
    },
  };
}

let snapshot: Blob | undefined;

/** The migrated snapshot, read once per test file; none when the run has no globalSetup (then: from scratch). */
export function pgliteSnapshot(): Blob | undefined {
  const file = inject('pgliteSnapshot');
  if (!snapshot && file) snapshot = new Blob([fs.readFileSync(file)]);
  return snapshot;
}

export async function openTestDatabase(backend: Backend = DEFAULT_BACKEND): Promise<Database> {
  if (backend === 'pglite') {
    const db = await openPglite(undefined, pgliteSnapshot());
    await migrate(db);
    return db;
  }
  const { url, drop } = await freshPostgresSchema();
  const db = openPostgres(url, 20);
  await migrate(db);
  return {
    ...db,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

/**
 * A migrated PGlite in `dataDir` (empty or new), as `npm start` would leave it, without the seconds initdb
 * takes on disk: for tests about processes sharing a data directory, not about creating one.
 */
export async function openMigratedPglite(dataDir: string): Promise<Database> {
  const db = await openPglite(dataDir, pgliteSnapshot());
  await migrate(db);
  return db;
}

/** A clinic id no other test uses. */
export function uniqueClinicId(prefix = 'vc-test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
