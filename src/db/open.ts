// Opens the configured database: PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite.
import type { Config } from '../config.js';
import { openPglite, openPostgres, type Database } from './database.js';

export async function openDatabase(config: Config['database']): Promise<Database> {
  if (config.kind === 'postgres') {
    const db = openPostgres(config.url, config.poolSize);
    await db.query('SELECT 1');
    return db;
  }
  return openPglite(config.dataDir);
}
