// SQL for the stored monthly national-reporting files.
import { DateTime } from 'luxon';
import type { Queryable } from './database.js';

export interface StoredNationalReport {
  month: string;
  /** The whole region's file as produced, without a byte order mark. */
  content: string;
  createdAt: DateTime;
}

const fromRow = (r: { month: string; content: string; created_at: Date }): StoredNationalReport => ({
  month: r.month,
  content: r.content,
  createdAt: DateTime.fromJSDate(r.created_at, { zone: 'utc' }),
});

/** Stores a month's file once; a second production of the same month changes nothing. Returns true when stored. */
export async function storeNationalReport(db: Queryable, month: string, content: string, at: DateTime): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO national_reports (month, created_at, content) VALUES ($1, $2, $3) ON CONFLICT (month) DO NOTHING',
    [month, at.toISO(), content],
  );
  return rowCount > 0;
}

/** Every stored file, newest month first, with its content: each caller is served only their clinics' rows. */
export async function listNationalReports(db: Queryable): Promise<StoredNationalReport[]> {
  const { rows } = await db.query<{ month: string; content: string; created_at: Date }>(
    'SELECT month, content, created_at FROM national_reports ORDER BY month DESC',
  );
  return rows.map(fromRow);
}

export async function findNationalReport(db: Queryable, month: string): Promise<StoredNationalReport | null> {
  const { rows } = await db.query<{ month: string; content: string; created_at: Date }>(
    'SELECT month, content, created_at FROM national_reports WHERE month = $1',
    [month],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Removes stored files, for the demo seed only: it rewrites the history those months were made from. */
export async function deleteNationalReports(db: Queryable, months: readonly string[]): Promise<void> {
  await db.query('DELETE FROM national_reports WHERE month = ANY($1)', [months]);
}
