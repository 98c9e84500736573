// The measures report as CSV: every figure of the JSON report one column each, in fixed columns (every histogram bin,
// profession and mode, zero when empty), so every row of a file has the same columns whatever the data.
import { CONTACT_MODES, PROFESSIONS } from './profession.js';
import { csvFile, csvLine } from './csv.js';
import { EXCLUSION_REASONS } from './guaranteeCase.js';
import type { Figures } from './measureRollup.js';
import { DEVIATION_BINS } from './measures.js';
import { REASON_FIELDS, TURNED_AWAY_REASONS } from './turnedAway.js';
import type { MeasureReport, ReportFigures } from './measureReport.js';

type CsvValue = string | number | boolean | null;
type CsvColumn = [name: string, value: (f: ReportFigures) => CsvValue];

/** "-60_to_-30": a histogram bin's half-open range [from, to) in minutes, unbounded at either end. */
function binName(bin: { fromMinutes: number | null; toMinutes: number | null }): string {
  if (bin.fromMinutes === null) return `under_${bin.toMinutes}`;
  if (bin.toMinutes === null) return `${bin.fromMinutes}_and_over`;
  return `${bin.fromMinutes}_to_${bin.toMinutes}`;
}

const breakdown = (b: { within: number; late: number; share: number | null } | undefined) => b ?? { within: 0, late: 0, share: null };

/**
 * Every figure of the JSON report, one column each, so a CSV row carries what the JSON object does.
 * Breakdowns are spread into fixed columns (every histogram bin, profession and mode, zero when empty),
 * so every row of a file has the same columns whatever the data.
 */
