// Who may read which rows of the monthly national file: a manager gets the clinics they cover, nothing else.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-04-20T06:00:00+02:00');

/** The file as the bytes a caller downloads (fetch's text() would drop a byte order mark). */
async function download(s: TestServer, path: string, authorization: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(s.baseUrl + path, { headers: { Authorization: authorization } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('GET /api/reports/national and /api/reports/national/:month', () => {
  it('serve a manager of one clinic only that clinic’s rows, each still suppressed under 20, and region staff every clinic', async () => {
    const s = server();
    // Tuesday 20 April 2027: 21 patients at Åby, all reached the same day; one at Köping.
    s.clock.set('2027-04-20T06:00:00+02:00');
    const aby = await trackerClinic(s, {
      name: 'Vårdcentralen Åby',
      capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 30 }],
    });
    const koping = await trackerClinic(s, { name: 'Vårdcentralen Köping, Väst' });
    for (let i = 0; i < 21; i++) {
      const b = await aby.book();
      await aby.call(b.id, b.slot.start, true);
    }
    const few = await koping.book();
    await koping.call(few.id, few.slot.start, true);
    // Calls to the booking numbers that day (callers who hung up): 21 at Åby, one at Köping.
    for (const [clinicId, n] of [[aby.clinicId, 21], [koping.clinicId, 1]] as const) {
      for (let i = 0; i < n; i++) {
        await s.db.query(
          `INSERT INTO incoming_calls (call_id, clinic_id, received_at, local_date, caller_hidden, outcome, updated_at)
           VALUES ($1, $2, '2027-04-20T06:00:00+02:00', '2027-04-20', false, 'answered', '2027-04-20T06:00:00+02:00')`,
          [`c${clinicId}${i}`.replace(/[^A-Za-z0-9]/g, ''), clinicId],
        );
      }
    }
    await s.db.query(`UPDATE clinics SET hsa_id = 'SE2321000016-ABY1' WHERE id = $1`, [aby.clinicId]);
    await s.db.query(`UPDATE clinics SET hsa_id = 'SE2321000016-KOP1' WHERE id = $1`, [koping.clinicId]);
    s.clock.set('2027-05-01T03:00:00+02:00');
    expect(await s.services.national.produce()).toEqual({ month: '2027-04', created: true });

    const region = await s.addStaff('manager', [aby.clinicId, koping.clinicId]);
    const elsewhere = await s.addStaff('manager', [await s.addClinic()]);
    const rowsFor = async (authorization: string) => {
      const file = await download(s, '/api/reports/national/2027-04', authorization);
      expect(file.status).toBe(200);
      const [header, ...rows] = parseCsv(file.bytes.toString('utf8'));
      expect(header?.slice(0, 3)).toEqual(['Period', 'HSA-id', 'Enhet']);
      return { rows, bytes: file.bytes.length, start: [...file.bytes.subarray(0, 3)] };
    };
    const calls = (rows: string[][], hsaId: string) => rows.find((r) => r[1] === hsaId && r[4] === 'Telefontillgänglighet')?.slice(9);

    // Köping's manager: Köping's rows only, its one call suppressed; not a figure of Åby's.
    const kopingFile = await rowsFor(koping.manager);
    expect(new Set(kopingFile.rows.map((r) => r[1]))).toEqual(new Set(['SE2321000016-KOP1']));
    expect(kopingFile.rows.map((r) => r[2])).toContain('Vårdcentralen Köping, Väst');
    expect(calls(kopingFile.rows, 'SE2321000016-KOP1')).toEqual(['', '', '', 'Ja']);
    // A byte order mark first, so Excel reads å, ä and ö as UTF-8.
    expect(kopingFile.start).toEqual([0xef, 0xbb, 0xbf]);

    // Åby's manager: Åby's rows only, published because 21 ≥ 20.
    const abyFile = await rowsFor(aby.manager);
    expect(new Set(abyFile.rows.map((r) => r[1]))).toEqual(new Set(['SE2321000016-ABY1']));
    expect(calls(abyFile.rows, 'SE2321000016-ABY1')).toEqual(['0', '21', '0', 'Nej']);

    // Staff covering both clinics get both, row for row what each manager got.
    const regionFile = await rowsFor(region);
    const byText = (rows: string[][]) => rows.map((r) => r.join(',')).sort();
    expect(byText(regionFile.rows)).toEqual(byText([...abyFile.rows, ...kopingFile.rows]));

    // A manager whose clinic has no rows gets the header alone.
    expect((await rowsFor(elsewhere)).rows).toEqual([]);

    // The list tells each caller the size of the file they will get, and when it was made (region time).
    const list = await s.request('GET', '/api/reports/national', { headers: { Authorization: koping.manager } });
    expect(list.status).toBe(200);
    expect(list.body.reports).toEqual([
      {
        month: '2027-04',
        createdAt: '2027-05-01T03:00:00+02:00',
        bytes: kopingFile.bytes,
        format: 'national',
        href: '/api/reports/national/2027-04',
        xlsxHref: '/api/reports/national/2027-04.xlsx',
        unreported: [],
      },
    ]);
    const regionList = await s.request('GET', '/api/reports/national', { headers: { Authorization: region } });
    expect(regionList.body.reports[0].bytes).toBe(regionFile.bytes);
  });

  it('still refuses nurses', async () => {
    const s = server();
    const nurse = await s.addStaff('nurse', [await s.addClinic()]);
    expect((await s.request('GET', '/api/reports/national', { headers: { Authorization: nurse } })).status).toBe(403);
    expect((await s.request('GET', '/api/reports/national/2027-04', { headers: { Authorization: nurse } })).status).toBe(403);
  });
});
