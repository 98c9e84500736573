// The national file's rows (src/domain/nationalReport.ts): units by HSA-id, the codes of the mapping, the intervals
// 0, 0–3 and 0–7 days, sex, ownership, and suppression under 20 with the cells that would give a small group away.
import { describe, expect, it } from 'vitest';
import { defaultNationalMapping, parseNationalMapping } from '../../src/config/nationalMapping.js';
import { parseCsv, UTF8_BOM } from '../../src/domain/csv.js';
import {
  nationalCsv,
  nationalFile,
  nationalUnitCsv,
  reportableUnits,
  suppressedCells,
  SUPPRESSION_THRESHOLD,
  type FirstContact,
  type NationalMapping,
  type NationalRow,
  type NationalUnitInput,
} from '../../src/domain/nationalReport.js';
import type { Sex } from '../../src/domain/patientGroup.js';
import type { ContactMode, Profession } from '../../src/domain/profession.js';
import { ConfigError } from '../../src/errors.js';

const MAPPING = defaultNationalMapping();
const HSA = 'SE2321000016-15CQ';

function contacts(n: number, c: Partial<FirstContact> = {}): FirstContact[] {
  return Array.from({ length: n }, () => ({ profession: 'doctor' as Profession, mode: 'visit' as ContactMode, sex: 'female' as Sex, days: 0, ...c }));
}

function unit(u: Partial<NationalUnitInput> = {}): NationalUnitInput {
  return { clinicId: 'vc-aby', clinicName: 'Vårdcentralen Åby', hsaId: HSA, ownership: 'public', calls: { received: 0, answeredSameDay: 0 }, firstContacts: [], ...u };
}

/** The rows of one measure and breakdown: [interval, count, total, suppressed]. */
function cells(rows: readonly NationalRow[], where: Partial<NationalRow>) {
  return rows
    .filter((r) => Object.entries(where).every(([k, v]) => r[k as keyof NationalRow] === v))
    .map((r) => [r.interval, r.count, r.total, r.suppressed]);
}
const assessment = (where: Partial<NationalRow> = {}) => ({ measure: 'Medicinsk bedömning', profession: 'Alla', contactForm: 'Alla', sex: 'Alla', ...where });

