// Test databases: real PostgreSQL when DATABASE_URL is set, otherwise an in-memory PGlite per test file.
import { randomBytes } from 'node:crypto';
import { openPglite, openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

export type Backend = 'postgres' | 'pglite';

/** The backend the suite runs against: PostgreSQL in CI (DATABASE_URL), PGlite otherwise. */
export const DEFAULT_BACKEND: Backend = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** Backends a concurrency claim is proven on: always PGlite, and PostgreSQL when it is configured. */
export const ALL_BACKENDS: Backend[] = process.env.DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];

export async function openTestDatabase(backend: Backend = DEFAULT_BACKEND): Promise<Database> {
  const db =
    backend === 'postgres' ? openPostgres(process.env.DATABASE_URL!, 20) : await openPglite();
  await migrate(db);
  return db;
}

/** A clinic id no other test (or earlier run against the same PostgreSQL) uses. */
export function uniqueClinicId(prefix = 'vc-test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
