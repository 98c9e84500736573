// The monthly file for the national waiting-times reporting, Väntetider i vården (rules 10 and 16), in the national
// shape: per unit (HSA-id) and month, telephone accessibility (total calls, and those answered the same day) and
// medical assessment (first contacts in the intervals 0, 0–3 and 0–7 days, in total and by profession, contact form
// and sex, each row carrying the unit's ownership). Column names and code values come from a mapping a region can
// change without code (src/config/nationalMapping.ts, docs/measures.md#national-reporting). Cells under 20 cases are
// suppressed, and so are as many more as it takes that no group under 20 can be had by subtraction. No personal
// identifier is in the file: sex is read from the personnummer before anything reaches this module.
import { csvDocument, csvFile, csvLine, parseCsv } from './csv.js';
import type { Sex } from './patientGroup.js';
import { CONTACT_MODES, PROFESSIONS, type ContactMode, type Profession } from './profession.js';

/** Published breakdowns suppress cells with fewer than this many cases. */
export const SUPPRESSION_THRESHOLD = 20;

/** The intervals medical assessment is published in: assessed at most this many calendar days after day 0. */
export const NATIONAL_INTERVALS = [
  { key: 'sameDay', maxDays: 0 },
  { key: 'within3Days', maxDays: 3 },
  { key: 'within7Days', maxDays: 7 },
] as const;
export type NationalInterval = (typeof NATIONAL_INTERVALS)[number]['key'];

/** A clinic's ownership (driftsform) as the file knows it: unknown until the region records it. */
export const NATIONAL_OWNERSHIPS = ['public', 'private', 'unknown'] as const;
export type NationalOwnership = (typeof NATIONAL_OWNERSHIPS)[number];

/** Every column the file can have; the mapping names them and chooses their order. */
export const NATIONAL_COLUMNS = [
  'month',
  'hsaId',
  'unitName',
  'ownership',
  'measure',
  'profession',
  'contactForm',
  'sex',
  'interval',
  'count',
  'total',
  'share',
  'suppressed',
] as const;
export type NationalColumn = (typeof NATIONAL_COLUMNS)[number];

/** Without these a row cannot be read: which unit, month, measure, breakdown and interval, and its two counts. */
export const REQUIRED_NATIONAL_COLUMNS: readonly NationalColumn[] = ['month', 'hsaId', 'measure', 'profession', 'contactForm', 'sex', 'interval', 'count', 'total'];

/** The breakdown columns: the telephone measure has none, so its table leaves them out. */
export const BREAKDOWN_COLUMNS: readonly NationalColumn[] = ['profession', 'contactForm', 'sex'];

/**
 * The region's mapping: the file's column names (in order) and the code written for each value. Several
 * professions (or contact forms) may share a code: they are then one breakdown cell. Validated at start-up.
 */
export interface NationalMapping {
  /** What this mapping is, for the people who read the file (e.g. "Standard, issue 19"). */
  name: string;
  columns: { key: NationalColumn; header: string }[];
  codes: {
    /** The value of a breakdown column in a row that is not broken down by it (the unit's total). */
    all: string;
    measure: { telephone: string; medicalAssessment: string };
    interval: Record<NationalInterval, string>;
    profession: Record<Profession, string>;
    contactForm: Record<ContactMode, string>;
    sex: Record<Sex, string>;
    ownership: Record<NationalOwnership, string>;
    suppressed: { yes: string; no: string };
  };
}

/** A first contact: a guarantee case's medical assessment, with how many calendar days after day 0 it took place. */
export interface FirstContact {
  profession: Profession;
  mode: ContactMode;
  sex: Sex;
  days: number;
}

export interface NationalUnitInput {
  clinicId: string;
  clinicName: string;
  /** null: the clinic cannot be reported (rule 16); it is listed as such, never given an invented id. */
  hsaId: string | null;
  ownership: 'public' | 'private' | null;
  /** Calls to the clinic's booking numbers in the month, and those answered the same day. */
  calls: { received: number; answeredSameDay: number };
  /** Medical assessments that took place in the month. */
  firstContacts: readonly FirstContact[];
}

export type NationalTable = 'telephone' | 'medicalAssessment';

/** One published cell: a unit's measure in one breakdown and interval. Text values are the mapping's codes. */
export interface NationalRow {
  /** Whose row it is, to serve each caller their clinics' rows; never written to the file. */
  clinicId: string;
  table: NationalTable;
  month: string;
  hsaId: string;
  unitName: string;
  ownership: string;
  measure: string;
  profession: string;
  contactForm: string;
  sex: string;
  interval: string;
  /** Of `total`, those inside the interval (answered the same day, assessed within the interval); null when suppressed. */
  count: number | null;
  /** The cell's cases (calls, first contacts); null when suppressed. */
  total: number | null;
  share: number | null;
  suppressed: boolean;
}

