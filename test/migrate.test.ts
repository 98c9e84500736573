// Migrations apply once, also when several processes start at the same moment.
import { describe, expect, it } from 'vitest';
import { openPglite, openPostgres } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { freshPostgresSchema } from './support/database.js';

describe('migrate', () => {
  it('applies every migration to an empty database, then nothing', async () => {
    const db = await openPglite();
    const first = await migrate(db);
    expect(first[0]).toBe('001_clinics_and_callbacks.sql');
    expect(await migrate(db)).toEqual([]);
    await db.close();
  });

  it.skipIf(!process.env.DATABASE_URL)('applies each migration once when three processes start at once (PostgreSQL)', async () => {
    // A fresh schema stands in for a fresh database.
    const { url, drop } = await freshPostgresSchema();
    const dbs = [1, 2, 3].map(() => openPostgres(url, 2));
    try {
      const results = await Promise.all(dbs.map((db) => migrate(db)));
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
      const { rows } = await dbs[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]!.n).toBe(results.flat().length);
      expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await drop();
    }
  });
});
