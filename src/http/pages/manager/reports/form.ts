// The report pages' queries as asked (the filter form is a GET form): the period, grouping, clinic and sort of the
// dashboard, the figure and filters of a drill-down, the national file's name; and a refusal named by the filter
// field it is about.
import { z } from 'zod';
import { DRILLDOWN_FIGURE_NAMES } from '../../../../domain/drilldown.js';
import { GROUPINGS } from '../../../../domain/reportPeriod.js';
import { EXCLUSION_REASONS } from '../../../../domain/guaranteeCase.js';
import { CONTACT_MODES, PROFESSIONS } from '../../../../domain/profession.js';
import { ATTEMPT_CHANNELS, TURNED_AWAY_FIGURE_NAMES } from '../../../../domain/turnedAway.js';
import type { FieldIssue } from '../../../../errors.js';
import { ClinicId, localDate } from '../../../primitives.js';
import { SORTS, type ReportScope } from './present.js';

const LocalDate = localDate('A local date', '2027-03-30');

export const ScopeQuery = z.object({
  from: LocalDate.optional(),
  to: LocalDate.optional(),
  groupBy: z.enum(GROUPINGS).optional(),
  clinic: z.union([z.literal(''), ClinicId]).optional(),
  sort: z.enum(SORTS).optional(),
});

export const DrilldownPageQuery = z.object({
  from: LocalDate,
  to: LocalDate,
  groupBy: z.enum(GROUPINGS).default('day'),
  clinic: z.union([z.literal(''), ClinicId]).optional(),
  figure: z.enum([...DRILLDOWN_FIGURE_NAMES, ...TURNED_AWAY_FIGURE_NAMES]),
  channel: z.enum(ATTEMPT_CHANNELS).optional(),
  profession: z.enum(PROFESSIONS).optional(),
  mode: z.enum(CONTACT_MODES).optional(),
  exclusionReason: z.enum(EXCLUSION_REASONS).optional(),
  deviationFromMinutes: z.coerce.number().int().min(-527_040).max(527_040).optional(),
  deviationToMinutes: z.coerce.number().int().min(-527_040).max(527_040).optional(),
  cursor: z.string().max(200).optional(),
});

export const NationalFile = z.object({ file: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])\.csv$/, 'must be YYYY-MM.csv') });

/** An error of the filter form: the id of its field, and what to say. */
export interface FieldError {
  id: string;
  message: string;
}

const FILTER_FIELDS = ['from', 'to', 'groupBy', 'clinic'];

/** A query's refusal (query.to, or the report service's query.clinics) as the filter field it names; else the form's first. */
export const filterErrors = (issues: readonly Pick<FieldIssue, 'field' | 'message'>[]): FieldError[] =>
  issues.map((i) => {
    const field = i.field.replace(/^query\./, '').split('.')[0]!;
    const id = FILTER_FIELDS.includes(field) ? field : field === 'clinics' ? 'clinic' : 'from';
    return { id, message: i.message };
  });

/** The dashboard query's own refusals (zod's), each named by the query field it is about. */
export const queryErrors = (issues: readonly z.core.$ZodIssue[]): FieldError[] => issues.map((i) => ({ id: String(i.path[0] ?? 'from'), message: i.message }));

/** The well-formed parts of a query that failed, so the form shows what was typed. */
export function safeScope(query: unknown): Partial<ReportScope> {
  const q = query as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 20 ? v : undefined);
  const out: Partial<ReportScope> = {};
  if (str(q.from)) out.from = str(q.from)!;
  if (str(q.to)) out.to = str(q.to)!;
  return out;
}