/** A clinic left out of the file, and why. */
export interface UnreportedUnit {
  clinicId: string;
  clinicName: string;
  reason: 'no_hsa_id';
}

/**
 * A month's file as stored: its rows with the codes of the mapping used, and the columns and suppression values to
 * write them with, so that what was produced (and sent) stays what is shown when the mapping changes later.
 */
export interface NationalFile {
  month: string;
  mapping: { name: string; columns: NationalMapping['columns']; suppressed: NationalMapping['codes']['suppressed'] };
  rows: NationalRow[];
  unreported: UnreportedUnit[];
}

/** The distinct codes of a dimension, in the order of the mapping's keys (so PROFESSIONS order). */
function distinctCodes(values: readonly string[]): string[] {
  return [...new Set(values)];
}

interface Cell {
  code: string;
  contacts: FirstContact[];
}

/**
 * Which cells of one breakdown to withhold. Primary: under the threshold. Secondary: while the withheld cells
 * together hold 1–19 cases and the total is published, a reader could subtract the published cells from the
 * total and learn that small group, so the smallest published cell is withheld too, until the withheld ones hold
 * none or at least the threshold.
 */
export function suppressedCells(sizes: readonly number[], totalPublished: boolean): boolean[] {
  const suppressed = sizes.map((n) => n < SUPPRESSION_THRESHOLD);
  if (!totalPublished) return sizes.map(() => true);
  const withheld = () => sizes.reduce((sum, n, i) => sum + (suppressed[i] ? n : 0), 0);
  while (withheld() > 0 && withheld() < SUPPRESSION_THRESHOLD) {
    let smallest = -1;
    sizes.forEach((n, i) => {
      if (!suppressed[i] && (smallest < 0 || n < sizes[smallest]!)) smallest = i;
    });
    if (smallest < 0) break;
    suppressed[smallest] = true;
  }
  return suppressed;
}

export function nationalFile(month: string, units: readonly NationalUnitInput[], mapping: NationalMapping): NationalFile {
  const { codes } = mapping;
  const rows: NationalRow[] = [];
  const unreported: UnreportedUnit[] = [];
  for (const u of [...units].sort((a, b) => (a.hsaId ?? '').localeCompare(b.hsaId ?? '') || a.clinicId.localeCompare(b.clinicId))) {
    if (!u.hsaId) {
      unreported.push({ clinicId: u.clinicId, clinicName: u.clinicName, reason: 'no_hsa_id' });
      continue;
    }
    const base = {
      clinicId: u.clinicId,
      month,
      hsaId: u.hsaId,
      unitName: u.clinicName,
      ownership: codes.ownership[u.ownership ?? 'unknown'],
      profession: codes.all,
      contactForm: codes.all,
      sex: codes.all,
    };

    // Telephone accessibility: all calls, and of them those answered the same day.
    const callsPublished = u.calls.received >= SUPPRESSION_THRESHOLD;
    rows.push({
      ...base,
      table: 'telephone',
      measure: codes.measure.telephone,
      interval: codes.interval.sameDay,
      ...figures(u.calls.answeredSameDay, u.calls.received, !callsPublished),
    });

    // Medical assessment: the unit's total, then each breakdown, each cell in the three intervals.
    const all = u.firstContacts;
    const totalPublished = all.length >= SUPPRESSION_THRESHOLD;
    const breakdowns: { column: 'profession' | 'contactForm' | 'sex'; cells: Cell[] }[] = [
      { column: 'profession', cells: cellsBy(all, distinctCodes(PROFESSIONS.map((p) => codes.profession[p])), (c) => codes.profession[c.profession]) },
      { column: 'contactForm', cells: cellsBy(all, distinctCodes(CONTACT_MODES.map((m) => codes.contactForm[m])), (c) => codes.contactForm[c.mode]) },
      { column: 'sex', cells: cellsBy(all, distinctCodes((['female', 'male', 'unknown'] as const).map((s) => codes.sex[s])), (c) => codes.sex[c.sex]) },
    ];
    const assessment = { ...base, table: 'medicalAssessment' as const, measure: codes.measure.medicalAssessment };
    rows.push(...intervalRows(assessment, all, !totalPublished, codes));
    for (const { column, cells } of breakdowns) {
      const withheld = suppressedCells(cells.map((c) => c.contacts.length), totalPublished);
      cells.forEach((cell, i) => rows.push(...intervalRows({ ...assessment, [column]: cell.code }, cell.contacts, withheld[i]!, codes)));
    }
  }
  return { month, mapping: { name: mapping.name, columns: mapping.columns, suppressed: codes.suppressed }, rows, unreported };
}

