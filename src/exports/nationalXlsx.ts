// The national file as an XLSX workbook: one sheet per table (telephone accessibility, medical assessment) with the
// mapping's (Swedish) headers, counts as numbers, shares as percentages, withheld cells marked, and a sheet saying
// what the file is and which of the reader's clinics it leaves out.
import { nationalCells, SUPPRESSION_THRESHOLD, BREAKDOWN_COLUMNS, type NationalColumn, type NationalFile, type NationalRow, type UnreportedUnit } from '../domain/nationalReport.js';
import { SUPPRESSED, SUPPRESSED_TEXT, xlsxWorkbook, type CellValue, type Column, type Sheet } from './xlsx.js';

/** The sheets' names (Excel allows 31 characters). */
export const NATIONAL_SHEETS = { telephone: 'Telefontillgänglighet', medicalAssessment: 'Medicinsk bedömning', about: 'Om filen' } as const;

const FIGURES: readonly NationalColumn[] = ['count', 'total', 'share'];

function kindOf(key: NationalColumn): Column['kind'] {
  if (key === 'share') return 'share';
  if (key === 'count' || key === 'total') return 'integer';
  return 'text';
}

const SUPPRESSION_NOTE = `${SUPPRESSED_TEXT}: färre än ${SUPPRESSION_THRESHOLD} fall, eller så få att en mindre grupp annars kunde räknas fram; uppgiften redovisas inte.`;

function tableSheet(file: NationalFile, name: string, rows: readonly NationalRow[], columns: NationalFile['mapping']['columns']): Sheet {
  return {
    name,
    columns: columns.map((c) => ({ header: c.header, kind: kindOf(c.key) })),
    rows: rows.map((row) => {
      const cells = nationalCells(file, row, columns);
      return cells.map((v, i): CellValue => (row.suppressed && FIGURES.includes(columns[i]!.key) ? SUPPRESSED : v));
    }),
    note: SUPPRESSION_NOTE,
  };
}

/** The caller's rows of a file in the national shape, and the caller's clinics it could not report. */
export function nationalWorkbook(file: NationalFile, rows: readonly NationalRow[], unreported: readonly UnreportedUnit[]): Promise<Buffer> {
  const all = file.mapping.columns;
  const telephoneColumns = all.filter((c) => !BREAKDOWN_COLUMNS.includes(c.key));
  const about: (string | null)[][] = [
    ['Period', file.month],
    ['Kodning', file.mapping.name],
    ['Undertryckning', SUPPRESSION_NOTE],
    ...unreported.map((u) => ['Saknar HSA-id, ej rapporterad', `${u.clinicName} (${u.clinicId})`]),
  ];
  return xlsxWorkbook([
    tableSheet(file, NATIONAL_SHEETS.telephone, rows.filter((r) => r.table === 'telephone'), telephoneColumns),
    tableSheet(file, NATIONAL_SHEETS.medicalAssessment, rows.filter((r) => r.table === 'medicalAssessment'), all),
    { name: NATIONAL_SHEETS.about, columns: [{ header: 'Uppgift', kind: 'text' }, { header: 'Värde', kind: 'text', width: 80 }], rows: about },
  ]);
}

/** A file stored before the national shape (migration 020): its one table, figures as numbers, withheld cells marked. */
export function legacyNationalWorkbook(month: string, table: { header: string[]; rows: string[][] }): Promise<Buffer> {
  const figure = new Set(['numerator', 'denominator', 'share']);
  const suppressedAt = table.header.indexOf('suppressed');
  return xlsxWorkbook([
    {
      name: `Nationell fil ${month}`,
      columns: table.header.map((h) => ({ header: h, kind: h === 'share' ? 'share' : figure.has(h) ? 'integer' : 'text' })),
      rows: table.rows.map((cells) =>
        cells.map((v, i): CellValue => {
          const h = table.header[i]!;
          if (!figure.has(h)) return v;
          if (cells[suppressedAt] === 'true') return SUPPRESSED;
          return v === '' ? null : Number(v);
        }),
      ),
      note: SUPPRESSION_NOTE,
    },
  ]);
}