describe('the national file’s rows', () => {
  it('publishes telephone accessibility per HSA-id: all calls and those answered the same day, suppressed at 19 and published at 20', () => {
    const file = nationalFile('2027-03', [
      unit({ calls: { received: 20, answeredSameDay: 12 } }),
      unit({ clinicId: 'vc-berga', clinicName: 'Berga', hsaId: 'SE2321000016-BERG', calls: { received: 19, answeredSameDay: 19 } }),
    ], MAPPING);
    const telephone = file.rows.filter((r) => r.table === 'telephone');
    expect(telephone.map((r) => [r.hsaId, r.measure, r.interval, r.count, r.total, r.share, r.suppressed])).toEqual([
      [HSA, 'Telefontillgänglighet', '0', 12, 20, 0.6, false],
      ['SE2321000016-BERG', 'Telefontillgänglighet', '0', null, null, null, true],
    ]);
    expect(telephone.every((r) => r.month === '2027-03' && r.profession === 'Alla' && r.sex === 'Alla')).toBe(true);
  });

  it('counts first contacts in the intervals 0, 0–3 and 0–7 calendar days after day 0', () => {
    // Days 0, 0, 1, 3, 4, 7, 8 and 13 more on day 2: 20 contacts.
    const days = [0, 0, 1, 3, 4, 7, 8, ...Array<number>(13).fill(2)];
    const file = nationalFile('2027-03', [unit({ firstContacts: days.map((d) => contacts(1, { days: d })[0]!) })], MAPPING);
    expect(cells(file.rows, assessment())).toEqual([
      ['0', 2, 20, false],
      ['0-3', 17, 20, false], // 0, 0, 1, 3 and the thirteen on day 2
      ['0-7', 19, 20, false], // all but day 8
    ]);
    expect(file.rows.find((r) => r.interval === '0-3' && r.profession === 'Alla' && r.table === 'medicalAssessment')!.share).toBe(17 / 20);
  });

  it('suppresses a unit’s assessment total at 19 and publishes it at 20, with every breakdown withheld when the total is', () => {
    const at19 = nationalFile('2027-03', [unit({ firstContacts: contacts(19) })], MAPPING);
    expect(cells(at19.rows, assessment())).toEqual([['0', null, null, true], ['0-3', null, null, true], ['0-7', null, null, true]]);
    expect(at19.rows.filter((r) => r.table === 'medicalAssessment').every((r) => r.suppressed && r.count === null && r.share === null)).toBe(true);
    const at20 = nationalFile('2027-03', [unit({ firstContacts: contacts(20) })], MAPPING);
    expect(cells(at20.rows, assessment())).toEqual([['0', 20, 20, false], ['0-3', 20, 20, false], ['0-7', 20, 20, false]]);
    expect(SUPPRESSION_THRESHOLD).toBe(20);
  });

  it('writes the mapping’s codes: YRKESGRUPP for professions (nurses and district nurses one cell), contact type 8 and 81, sex and ownership', () => {
    const firstContacts = [
      ...contacts(12, { profession: 'nurse', mode: 'phone', sex: 'male' }),
      ...contacts(10, { profession: 'district_nurse', mode: 'video', sex: 'male' }),
      ...contacts(25, { profession: 'doctor', mode: 'visit', sex: 'female' }),
      ...contacts(21, { profession: 'physiotherapist', mode: 'visit', sex: 'unknown' }),
    ];
    const file = nationalFile('2027-03', [unit({ ownership: 'private', firstContacts })], MAPPING);
    const sameDay = (where: Partial<NationalRow>) => cells(file.rows, { ...assessment(where), interval: '0' })[0];
    expect(sameDay({ profession: 'XS915' })).toEqual(['0', 25, 25, false]);
    expect(sameDay({ profession: 'XS919' })).toEqual(['0', 22, 22, false]); // 12 nurses + 10 district nurses
    expect(sameDay({ profession: 'XS918' })).toEqual(['0', 21, 21, false]);
    expect(sameDay({ profession: 'XS925' })).toEqual(['0', null, null, true]); // no midwife: 0 < 20
    expect(sameDay({ profession: 'OVRIG' })).toEqual(['0', null, null, true]);
    expect(sameDay({ contactForm: 'BESOK' })).toEqual(['0', 46, 46, false]);
    expect(sameDay({ contactForm: '8' })).toEqual(['0', null, null, true]); // 12 by phone
    // Video alone (10) would be recoverable as 68 − 46 − 12 only if phone were published; both are withheld.
    expect(sameDay({ contactForm: '81' })).toEqual(['0', null, null, true]);
    expect(sameDay({ sex: 'Kvinna' })).toEqual(['0', 25, 25, false]);
    expect(sameDay({ sex: 'Man' })).toEqual(['0', 22, 22, false]);
    expect(sameDay({ sex: 'Okänt' })).toEqual(['0', 21, 21, false]);
    expect(new Set(file.rows.map((r) => r.ownership))).toEqual(new Set(['Privat']));
    // Every unit has the same rows every month: telephone, then total, 5 professions, 3 forms, 3 sexes, each × 3 intervals.
    expect(file.rows).toHaveLength(1 + (1 + 5 + 3 + 3) * 3);
  });

  it('withholds the smallest published cell too when the withheld ones would add up to fewer than 20', () => {
    // 45 contacts: 30 women, 15 men. Men alone are under 20, and 45 − 30 would give them away: women are withheld too.
    const file = nationalFile('2027-03', [unit({ firstContacts: [...contacts(30, { sex: 'female' }), ...contacts(15, { sex: 'male' })] })], MAPPING);
    const bySex = (sex: string) => cells(file.rows, { ...assessment({ sex }), interval: '0-3' })[0];
    expect(bySex('Kvinna')).toEqual(['0-3', null, null, true]);
    expect(bySex('Man')).toEqual(['0-3', null, null, true]);
    expect(bySex('Okänt')).toEqual(['0-3', null, null, true]); // none: under 20 as well
    expect(cells(file.rows, { ...assessment(), interval: '0-3' })[0]).toEqual(['0-3', 45, 45, false]);
  });

  it('decides secondary suppression on the withheld cells’ sum', () => {
    expect(suppressedCells([35, 24, 1], true)).toEqual([false, true, true]); // 1 alone is derivable; with 24 it is 25
    expect(suppressedCells([30, 15, 0], true)).toEqual([true, true, true]);
    expect(suppressedCells([30, 25, 0], true)).toEqual([false, false, true]); // a withheld 0 gives nothing away
    expect(suppressedCells([20, 20], true)).toEqual([false, false]);
    expect(suppressedCells([25, 19, 19], true)).toEqual([false, true, true]); // 38 withheld together: enough
    expect(suppressedCells([10, 5], false)).toEqual([true, true]);
  });

  it('leaves out a clinic without an HSA-id, saying so, and takes an unrecorded ownership as unknown', () => {
    const file = nationalFile('2027-03', [unit({ hsaId: null, calls: { received: 40, answeredSameDay: 40 } }), unit({ clinicId: 'vc-b', hsaId: 'SE2321000016-B', ownership: null })], MAPPING);
    expect(file.unreported).toEqual([{ clinicId: 'vc-aby', clinicName: 'Vårdcentralen Åby', reason: 'no_hsa_id' }]);
    expect(new Set(file.rows.map((r) => r.clinicId))).toEqual(new Set(['vc-b']));
    expect(file.rows[0]!.ownership).toBe('Okänd');
    expect(reportableUnits(file)).toEqual([{ hsaId: 'SE2321000016-B', clinicId: 'vc-b' }]);
  });

  it('writes CSV with the mapping’s headers, withheld figures empty and flagged, and one unit’s part for delivery without a byte order mark', () => {
    const file = nationalFile('2027-03', [
      unit({ calls: { received: 25, answeredSameDay: 20 }, firstContacts: contacts(3) }),
      unit({ clinicId: 'vc-b', clinicName: '=HYPERLINK("x")', hsaId: 'SE2321000016-B' }),
    ], MAPPING);
    const csv = nationalCsv(file, ['vc-aby']);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual(['Period', 'HSA-id', 'Enhet', 'Ägarform', 'Mått', 'Yrkesgrupp', 'Kontaktform', 'Kön', 'Intervall (dagar)', 'Antal inom intervallet', 'Antal totalt', 'Andel', 'Undertryckt (färre än 20)']);
    expect(rows[0]).toEqual(['2027-03', HSA, 'Vårdcentralen Åby', 'Offentlig', 'Telefontillgänglighet', 'Alla', 'Alla', 'Alla', '0', '20', '25', '0.8000', 'Nej']);
    expect(rows[1]).toEqual(['2027-03', HSA, 'Vårdcentralen Åby', 'Offentlig', 'Medicinsk bedömning', 'Alla', 'Alla', 'Alla', '0', '', '', '', 'Ja']);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set([HSA]));
    // No personal identifier anywhere: the rows hold HSA-ids, codes and counts.
    expect(csv).not.toMatch(/\d{12}/);

    const delivered = nationalUnitCsv(file, 'SE2321000016-B');
    expect(delivered.startsWith(UTF8_BOM)).toBe(false);
    const [, ...unitRows] = parseCsv(delivered);
    expect(new Set(unitRows.map((r) => r[1]))).toEqual(new Set(['SE2321000016-B']));
    expect(unitRows[0]![2]).toBe(`'=HYPERLINK("x")`); // a name that looks like a formula stays text
  });

  it('takes its column names, order and code values from the mapping, so a region changes them without code', () => {
    const own: NationalMapping = {
      ...MAPPING,
      name: 'Region X',
      columns: [
        { key: 'hsaId', header: 'enhet_hsaid' },
        { key: 'month', header: 'period' },
        { key: 'measure', header: 'matt' },
        { key: 'profession', header: 'yrke' },
        { key: 'contactForm', header: 'kontakttyp' },
        { key: 'sex', header: 'kon' },
        { key: 'interval', header: 'dagar' },
        { key: 'count', header: 'antal' },
        { key: 'total', header: 'totalt' },
      ],
      codes: { ...MAPPING.codes, all: 'TOT', sex: { female: '2', male: '1', unknown: '0' }, measure: { telephone: 'TEL', medicalAssessment: 'MB' } },
    };
    const file = nationalFile('2027-03', [unit({ firstContacts: contacts(20, { sex: 'male' }) })], own);
    const [header, , total] = parseCsv(nationalCsv(file, ['vc-aby']));
    expect(header).toEqual(['enhet_hsaid', 'period', 'matt', 'yrke', 'kontakttyp', 'kon', 'dagar', 'antal', 'totalt']);
    expect(total).toEqual([HSA, '2027-03', 'MB', 'TOT', 'TOT', 'TOT', '0', '20', '20']);
    expect(cells(file.rows, { measure: 'MB', sex: '1', interval: '0' })).toEqual([['0', 20, 20, false]]);
  });
});