function cellsBy(contacts: readonly FirstContact[], order: readonly string[], codeOf: (c: FirstContact) => string): Cell[] {
  const cells = new Map(order.map((code) => [code, [] as FirstContact[]]));
  for (const c of contacts) cells.get(codeOf(c))!.push(c);
  return [...cells].map(([code, list]) => ({ code, contacts: list }));
}

function figures(count: number, total: number, suppressed: boolean): Pick<NationalRow, 'count' | 'total' | 'share' | 'suppressed'> {
  if (suppressed) return { count: null, total: null, share: null, suppressed: true };
  return { count, total, share: total ? count / total : null, suppressed: false };
}

function intervalRows(
  base: Omit<NationalRow, 'interval' | 'count' | 'total' | 'share' | 'suppressed'>,
  contacts: readonly FirstContact[],
  suppressed: boolean,
  codes: NationalMapping['codes'],
): NationalRow[] {
  return NATIONAL_INTERVALS.map((interval) => ({
    ...base,
    interval: codes.interval[interval.key],
    ...figures(contacts.filter((c) => c.days <= interval.maxDays).length, contacts.length, suppressed),
  }));
}

/** A row's cells in the file's columns: figures as numbers, withheld ones empty, the suppression flag as coded. */
export function nationalCells(file: Pick<NationalFile, 'mapping'>, row: NationalRow, columns = file.mapping.columns): (string | number | null)[] {
  return columns.map(({ key }) => (key === 'suppressed' ? (row.suppressed ? file.mapping.suppressed.yes : file.mapping.suppressed.no) : row[key]));
}

/** The rows of the given clinics. Each unit's cells are suppressed within that unit, so leaving units out reveals nothing. */
export function nationalRowsFor(file: NationalFile, clinicIds: readonly string[]): NationalRow[] {
  const covered = new Set(clinicIds);
  return file.rows.filter((r) => covered.has(r.clinicId));
}

/** The file as one caller downloads it: only the rows of the clinics they cover, behind a UTF-8 byte order mark. */
export function nationalCsv(file: NationalFile, clinicIds: readonly string[]): string {
  const header = file.mapping.columns.map((c) => c.header);
  return csvFile(header, nationalRowsFor(file, clinicIds).map((r) => csvLine(nationalCells(file, r))));
}

/** One unit's part of the file as delivered to the national receiver: plain UTF-8, no byte order mark. */
export function nationalUnitCsv(file: NationalFile, hsaId: string): string {
  const header = file.mapping.columns.map((c) => c.header);
  return csvDocument(header, file.rows.filter((r) => r.hsaId === hsaId).map((r) => csvLine(nationalCells(file, r))));
}

/** The units of a file that can be delivered: one per HSA-id. */
export function reportableUnits(file: NationalFile): { hsaId: string; clinicId: string }[] {
  const units = new Map<string, string>();
  for (const r of file.rows) units.set(r.hsaId, r.clinicId);
  return [...units].map(([hsaId, clinicId]) => ({ hsaId, clinicId }));
}

/** The receiver's key for one delivery: the same for every retry and every run, so it can refuse a second copy. */
export function nationalDeliveryKey(month: string, hsaId: string): string {
  return `national-${month}-${hsaId}`;
}

// Files stored before migration 020 (the project's own names, one row per clinic and figure) are served as they
// were: their CSV with only the caller's clinics' rows.

/** The columns of a file stored before the national shape. */
export const LEGACY_NATIONAL_COLUMNS = ['month', 'clinic_id', 'clinic_name', 'measure', 'profession', 'numerator', 'denominator', 'share', 'suppressed'];

/** A legacy file's rows of the given clinics, read from its stored text: a header, then rows of cells. */
export function legacyNationalRows(stored: string, clinicIds: readonly string[]): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parseCsv(stored);
  if (!header) return { header: LEGACY_NATIONAL_COLUMNS, rows: [] };
  const clinicColumn = header.indexOf('clinic_id');
  const covered = new Set(clinicIds);
  return { header, rows: rows.filter((cells) => covered.has(cells[clinicColumn] ?? '')) };
}

/** A legacy file as one caller downloads it, behind a byte order mark. */
export function legacyNationalCsv(stored: string, clinicIds: readonly string[]): string {
  const { header, rows } = legacyNationalRows(stored, clinicIds);
  return csvFile(header, rows.map((cells) => csvLine(cells)));
}
