// Workbooks people open (XLSX, with exceljs): numbers stored as numbers, shares formatted as percentages, a header
// row that stays in view, one sheet per table, suppressed cells marked. Swedish Excel then shows decimal commas and
// its own separators by itself, which no CSV can promise. Text is stored as text, never as a formula.
import ExcelJS from 'exceljs';

/** A cell withheld because it covers fewer cases than the publication threshold (rule 10). */
export const SUPPRESSED = Symbol('suppressed');

export type CellValue = string | number | null | typeof SUPPRESSED;

export interface Column {
  header: string;
  /** text; integer ("1 234"); share (a fraction 0–1, shown as a percentage); decimal (one decimal). */
  kind: 'text' | 'integer' | 'share' | 'decimal';
  /** Characters; default from the header and kind. */
  width?: number;
}

export interface Sheet {
  /** Excel allows 31 characters and none of []:*?/\ ; longer names are cut, forbidden characters replaced. */
  name: string;
  columns: readonly Column[];
  rows: readonly (readonly CellValue[])[];
  /** One line under the table, e.g. what a marked cell means. */
  note?: string;
}

/** What a suppressed cell shows. */
export const SUPPRESSED_TEXT = '<20';

const FORMATS: Record<Column['kind'], string | undefined> = {
  text: undefined,
  integer: '#,##0',
  share: '0.0%',
  decimal: '#,##0.0',
};

export function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, '-').slice(0, 31).trim() || 'Blad';
}

/** The workbook as the bytes of an .xlsx file. */
export async function xlsxWorkbook(sheets: readonly Sheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const used = new Set<string>();
  for (const sheet of sheets) {
    let name = sheetName(sheet.name);
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${sheetName(sheet.name).slice(0, 28)} ${n}`;
    used.add(name.toLowerCase());
    const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c) => ({
      header: c.header,
      width: c.width ?? Math.max(c.header.length + 2, c.kind === 'text' ? 18 : 10),
      style: FORMATS[c.kind] ? { numFmt: FORMATS[c.kind] } : {},
    }));
    ws.getRow(1).font = { bold: true };
    for (const row of sheet.rows) {
      const added = ws.addRow(row.map((v) => (v === SUPPRESSED ? SUPPRESSED_TEXT : v)));
      row.forEach((v, i) => {
        if (v !== SUPPRESSED) return;
        const cell = added.getCell(i + 1);
        cell.alignment = { horizontal: 'right' };
        cell.font = { italic: true, color: { argb: 'FF595959' } };
      });
    }
    if (sheet.note) {
      ws.addRow([]);
      ws.addRow([sheet.note]).font = { italic: true };
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Reads a workbook back as text and numbers per sheet (for tests and for checking an upload). */
export async function readXlsx(bytes: Buffer): Promise<Map<string, (string | number | null)[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets = new Map<string, (string | number | null)[][]>();
  workbook.eachSheet((ws) => {
    const rows: (string | number | null)[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => {
      const values: (string | number | null)[] = [];
      for (let i = 1; i <= ws.columnCount; i++) {
        const v = row.getCell(i).value;
        values.push(typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));
      }
      rows.push(values);
    });
    sheets.set(ws.name, rows);
  });
  return sheets;
}
