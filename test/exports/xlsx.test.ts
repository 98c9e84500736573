import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readXlsx, sheetName, SUPPRESSED, SUPPRESSED_TEXT, xlsxWorkbook } from '../../src/exports/xlsx.js';

describe('XLSX workbooks', () => {
  it('keep numbers as numbers, shares as percentages, text that looks like a formula as text, and mark suppressed cells', async () => {
    const bytes = await xlsxWorkbook([
      {
        name: 'Kontakt samma dag',
        columns: [
          { header: 'Vårdcentral', kind: 'text' },
          { header: 'Antal', kind: 'integer' },
          { header: 'Andel', kind: 'share' },
        ],
        rows: [
          ['Vårdcentralen Åby', 429777, 0.9512],
          ['=HYPERLINK("http://x")', SUPPRESSED, SUPPRESSED],
        ],
        note: `${SUPPRESSED_TEXT}: färre än 20 fall`,
      },
      { name: 'Tid/avvikelse [min]: en mycket lång rubrik för ett blad', columns: [{ header: 'x', kind: 'decimal' }], rows: [[1.25]] },
    ]);
    const sheets = await readXlsx(bytes);
    expect([...sheets.keys()]).toEqual(['Kontakt samma dag', 'Tid-avvikelse -min-- en mycket']);
    expect(sheets.get('Kontakt samma dag')!.slice(0, 3)).toEqual([
      ['Vårdcentral', 'Antal', 'Andel'],
      ['Vårdcentralen Åby', 429777, 0.9512],
      ['=HYPERLINK("http://x")', SUPPRESSED_TEXT, SUPPRESSED_TEXT],
    ]);

    // The formats a reader sees, and no formula anywhere.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = workbook.getWorksheet('Kontakt samma dag')!;
    expect(ws.getCell('B2').numFmt).toBe('#,##0');
    expect(ws.getCell('C2').numFmt).toBe('0.0%');
    expect(ws.getCell('A3').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('gives sheets Excel-valid, distinct names', () => {
    expect(sheetName('a/b\\c?d*e[f]g:h')).toBe('a-b-c-d-e-f-g-h');
    expect(sheetName('')).toBe('Blad');
  });
});
