// Spreadsheet formula injection: text in the CSV files the product writes (a clinic's name here) that a
// spreadsheet would evaluate as a formula reaches the file behind a single quote, through the real endpoints.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { readXlsx } from '../../src/exports/xlsx.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

/** Clinic names that start with each character OWASP lists: =, @, +, -, tab and carriage return. */
const HOSTILE_NAMES = [
  '=HYPERLINK("http://evil.example","klicka")',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '+46 Vårdcentralen',
  '-2+3+cmd|\' /C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
];

async function download(s: TestServer, path: string, authorization: string): Promise<{ status: number; text: string }> {
  const res = await fetch(s.baseUrl + path, { headers: { Authorization: authorization } });
  return { status: res.status, text: Buffer.from(await res.arrayBuffer()).toString('utf8') };
}

/** No cell of the file starts with a character that makes a spreadsheet evaluate it, unless it is a plain number. */
function expectNoFormulaCells(rows: string[][]) {
  for (const cell of rows.flat()) if (!/^-?\d+(\.\d+)?$/.test(cell)) expect(cell, JSON.stringify(cell)).not.toMatch(/^[=+\-@\t\r]/);
}

describe('CSV exports and clinics whose names read as formulas', () => {
  it('GET /api/reports/measures.csv writes each name behind a single quote, and its figures as numbers', async () => {
    const s = server();
    s.clock.set('2027-03-30T08:00:00+02:00');
    const clinics = [];
    for (const name of HOSTILE_NAMES) clinics.push(await trackerClinic(s, { name }));
    // One callback reached 5 minutes late, so the file has figures to keep numeric.
    const first = clinics[0]!;
    const booked = await first.book();
    const late = DateTime.fromISO(booked.slot.start, { setZone: true }).plus({ minutes: 20 }).toISO()!;
    await first.call(booked.id, late, true);

    const ids = clinics.map((c) => c.clinicId);
    const region = await s.addStaff('manager', ids);
    const file = await download(s, `/api/reports/measures.csv?clinics=${ids.join(',')}&from=2027-03-30&to=2027-03-30`, region);
    expect(file.status).toBe(200);
    const [header, ...rows] = parseCsv(file.text);
    const nameColumn = header!.indexOf('clinic_name');
    const byClinic = new Map(rows.map((r) => [r[header!.indexOf('clinic_id')]!, r]));
    expect(ids.map((id) => byClinic.get(id)![nameColumn])).toEqual(HOSTILE_NAMES.map((name) => `'${name}`));
    expectNoFormulaCells(rows);
    // The raw bytes too: the carriage-return name is one quoted cell, the quote inside the quotes.
    expect(file.text).toContain(`"'\r=1+1"`);
    expect(file.text).toContain(`"'=HYPERLINK(""http://evil.example"",""klicka"")"`);
    // Figures stay figures: the reached callback counts as a number, not as text.
    const firstRow = byClinic.get(first.clinicId)!;
    expect(firstRow[header!.indexOf('callbacks_with_attempt')]).toBe('1');
    expect(firstRow[header!.indexOf('share_late')]).toBe('1');
    expect(firstRow[header!.indexOf('median_abs_deviation_minutes')]).toMatch(/^\d+(\.\d+)?$/);
  });

  it('GET /api/reports/national/:month writes each name behind a single quote, also in a file stored before the fix', async () => {
    const s = server();
    s.clock.set('2027-04-20T06:00:00+02:00');
    const ids = [];
    for (const [i, name] of HOSTILE_NAMES.entries()) {
      const id = await s.addClinic({ name });
      await s.db.query('UPDATE clinics SET hsa_id = $2 WHERE id = $1', [id, `SE2321000016-INJ${i}`]);
      ids.push(id);
    }
    s.clock.set('2027-05-01T03:00:00+02:00');
    expect(await s.services.national.produce('2027-04')).toEqual({ month: '2027-04', created: true });
    const region = await s.addStaff('manager', ids);

    const file = await download(s, '/api/reports/national/2027-04', region);
    expect(file.status).toBe(200);
    const [header, ...rows] = parseCsv(file.text);
    expect(header?.slice(1, 3)).toEqual(['HSA-id', 'Enhet']);
    expect(HOSTILE_NAMES.map((_, i) => rows.find((r) => r[1] === `SE2321000016-INJ${i}`)![2])).toEqual(HOSTILE_NAMES.map((name) => `'${name}`));
    expectNoFormulaCells(rows);

    // A file stored before the fix holds the names as they were; the download still neutralises them.
    const [id] = ids;
    const raw = `month,clinic_id,clinic_name,measure,profession,numerator,denominator,share,suppressed\r\n2027-03,${id},"=HYPERLINK(""http://evil.example"",""klicka"")",callbacks,all,21,21,1,false\r\n2027-03,${id},@SUM(1),calls,all,-5,20,-0.2500,false\r\n`;
    await s.db.query('INSERT INTO national_reports (month, created_at, content) VALUES ($1, $2, $3)', ['2027-03', '2027-04-01T01:00:00Z', raw]);
    const old = await download(s, '/api/reports/national/2027-03', region);
    expect(old.status).toBe(200);
    expect(parseCsv(old.text).slice(1)).toEqual([
      ['2027-03', id, `'=HYPERLINK("http://evil.example","klicka")`, 'callbacks', 'all', '21', '21', '1', 'false'],
      // Numbers read back from the stored text stay numbers, even negative ones.
      ['2027-03', id, "'@SUM(1)", 'calls', 'all', '-5', '20', '-0.2500', 'false'],
    ]);
    // The same old file as XLSX: its one table, names as text, figures as numbers.
    const workbook = await fetch(`${s.baseUrl}/api/reports/national/2027-03.xlsx`, { headers: { Authorization: region } });
    expect(workbook.status).toBe(200);
    const sheets = await readXlsx(Buffer.from(await workbook.arrayBuffer()));
    expect([...sheets.values()][0]!.slice(0, 3)).toEqual([
      ['month', 'clinic_id', 'clinic_name', 'measure', 'profession', 'numerator', 'denominator', 'share', 'suppressed'],
      ['2027-03', id, '=HYPERLINK("http://evil.example","klicka")', 'callbacks', 'all', 21, 21, 1, 'false'],
      ['2027-03', id, '@SUM(1)', 'calls', 'all', -5, 20, -0.25, 'false'],
    ]);
  });
});
