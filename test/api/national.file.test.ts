// The national file for April 2027 in the national shape, made from what patients, the telephone system and nurses
// did through the API: per HSA-id, telephone accessibility and first contacts in the intervals 0, 0–3 and 0–7 days by
// profession code, contact form, sex (from the personnummer) and ownership, under 20 suppressed; downloaded as CSV
// and XLSX (read back with exceljs), a clinic without an HSA-id named rather than given one.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { readXlsx, SUPPRESSED_TEXT } from '../../src/exports/xlsx.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { trackerClinic, type TrackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-03-31T06:00:00+02:00');

const ABY_HSA = 'SE2321000016-15CQ';
const KOPING_HSA = 'SE2321000016-KOP1';

/** A valid 12-digit personnummer born `birth` (YYYYMMDD) with serial `serial` (its last digit odd: a man). */
function personnummer(birth: string, serial: string): string {
  const digits = birth.slice(2) + serial;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return `${birth}${serial}${(10 - (sum % 10)) % 10}`;
}
const WOMAN = personnummer('19800101', '002');
const MAN = personnummer('19750505', '013');

async function register(s: TestServer, clinicId: string, hsaId: string | null, ownership: 'public' | 'private' | null) {
  await s.db.query('UPDATE clinics SET hsa_id = $2, ownership = $3 WHERE id = $1', [clinicId, hsaId, ownership]);
}

