// SQL for the secrets the app generates and keeps with its data (app_secrets).
import type { Queryable } from './database.js';

/**
 * The secret stored under `name`, stored first as `generated` when there is none. Every process asking at once gets
 * the same value: the first insert wins, the others read it.
 */
export async function storedSecret(db: Queryable, name: string, generated: string): Promise<string> {
  await db.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, generated]);
  const { rows } = await db.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [name]);
  return rows[0]!.value;
}
