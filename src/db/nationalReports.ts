// SQL for the stored monthly national-reporting files.
import type { DateTime } from 'luxon';
import type { Queryable } from './database.js';

/** Stores a month's file once; a second production of the same month changes nothing. Returns true when stored. */
export async function storeNationalReport(db: Queryable, month: string, content: string, at: DateTime): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO national_reports (month, created_at, content) VALUES ($1, $2, $3) ON CONFLICT (month) DO NOTHING',
    [month, at.toISO(), content],
  );
  return rowCount > 0;
}

export async function listNationalReports(db: Queryable): Promise<{ month: string; createdAt: Date; bytes: number }[]> {
  const { rows } = await db.query<{ month: string; created_at: Date; bytes: number }>(
    'SELECT month, created_at, octet_length(content) AS bytes FROM national_reports ORDER BY month DESC',
  );
  return rows.map((r) => ({ month: r.month, createdAt: r.created_at, bytes: r.bytes }));
}

export async function findNationalReport(db: Queryable, month: string): Promise<{ content: string; createdAt: Date } | null> {
  const { rows } = await db.query<{ content: string; created_at: Date }>('SELECT content, created_at FROM national_reports WHERE month = $1', [month]);
  return rows[0] ? { content: rows[0].content, createdAt: rows[0].created_at } : null;
}

/** Removes stored files, for the demo seed only: it rewrites the history those months were made from. */
export async function deleteNationalReports(db: Queryable, months: readonly string[]): Promise<void> {
  await db.query('DELETE FROM national_reports WHERE month = ANY($1)', [months]);
}
