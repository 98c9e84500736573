// The monthly file for the national waiting-times reporting (rule 10): per clinic, callbacks, contact
// the same day, calls to the booking numbers and those answered the same day (the national telephone
// measure), and medical assessment within three days by profession. Cells under 20 are suppressed.
import { csvDocument, csvFile, csvLine, parseCsv } from './csv.js';
import { contactSameDayFigures, medicalAssessmentFigures, type Rollup } from './measureRollup.js';

/** Published breakdowns suppress cells with fewer than this many cases. */
export const SUPPRESSION_THRESHOLD = 20;

export interface NationalClinicInput {
  clinicId: string;
  clinicName: string;
  rollup: Rollup;
  pending: number;
  /** Calls to the clinic's booking numbers, and those whose callback reached the patient the same day. */
  calls: { received: number; answeredSameDay: number };
}

export interface NationalRow {
  month: string;
  clinicId: string;
  clinicName: string;
  measure: 'callbacks' | 'contact_same_day' | 'calls' | 'calls_answered_same_day' | 'medical_assessment_within_3_days';
  /** 'all', or the assessing profession. */
  profession: string;
  numerator: number | null;
  denominator: number | null;
  share: number | null;
  suppressed: boolean;
}

function row(base: Omit<NationalRow, 'numerator' | 'denominator' | 'share' | 'suppressed'>, numerator: number, denominator: number): NationalRow {
  if (denominator < SUPPRESSION_THRESHOLD) return { ...base, numerator: null, denominator: null, share: null, suppressed: true };
  return { ...base, numerator, denominator, share: denominator ? numerator / denominator : null, suppressed: false };
}

export function nationalRows(month: string, clinics: readonly NationalClinicInput[]): NationalRow[] {
  const rows: NationalRow[] = [];
  for (const c of clinics) {
    const base = { month, clinicId: c.clinicId, clinicName: c.clinicName, profession: 'all' };
    const contact = contactSameDayFigures(c.rollup);
    const assessment = medicalAssessmentFigures(c.rollup, c.pending);
    // "callbacks" is a count: its own size decides suppression, so numerator and denominator are the same.
    rows.push(row({ ...base, measure: 'callbacks' }, contact.requests, contact.requests));
    rows.push(row({ ...base, measure: 'contact_same_day' }, contact.numerator, contact.denominator));
    // The national telephone measure: total calls (a count, like callbacks), and of them those answered the same day.
    rows.push(row({ ...base, measure: 'calls' }, c.calls.received, c.calls.received));
    rows.push(row({ ...base, measure: 'calls_answered_same_day' }, c.calls.answeredSameDay, c.calls.received));
    rows.push(row({ ...base, measure: 'medical_assessment_within_3_days' }, assessment.numerator, assessment.denominator));
    for (const p of assessment.byProfession) {
      rows.push(row({ ...base, measure: 'medical_assessment_within_3_days', profession: p.profession }, p.within, p.within + p.late));
    }
  }
  return rows;
}

const CSV_COLUMNS = ['month', 'clinic_id', 'clinic_name', 'measure', 'profession', 'numerator', 'denominator', 'share', 'suppressed'];

export function nationalCsv(rows: readonly NationalRow[]): string {
  const lines = rows.map((r) =>
    csvLine([r.month, r.clinicId, r.clinicName, r.measure, r.profession, r.numerator, r.denominator, r.share, r.suppressed]),
  );
  return csvDocument(CSV_COLUMNS, lines);
}

/**
 * The file as one caller may download it: only the rows of the clinics they cover, behind a byte order
 * mark. Every row is one clinic's figure, suppressed on its own, so dropping rows never reveals a cell.
 */
export function nationalCsvFor(stored: string, clinicIds: readonly string[]): string {
  const [header, ...rows] = parseCsv(stored);
  if (!header) return csvFile(CSV_COLUMNS, []);
  const clinicColumn = header.indexOf('clinic_id');
  const covered = new Set(clinicIds);
  const kept = rows.filter((cells) => covered.has(cells[clinicColumn] ?? ''));
  return csvFile(header, kept.map((cells) => csvLine(cells)));
}