describe('the mapping file', () => {
  it('ships a default that passes its own validation, with the documented codes', () => {
    expect(MAPPING.codes.profession).toMatchObject({ doctor: 'XS915', nurse: 'XS919', physiotherapist: 'XS918', midwife: 'XS925' });
    expect(MAPPING.codes.contactForm).toMatchObject({ phone: '8', video: '81' });
    expect(MAPPING.codes.interval).toEqual({ sameDay: '0', within3Days: '0-3', within7Days: '0-7' });
    expect(MAPPING.codes.sex.unknown).toBe('Okänt');
  });

  const broken = (change: (m: any) => void) => {
    const m = structuredClone(MAPPING) as any;
    change(m);
    return () => parseNationalMapping(m, 'region.json');
  };

  it.each([
    ['a profession without a code', (m: any) => delete m.codes.profession.dietitian, /codes\.profession\.dietitian/],
    ['an unknown key (a typo)', (m: any) => (m.codes.profession.docter = 'X'), /codes\.profession: Unrecognized key: "docter"/],
    ['a required column left out', (m: any) => (m.columns = m.columns.filter((c: any) => c.key !== 'hsaId')), /columns: must include the column "hsaId"/],
    ['two columns with one name', (m: any) => (m.columns[1].header = 'Period'), /columns: has two columns named "Period"/],
    ['one code for two sexes', (m: any) => (m.codes.sex.male = 'Kvinna'), /codes\.sex: gives "Kvinna" to two values/],
    ['a breakdown code equal to the total’s', (m: any) => (m.codes.contactForm.visit = 'Alla'), /codes\.contactForm: must not use "Alla"/],
    ['a code with a line break', (m: any) => (m.codes.all = 'A\nB'), /codes\.all: must not hold control characters/],
  ])('refuses %s, naming the file and the place', (_what, change, message) => {
    expect(broken(change)).toThrow(ConfigError);
    expect(broken(change)).toThrow(/^Invalid national mapping region\.json:/);
    expect(broken(change)).toThrow(message);
  });
});
