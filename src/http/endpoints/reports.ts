// Report endpoints (managers): the measures as JSON or CSV, and their drill-down. The national files: national.ts.
import { z } from 'zod';
import type { ReportService } from '../../services/reports.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { DrilldownQuerySchema, DrilldownView, MeasureReportView, ReportQuerySchema } from '../reportSchemas.js';

/** A CSV answer: text (its columns are in docs/measures.md). */
const csvResponse = (description: string) => ({ 200: { description, contentType: 'text/csv', schema: z.string() } });

/** The query's clinic list, when given, becomes the report's clinic scope. */
function reportQuery<Q extends { clinics?: string[] | undefined }>(q: Q): Omit<Q, 'clinics'> & { clinicIds?: string[] } {
  const { clinics, ...rest } = q;
  return clinics ? { ...rest, clinicIds: clinics } : rest;
}

export function reportEndpoints(deps: { reports: ReportService }): AnyEndpoint[] {
  const { reports } = deps;
  return [
    endpoint({
      route: 'GET /api/reports/measures',
      summary: 'Contact the same day, time deviation, medical assessment within three days, and the turned-away callers',
      description:
        'For one clinic, several (clinics=a,b) or every clinic you may see, over from–to (local dates, inclusive), grouped by day, ISO week or month. ' +
        'Includes per-clinic totals, the 85 %/95 % reference lines and which guarantee start (day 0) was used. ' +
        'turnedAway gives calls received, bookings and refused attempts by reason and channel, and flags the hidden queue. Role: manager or admin.',
      access: 'staff',
      request: { query: ReportQuerySchema },
      responses: { 200: { description: 'The report', schema: MeasureReportView } },
      errors: { 404: ['clinic_not_found'] },
      handle: async ({ staff, query }) => ({ json: await reports.measures(staff, reportQuery(query)) }),
    }),
    endpoint({
      route: 'GET /api/reports/measures.csv',
      summary: 'The same report as CSV',
      description: 'One row per period for the whole scope, then one row per clinic for the whole range.',
      access: 'staff',
      request: { query: ReportQuerySchema },
      responses: csvResponse('CSV (UTF-8, comma-separated, CRLF)'),
      errors: { 404: ['clinic_not_found'] },
      handle: async ({ staff, query }) => ({
        body: await reports.measuresCsv(staff, reportQuery(query)),
        type: 'text/csv; charset=utf-8',
        attachment: `measures-${query.from}-${query.to}.csv`,
      }),
    }),
    endpoint({
      route: 'GET /api/reports/drilldown',
      summary: 'The records behind one figure of the report, paged, each with why it counts, is excluded or fails',
      description:
        'Lists callback ids (no names or numbers); a turnedAway figure lists booking attempts (time, channel, reason, hidden number yes/no). ' +
        'Each read is written to the audit trail.',
      access: 'staff',
      request: { query: DrilldownQuerySchema },
      responses: { 200: { description: 'One page', schema: DrilldownView } },
      errors: { 404: ['clinic_not_found'] },
      handle: async ({ staff, query }) => ({ json: await reports.drilldown(staff, reportQuery(query)) }),
    }),
  ];
}
