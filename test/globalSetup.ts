// Once per vitest run, before any test file: a migrated PGlite data directory, dumped to a tarball. Every
// in-memory test database starts from it (openTestDatabase) instead of running initdb and all migrations
// again, which was most of a test file's start-up. Migrations from an empty database are still tested on
// their own (test/migrate.test.ts).
//
// The tarball is kept in the temp directory under a name derived from everything that decides its content
// (PGlite's version, the migration runner and every migration file), so a later run, such as CI's second
// pass or the next single-file run, reuses it; any change to those makes a new one.
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Database, Queryable } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the migrated PGlite data directory tarball. */
    pgliteSnapshot: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..');

function snapshotKey(): string {
  const hash = createHash('sha256');
  const migrations = path.join(ROOT, 'src/db/migrations');
  const inputs = [
    path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'),
    path.join(ROOT, 'src/db/migrate.ts'),
    ...fs.readdirSync(migrations).sort().map((f) => path.join(migrations, f)),
  ];
  for (const file of inputs) hash.update(`${path.relative(ROOT, file)}\0`).update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

async function migratedDump(): Promise<Blob> {
  const pg = await PGlite.create();
  // Only what migrate() uses; result parsing (openPglite's parsers) does not change what is stored.
  const queryable = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <R>(sql: string, params: unknown[] = []) => {
      const result = await q.query<R>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
    },
    exec: async (sql: string) => {
      await q.exec(sql);
    },
  });
  const db: Database = {
    kind: 'pglite',
    ...queryable(pg),
    transaction: (work) => pg.transaction((tx) => work(queryable(tx))),
    close: () => pg.close(),
  };
  try {
    await migrate(db);
    return await pg.dumpDataDir('gzip');
  } finally {
    await db.close();
  }
}

export default async function setup(project: TestProject) {
  const file = path.join(os.tmpdir(), `callback-tracker-pglite-${snapshotKey()}.tar.gz`);
  if (!fs.existsSync(file)) {
    const dump = await migratedDump();
    // Written aside and renamed: a run starting meanwhile never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(partial, file);
  }
  project.provide('pgliteSnapshot', file);
}
