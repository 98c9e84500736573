// Two apps over one database, as two API processes would be (issue 11's caches across processes): helpers the
// cross-process cache tests share.
import { openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { freshPostgresSchema, openTestDatabase, type Backend } from './database.js';

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

/**
 * The application_name of the connection that oneDatabase's handle `name` listens on `channel` with (set by
 * src/db/pgListener.ts): a test finds it in pg_stat_activity by that name. Its last statement would not do: the
 * heartbeat's SELECT 1 replaces the LISTEN there after 15 s, and every listener sends it.
 */
export const listenerNamed = (name: string, channel: string) => `${name}/listen:${channel}`;

/** A write no process hears: triggers off for this one transaction (as a restore without triggers would). */
export async function silently(db: Database, sql: string, params: unknown[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, params);
  });
}
