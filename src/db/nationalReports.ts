// SQL for the stored monthly national-reporting files, and the first contacts the medical-assessment measure counts.
import { DateTime } from 'luxon';
import type { NationalFile, FirstContact } from '../domain/nationalReport.js';
import { sexOf } from '../domain/patientGroup.js';
import type { ContactMode, Profession } from '../domain/profession.js';
import type { Queryable } from './database.js';

export interface StoredNationalReport {
  month: string;
  createdAt: DateTime;
  /** The file in the national shape (migration 020 on); null for a file stored before. */
  file: NationalFile | null;
  /** A file stored before migration 020: the whole region's CSV, without a byte order mark; null otherwise. */
  content: string | null;
}

interface Row {
  month: string;
  content: string | null;
  file: NationalFile | string | null;
  created_at: Date;
}

const fromRow = (r: Row): StoredNationalReport => ({
  month: r.month,
  createdAt: DateTime.fromJSDate(r.created_at, { zone: 'utc' }),
  // node-pg parses jsonb; PGlite does too, but a driver handing text is read the same.
  file: typeof r.file === 'string' ? (JSON.parse(r.file) as NationalFile) : r.file,
  content: r.content,
});

/** Stores a month's file once; a second production of the same month changes nothing. Returns true when stored. */
export async function storeNationalFile(db: Queryable, file: NationalFile, at: DateTime): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO national_reports (month, created_at, file) VALUES ($1, $2, $3) ON CONFLICT (month) DO NOTHING',
    [file.month, at.toISO(), JSON.stringify(file)],
  );
  return rowCount > 0;
}

/** Every stored file, newest month first: each caller is served only their clinics' rows. */
export async function listNationalReports(db: Queryable): Promise<StoredNationalReport[]> {
  const { rows } = await db.query<Row>('SELECT month, content, file, created_at FROM national_reports ORDER BY month DESC');
  return rows.map(fromRow);
}

export async function findNationalReport(db: Queryable, month: string): Promise<StoredNationalReport | null> {
  const { rows } = await db.query<Row>('SELECT month, content, file, created_at FROM national_reports WHERE month = $1', [month]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Removes stored files and their deliveries, for the demo seed only: it rewrites the history those months were made from. */
export async function deleteNationalReports(db: Queryable, months: readonly string[]): Promise<void> {
  await db.query('DELETE FROM national_deliveries WHERE month = ANY($1)', [months]);
  await db.query('DELETE FROM national_reports WHERE month = ANY($1)', [months]);
}

/**
 * The first contacts of a month: the guarantee cases assessed on a date from–to, with the profession and mode of the
 * assessment and its calendar days after day 0 as the measure facts hold them (the region's start basis; refresh
 * them first). Sex is read from the personnummer here, so that the number itself goes no further.
 */
export async function listFirstContacts(
  db: Queryable,
  q: { clinicIds: readonly string[]; from: string; to: string },
): Promise<(FirstContact & { clinicId: string })[]> {
  const { rows } = await db.query<{ clinic_id: string; profession: Profession; mode: ContactMode; days: number; pin: string | null }>(
    `SELECT g.clinic_id, m.profession, m.mode, m.days_to_assessment AS days, c.personal_identity_number AS pin
       FROM guarantee_cases g
       JOIN guarantee_measures m ON m.callback_id = g.callback_id
       JOIN callbacks c ON c.id = g.callback_id
      WHERE g.clinic_id = ANY($1) AND g.status = 'assessed' AND g.assessment_date BETWEEN $2 AND $3
        AND m.result IN ('within', 'late')`,
    [q.clinicIds, q.from, q.to],
  );
  return rows.map((r) => ({ clinicId: r.clinic_id, profession: r.profession, mode: r.mode, days: r.days, sex: sexOf(r.pin) }));
}
