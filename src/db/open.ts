// Opens the configured database: PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createOutageMonitor } from '../ops/outage.js';
import { openPglite, openPostgres, type Database } from './database.js';

/** With a logger, an outage of PostgreSQL is logged once when it starts and once when it ends. */
export async function openDatabase(config: Config['database'], logger?: Logger): Promise<Database> {
  if (config.kind === 'postgres') {
    const db = openPostgres(config.url, config.poolSize, logger ? createOutageMonitor(logger, 'database') : undefined);
    await db.query('SELECT 1');
    return db;
  }
  return openPglite(config.dataDir);
}