/** A patient books (with a personnummer or none), is reached at the slot, and the nurse opens a guarantee case. */
async function contact(s: TestServer, clinic: TrackerClinic, pin: string | null): Promise<{ id: string; start: string }> {
  const res = await s.request('POST', `/api/clinics/${clinic.clinicId}/callbacks`, {
    body: { phone: '0701234567', ...(pin ? { personalIdentityNumber: pin } : {}) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await clinic.call(res.body.id, res.body.slot.start, true);
  await clinic.outcome(res.body.id, 'new_problem');
  return { id: res.body.id, start: res.body.slot.start };
}

async function assess(clinic: TrackerClinic, id: string, assessedAt: string, profession: string, mode: string) {
  const res = await clinic.assess(id, { assessedAt, profession, mode });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function callTo(s: TestServer, clinicId: string, when: string, outcome: string, callbackId: string | null) {
  await s.db.query(
    `INSERT INTO incoming_calls (call_id, clinic_id, received_at, local_date, caller_hidden, outcome, callback_id, updated_at)
     VALUES ($1, $2, $3, $4, false, $5, $6, $3)`,
    [`c${randomUUID().replace(/-/g, '')}`, clinicId, when, when.slice(0, 10), outcome, callbackId],
  );
}

async function download(s: TestServer, path: string, authorization: string) {
  const res = await fetch(s.baseUrl + path, { headers: { Authorization: authorization } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
}

let aby: TrackerClinic;
let koping: TrackerClinic;
let berga: TrackerClinic;
let region: string;

beforeAll(async () => {
  const s = server();
  aby = await trackerClinic(s, { name: 'Vårdcentralen Åby', capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 50 }] });
  koping = await trackerClinic(s, { name: 'Vårdcentralen Köping' });
  berga = await trackerClinic(s, { name: 'Vårdcentralen Berga' });
  await register(s, aby.clinicId, ABY_HSA, 'private');
  await register(s, koping.clinicId, KOPING_HSA, 'public');
  await register(s, berga.clinicId, null, 'public');
  region = await s.addStaff('manager', [aby.clinicId, koping.clinicId, berga.clinicId]);

  // Wednesday 31 March: a woman's contact, assessed by a doctor on 1 April: an April first contact, 1 day.
  s.clock.set('2027-03-31T06:00:00+02:00');
  const march = await contact(s, aby, WOMAN);

  // Tuesday 6 April at Åby: 22 women for doctors' visits, 12 men and 8 without a personnummer for nurses by phone.
  s.clock.set('2027-04-06T06:00:00+02:00');
  const doctors: string[] = [];
  const nurses: string[] = [];
  for (let i = 0; i < 22; i++) doctors.push((await contact(s, aby, WOMAN)).id);
  for (let i = 0; i < 20; i++) nurses.push((await contact(s, aby, i < 12 ? MAN : null)).id);
  const open = await contact(s, aby, WOMAN); // never assessed: no first contact yet
  const excluded = await contact(s, aby, WOMAN); // the patient chose a later time
  // Köping: one contact, one first contact (under 20).
  const few = await contact(s, koping, MAN);
  // Berga (no HSA-id): one.
  const unnamed = await contact(s, berga, WOMAN);

  // The calls to Åby's booking number that day: 20 booked a callback reached the same day, 5 hung up.
  for (const id of [...doctors, ...nurses].slice(0, 20)) await callTo(s, aby.clinicId, '2027-04-06T06:00:00+02:00', 'booked', id);
  for (let i = 0; i < 5; i++) await callTo(s, aby.clinicId, '2027-04-06T07:00:00+02:00', 'answered', null);

  // The assessments, recorded later in the month.
  s.clock.set('2027-04-30T12:00:00+02:00');
  await assess(aby, march.id, '2027-04-01T10:00:00+02:00', 'doctor', 'visit');
  const day = (n: number) => `2027-04-${String(6 + n).padStart(2, '0')}T15:00:00+02:00`;
  for (const [i, id] of doctors.entries()) await assess(aby, id, day(i < 10 ? 0 : i < 18 ? 3 : 6), 'doctor', 'visit');
  for (const [i, id] of nurses.entries()) await assess(aby, id, day(i < 5 ? 0 : i < 15 ? 2 : i < 19 ? 4 : 8), i % 2 ? 'district_nurse' : 'nurse', 'phone');
  expect((await aby.exclude(excluded.id, 'patient_chose_later')).status).toBe(200);
  void open;
  await assess(koping, few.id, day(1), 'midwife', 'video');
  await assess(berga, unnamed.id, day(1), 'doctor', 'visit');

  // 1 May 03:00: the monthly job makes April's file.
  s.clock.set('2027-05-01T03:00:00+02:00');
  expect(await s.services.national.produce()).toEqual({ month: '2027-04', created: true });
}, 120_000);

describe('the national file for a month', () => {
  it('downloads as CSV with HSA-ids, codes, sex, ownership and the intervals, suppressing under 20 and naming no person', async () => {
    const s = server();
    const file = await download(s, '/api/reports/national/2027-04', region);
    expect(file.status).toBe(200);
    expect(file.type).toMatch(/^text\/csv/);
    const text = file.bytes.toString('utf8');
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['Period', 'HSA-id', 'Enhet', 'Ägarform', 'Mått', 'Yrkesgrupp', 'Kontaktform', 'Kön', 'Intervall (dagar)', 'Antal inom intervallet', 'Antal totalt', 'Andel', 'Undertryckt (färre än 20)']);
    // Units by HSA-id; Berga has none and is not in the file.
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set([ABY_HSA, KOPING_HSA]));
    expect(text).not.toContain(berga.clinicId);
    // No personal identifier leaves the region.
    expect(text).not.toContain(WOMAN);
    expect(text).not.toContain(MAN);
    expect(text).not.toMatch(/\d{12}/);

    const cell = (hsaId: string, measure: string, by: { profession?: string; contactForm?: string; sex?: string }, interval: string) =>
      rows
        .filter((r) => r[1] === hsaId && r[4] === measure && r[5] === (by.profession ?? 'Alla') && r[6] === (by.contactForm ?? 'Alla') && r[7] === (by.sex ?? 'Alla') && r[8] === interval)
        .map((r) => r.slice(9));
    const mb = 'Medicinsk bedömning';

    // Telephone: 25 calls, 20 answered the same day.
    expect(rows.find((r) => r[1] === ABY_HSA && r[4] === 'Telefontillgänglighet')).toEqual(['2027-04', ABY_HSA, 'Vårdcentralen Åby', 'Privat', 'Telefontillgänglighet', 'Alla', 'Alla', 'Alla', '0', '20', '25', '0.8000', 'Nej']);
    // 43 first contacts in April (the open and the excluded case are none): 15 on day 0, 34 within 3 days, 42 within 7.
    expect(['0', '0-3', '0-7'].map((i) => cell(ABY_HSA, mb, {}, i)[0])).toEqual([
      ['15', '43', '0.3488', 'Nej'],
      ['34', '43', '0.7907', 'Nej'],
      ['42', '43', '0.9767', 'Nej'],
    ]);
    // Doctors (XS915): 23; nurses and district nurses (XS919): 20, one cell; no midwife at Åby.
    expect(cell(ABY_HSA, mb, { profession: 'XS915' }, '0-3')).toEqual([['19', '23', '0.8261', 'Nej']]);
    expect(cell(ABY_HSA, mb, { profession: 'XS919' }, '0-7')).toEqual([['19', '20', '0.9500', 'Nej']]);
    expect(cell(ABY_HSA, mb, { profession: 'XS925' }, '0')).toEqual([['', '', '', 'Ja']]);
    // Contact forms: visits 23, telephone (8) 20, video (81) none.
    expect(cell(ABY_HSA, mb, { contactForm: 'BESOK' }, '0')).toEqual([['10', '23', '0.4348', 'Nej']]);
    expect(cell(ABY_HSA, mb, { contactForm: '8' }, '0')).toEqual([['5', '20', '0.2500', 'Nej']]);
    expect(cell(ABY_HSA, mb, { contactForm: '81' }, '0')).toEqual([['', '', '', 'Ja']]);
    // Sex from the personnummer: 23 women published; 12 men and 8 unknown withheld (together 20, so nothing is derivable).
    expect(cell(ABY_HSA, mb, { sex: 'Kvinna' }, '0-3')).toEqual([['19', '23', '0.8261', 'Nej']]);
    expect(cell(ABY_HSA, mb, { sex: 'Man' }, '0-3')).toEqual([['', '', '', 'Ja']]);
    expect(cell(ABY_HSA, mb, { sex: 'Okänt' }, '0-3')).toEqual([['', '', '', 'Ja']]);
    // Köping: one first contact and no calls, every cell withheld; a public clinic.
    expect(rows.filter((r) => r[1] === KOPING_HSA).every((r) => r[3] === 'Offentlig' && r[9] === '' && r[12] === 'Ja')).toBe(true);
  });

  it('downloads as XLSX, one sheet per table with Swedish headers, numbers as numbers, shares as percentages, suppressed cells marked', async () => {
    const s = server();
    const file = await download(s, '/api/reports/national/2027-04.xlsx', region);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.disposition).toContain('national-2027-04.xlsx');
    const sheets = await readXlsx(file.bytes);
    expect([...sheets.keys()]).toEqual(['Telefontillgänglighet', 'Medicinsk bedömning', 'Om filen']);

    const telephone = sheets.get('Telefontillgänglighet')!;
    expect(telephone[0]).toEqual(['Period', 'HSA-id', 'Enhet', 'Ägarform', 'Mått', 'Intervall (dagar)', 'Antal inom intervallet', 'Antal totalt', 'Andel', 'Undertryckt (färre än 20)']);
    expect(telephone[1]).toEqual(['2027-04', ABY_HSA, 'Vårdcentralen Åby', 'Privat', 'Telefontillgänglighet', '0', 20, 25, 0.8, 'Nej']);
    expect(telephone[2]).toEqual(['2027-04', KOPING_HSA, 'Vårdcentralen Köping', 'Offentlig', 'Telefontillgänglighet', '0', SUPPRESSED_TEXT, SUPPRESSED_TEXT, SUPPRESSED_TEXT, 'Ja']);

    const assessment = sheets.get('Medicinsk bedömning')!;
    expect(assessment[0]).toContain('Yrkesgrupp');
    const row = (profession: string, interval: string) => assessment.find((r) => r[1] === ABY_HSA && r[5] === profession && r[6] === 'Alla' && r[7] === 'Alla' && r[8] === interval);
    expect(row('Alla', '0-7')!.slice(9)).toEqual([42, 43, 42 / 43, 'Nej']);
    expect(row('XS925', '0')!.slice(9)).toEqual([SUPPRESSED_TEXT, SUPPRESSED_TEXT, SUPPRESSED_TEXT, 'Ja']);
    // The CSV's rows, row for row (the telephone sheet leaves out the breakdown columns).
    const csvRows = parseCsv((await download(s, '/api/reports/national/2027-04', region)).bytes.toString('utf8')).slice(1);
    const dataRows = (rows: (string | number | null)[][]) => rows.slice(1).filter((r) => r[1] === ABY_HSA || r[1] === KOPING_HSA);
    expect(dataRows(telephone).length + dataRows(assessment).length).toBe(csvRows.length);

    // What a reader sees: a percentage format on shares, a thousands format on counts.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const ws = workbook.getWorksheet('Telefontillgänglighet')!;
    expect(ws.getCell('I2').numFmt).toBe('0.0%');
    expect(ws.getCell('G2').numFmt).toBe('#,##0');
    expect(ws.getCell('G2').type).toBe(ExcelJS.ValueType.Number);
    // The last sheet names the month, the coding and Berga, which the file leaves out.
    const about = sheets.get('Om filen')!.map((r) => r.join(' '));
    expect(about).toContainEqual(expect.stringContaining('2027-04'));
    expect(about).toContainEqual(expect.stringContaining(`Vårdcentralen Berga (${berga.clinicId})`));
  });

  it('lists the file with both downloads and the caller’s clinics it leaves out; a manager gets only their clinic’s rows in either format', async () => {
    const s = server();
    const list = await s.request('GET', '/api/reports/national', { headers: { Authorization: region } });
    expect(list.status).toBe(200);
    expect(list.body.reports).toEqual([
      expect.objectContaining({
        month: '2027-04',
        format: 'national',
        href: '/api/reports/national/2027-04',
        xlsxHref: '/api/reports/national/2027-04.xlsx',
        unreported: [{ clinicId: berga.clinicId, clinicName: 'Vårdcentralen Berga', reason: 'no_hsa_id' }],
      }),
    ]);
    const kopingList = await s.request('GET', '/api/reports/national', { headers: { Authorization: koping.manager } });
    expect(kopingList.body.reports[0].unreported).toEqual([]);

    const csv = parseCsv((await download(s, '/api/reports/national/2027-04', koping.manager)).bytes.toString('utf8')).slice(1);
    expect(new Set(csv.map((r) => r[1]))).toEqual(new Set([KOPING_HSA]));
    const sheets = await readXlsx((await download(s, '/api/reports/national/2027-04.xlsx', koping.manager)).bytes);
    const hsaIds = [...sheets.get('Telefontillgänglighet')!, ...sheets.get('Medicinsk bedömning')!].slice(1).map((r) => r[1]).filter((v) => typeof v === 'string' && v.startsWith('SE'));
    expect(new Set(hsaIds)).toEqual(new Set([KOPING_HSA]));

    // Berga's own manager: no rows, and told why.
    const bergaList = await s.request('GET', '/api/reports/national', { headers: { Authorization: berga.manager } });
    expect(bergaList.body.reports[0].unreported).toEqual([{ clinicId: berga.clinicId, clinicName: 'Vårdcentralen Berga', reason: 'no_hsa_id' }]);
    expect(parseCsv((await download(s, '/api/reports/national/2027-04', berga.manager)).bytes.toString('utf8'))).toHaveLength(1);
  });

  it('keeps what was produced: a second production changes nothing, a month with no file is 404, nurses are refused', async () => {
    const s = server();
    const before = (await download(s, '/api/reports/national/2027-04', region)).bytes;
    expect(await s.services.national.produce('2027-04')).toEqual({ month: '2027-04', created: false });
    expect((await download(s, '/api/reports/national/2027-04', region)).bytes.equals(before)).toBe(true);
    expect((await download(s, '/api/reports/national/2027-03.xlsx', region)).status).toBe(404);
    expect((await download(s, '/api/reports/national/2027-13.xlsx', region)).status).toBe(400);
    expect((await download(s, '/api/reports/national/2027-04.xlsx', aby.nurse)).status).toBe(403);
  });
});
