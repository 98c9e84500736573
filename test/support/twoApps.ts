// Two apps over one database, as two API processes would be (issue 11's caches across processes): helpers the
// cross-process cache tests share.
import { openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { freshPostgresSchema, openTestDatabase, type Backend } from './database.js';
import { startTestServer, type TestServerOptions } from './server.js';
import { until } from './until.js';

/**
 * One fresh database and a handle per app: two PostgreSQL pools named `names` (so pg_stat_activity tells them
 * apart), or one PGlite handle both share (one process owns a PGlite). `drop` removes the schema.
 */
export async function oneDatabase(backend: Backend, names: [string, string]): Promise<{ dbs: Database[]; drop: () => Promise<void> }> {
  if (backend !== 'postgres') return { dbs: [await openTestDatabase('pglite')], drop: async () => undefined };
  const schema = await freshPostgresSchema();
  const named = (name: string) => {
    const url = new URL(schema.url);
    url.searchParams.set('application_name', name);
    return url.toString();
  };
  const dbs = names.map((name) => openPostgres(named(name), 5));
  await migrate(dbs[0]!);
  return { dbs, drop: schema.drop };
}

/** Waits until handle `name` listens on `channel` on one connection (other than `replaced`) and returns its pid. */
export async function listenerPid(admin: Database, name: string, channel: string, what: string, replaced?: number): Promise<number> {
  const pids = async () =>
    (
      await admin.query<{ pid: number }>(
        // Named so by src/db/pgListener.ts. Listening: LISTEN answered, or since then the heartbeat's SELECT 1 (which
        // replaces the LISTEN as its last statement after 15 s), not still connecting.
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle' AND (query LIKE 'LISTEN %' OR query = 'SELECT 1')",
        [`${name}/listen:${channel}`],
      )
    ).rows.map((r) => r.pid);
  const [pid] = await until(pids, (found) => found.length === 1 && found[0] !== replaced, what);
  return pid!;
}

/** Two apps, a and b, at `now` over oneDatabase with options of their own; `close` stops both and drops the database. */
export async function startTwoApps(backend: Backend, names: [string, string], now: string, options: [TestServerOptions?, TestServerOptions?] = []) {
  const { dbs, drop } = await oneDatabase(backend, names);
  const a = await startTestServer(dbs[0]!, now, options[0]);
  const b = await startTestServer(dbs.at(-1)!, now, options[1]);
  const close = async () => {
    await a.close();
    await b.close();
    for (const db of dbs) await db.close();
    await drop();
  };
  return { a, b, dbs, close };
}

/** A write no process hears: triggers off for this one transaction (as a restore without triggers would). */
export async function silently(db: Database, sql: string, params: unknown[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, params);
  });
}