const FIGURE_COLUMNS: readonly CsvColumn[] = [
  ['contact_same_day_numerator', (f) => f.contactSameDay.numerator],
  ['contact_same_day_denominator', (f) => f.contactSameDay.denominator],
  ['contact_same_day_share', (f) => f.contactSameDay.share],
  ['requests', (f) => f.contactSameDay.requests],
  ['after_cutoff', (f) => f.contactSameDay.afterCutoff],
  ['closed_day', (f) => f.contactSameDay.closedDay],
  ['no_same_day_slot', (f) => f.contactSameDay.noSameDaySlot],
  ['attempted_unanswered', (f) => f.contactSameDay.attemptedUnanswered],
  ['not_called_same_day', (f) => f.contactSameDay.notCalledSameDay],
  ['contact_same_day_pending', (f) => f.contactSameDay.pending],
  ['missed', (f) => f.contactSameDay.missed],
  ['cancelled_before_slot', (f) => f.contactSameDay.cancelledBeforeSlot],
  ['patient_chose_later_day', (f) => f.contactSameDay.patientChoseLaterDay],
  ['callbacks_with_attempt', (f) => f.timeDeviation.callbacksWithAttempt],
  ['on_time', (f) => f.timeDeviation.onTime],
  ['early', (f) => f.timeDeviation.early],
  ['late', (f) => f.timeDeviation.late],
  ['share_on_time', (f) => f.timeDeviation.shareOnTime],
  ['share_early', (f) => f.timeDeviation.shareEarly],
  ['share_late', (f) => f.timeDeviation.shareLate],
  ['median_abs_deviation_minutes', (f) => f.timeDeviation.medianAbsMinutes],
  ['p90_abs_deviation_minutes', (f) => f.timeDeviation.p90AbsMinutes],
  ...DEVIATION_BINS.map((bin, i): CsvColumn => [
    `deviation_minutes_${binName({ fromMinutes: bin.from, toMinutes: bin.to })}`,
    (f) => f.timeDeviation.histogram[i]!.count,
  ]),
  ['assessment_numerator', (f) => f.medicalAssessment.numerator],
  ['assessment_denominator', (f) => f.medicalAssessment.denominator],
  ['assessment_share', (f) => f.medicalAssessment.share],
  ['assessment_rating', (f) => f.medicalAssessment.rating],
  ['assessment_poor_below', (f) => f.medicalAssessment.referenceLines.poorBelow],
  ['assessment_excellent_above', (f) => f.medicalAssessment.referenceLines.excellentAbove],
  ['assessment_cases', (f) => f.medicalAssessment.cases],
  ['assessment_pending', (f) => f.medicalAssessment.pending],
  ['assessment_overdue', (f) => f.medicalAssessment.overdue],
  ['assessed_late', (f) => f.medicalAssessment.assessedLate],
  ...EXCLUSION_REASONS.map((reason): CsvColumn => [`excluded_${reason}`, (f) => f.medicalAssessment.exclusions[reason]]),
  ...PROFESSIONS.flatMap((p): CsvColumn[] => {
    const of = (f: Figures) => breakdown(f.medicalAssessment.byProfession.find((b) => b.profession === p));
    return [
      [`profession_${p}_within`, (f) => of(f).within],
      [`profession_${p}_late`, (f) => of(f).late],
      [`profession_${p}_share`, (f) => of(f).share],
    ];
  }),
  ...CONTACT_MODES.flatMap((m): CsvColumn[] => {
    const of = (f: Figures) => breakdown(f.medicalAssessment.byMode.find((b) => b.mode === m));
    return [
      [`mode_${m}_within`, (f) => of(f).within],
      [`mode_${m}_late`, (f) => of(f).late],
      [`mode_${m}_share`, (f) => of(f).share],
    ];
  }),
  // Rule 13: the turned-away callers, phone and web, beside calls received and bookings made.
  ['calls_received', (f) => f.turnedAway.callsReceived],
  ['booked', (f) => f.turnedAway.booked.total],
  ['booked_phone', (f) => f.turnedAway.booked.phone],
  ['booked_web', (f) => f.turnedAway.booked.web],
  ['turned_away', (f) => f.turnedAway.total],
  ...TURNED_AWAY_REASONS.map((r): CsvColumn => [`turned_away_${r}`, (f) => f.turnedAway[REASON_FIELDS[r]]]),
  ...(['phone', 'web'] as const).flatMap((channel): CsvColumn[] => [
    [`turned_away_${channel}`, (f) => f.turnedAway.byChannel[channel].total],
    ...TURNED_AWAY_REASONS.map((r): CsvColumn => [`turned_away_${channel}_${r}`, (f) => f.turnedAway.byChannel[channel][REASON_FIELDS[r]]]),
  ]),
  ['calls_left_without_booking', (f) => f.turnedAway.leftWithoutBooking],
  ['calls_failed', (f) => f.turnedAway.callsFailed],
  ['calls_answered_same_day', (f) => f.turnedAway.callsAnsweredSameDay],
  ['turned_away_share', (f) => f.turnedAway.share],
  ['contact_same_day_share_with_turned_away', (f) => f.turnedAway.contactSameDayShareWithTurnedAway],
  ['hidden_queue', (f) => f.turnedAway.hiddenQueue],
];

const CSV_HEADER = ['period', 'from', 'to', 'clinic_id', 'clinic_name', ...FIGURE_COLUMNS.map(([name]) => name), 'guarantee_start', 'today'];

/**
 * The report as CSV (UTF-8 with a byte order mark, for Excel): one row per period for the whole scope
 * (clinic_id "all"), one for the whole scope and range (period "total"), then one per clinic for the range.
 */
export function measuresCsv(report: MeasureReport): string {
  const { from, to, guaranteeStart, today } = report.scope;
  const line = (period: string, rowFrom: string, rowTo: string, clinicId: string, clinicName: string, f: ReportFigures) =>
    csvLine([period, rowFrom, rowTo, clinicId, clinicName, ...FIGURE_COLUMNS.map(([, value]) => value(f)), guaranteeStart, today]);
  return csvFile(CSV_HEADER, [
    ...report.periods.map((p) => line(p.period, p.from, p.to, 'all', '', p)),
    line('total', from, to, 'all', '', report.total),
    ...report.clinics.map((c) => line('total', from, to, c.clinicId, c.name, c)),
  ]);
}
