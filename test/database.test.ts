// The database port means the same on PostgreSQL and PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { openTestDatabase } from './support/database.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
  await db.exec('CREATE TABLE port_check (n int PRIMARY KEY)');
});
afterAll(() => db.close());

describe('rowCount', () => {
  it('counts rows returned by a SELECT and rows changed by a write, as pg does', async () => {
    expect((await db.query('INSERT INTO port_check VALUES (1), (2), (3)')).rowCount).toBe(3);
    expect((await db.query('INSERT INTO port_check VALUES (3) ON CONFLICT DO NOTHING')).rowCount).toBe(0);
    expect((await db.query('SELECT n FROM port_check WHERE n > 1')).rowCount).toBe(2);
    expect((await db.query('SELECT n FROM port_check WHERE n > 9')).rowCount).toBe(0);
    expect((await db.query('UPDATE port_check SET n = n + 10 WHERE n = 1')).rowCount).toBe(1);
    expect((await db.query('DELETE FROM port_check WHERE n = 99')).rowCount).toBe(0);
  });
});
