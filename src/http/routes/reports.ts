// Report routes (managers): the measures as JSON or CSV, their drill-down, and the national files.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { ReportService } from '../../services/reports.js';
import type { StaffAuthenticator } from '../../services/staffAuth.js';
import { REGION_TIMEZONE } from '../../domain/schedule.js';
import { errorResponses } from '../openapi.js';
import { staffOfRequest } from '../staffAccess.js';
import { instant } from '../present.js';
import { DrilldownQuerySchema, DrilldownView, MeasureReportView, MonthParams, NationalReportList, ReportQuerySchema } from '../reportSchemas.js';
import { StaffHeaders } from '../staffSchemas.js';
import { parseRequest } from '../validation.js';

const bearer = [{ bearerAuth: [] }];
const csvContent = { 'text/csv': { schema: { type: 'string' as const } } };

/** The query's clinic list, when given, becomes the report's clinic scope. */
function reportQuery<Q extends { clinics?: string[] | undefined }>(q: Q): Omit<Q, 'clinics'> & { clinicIds?: string[] } {
  const { clinics, ...rest } = q;
  return clinics ? { ...rest, clinicIds: clinics } : rest;
}

export function reportRoutes(deps: { auth: StaffAuthenticator; reports: ReportService }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { reports } = deps;
  const staffOf = staffOfRequest(deps.auth);

  registry.registerPath({
    method: 'get',
    path: '/api/reports/measures',
    summary: 'Contact the same day, time deviation, medical assessment within three days, and the turned-away callers',
    description:
      'For one clinic, several (clinics=a,b) or every clinic you may see, over from–to (local dates, inclusive), grouped by day, ISO week or month. ' +
      'Includes per-clinic totals, the 85 %/95 % reference lines and which guarantee start (day 0) was used. ' +
      'turnedAway gives calls received, bookings and refused attempts by reason and channel, and flags the hidden queue. Role: manager or admin.',
    tags: ['Reports'],
    security: bearer,
    request: { query: ReportQuerySchema, headers: StaffHeaders },
    responses: { 200: { description: 'The report', content: { 'application/json': { schema: MeasureReportView } } }, ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503) },
  });
  router.get('/reports/measures', async (req, res) => {
    const staff = await staffOf(req);
    const q = parseRequest(ReportQuerySchema, req.query, 'query');
    res.json(await reports.measures(staff, reportQuery(q)));
  });

  registry.registerPath({
    method: 'get',
    path: '/api/reports/measures.csv',
    summary: 'The same report as CSV',
    description: 'One row per period for the whole scope, then one row per clinic for the whole range.',
    tags: ['Reports'],
    security: bearer,
    request: { query: ReportQuerySchema, headers: StaffHeaders },
    responses: { 200: { description: 'CSV (UTF-8, comma-separated, CRLF)', content: csvContent }, ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503) },
  });
  router.get('/reports/measures.csv', async (req, res) => {
    const staff = await staffOf(req);
    const q = parseRequest(ReportQuerySchema, req.query, 'query');
    const csv = await reports.measuresCsv(staff, reportQuery(q));
    res.type('text/csv; charset=utf-8').attachment(`measures-${q.from}-${q.to}.csv`).send(csv);
  });

  registry.registerPath({
    method: 'get',
    path: '/api/reports/drilldown',
    summary: 'The records behind one figure of the report, paged, each with why it counts, is excluded or fails',
    description:
      'Lists callback ids (no names or numbers); a turnedAway figure lists booking attempts (time, channel, reason, hidden number yes/no). ' +
      'Each read is written to the audit trail.',
    tags: ['Reports'],
    security: bearer,
    request: { query: DrilldownQuerySchema, headers: StaffHeaders },
    responses: { 200: { description: 'One page', content: { 'application/json': { schema: DrilldownView } } }, ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503) },
  });
  router.get('/reports/drilldown', async (req, res) => {
    const staff = await staffOf(req);
    const q = parseRequest(DrilldownQuerySchema, req.query, 'query');
    res.json(await reports.drilldown(staff, reportQuery(q)));
  });

  registry.registerPath({
    method: 'get',
    path: '/api/reports/national',
    summary: 'The monthly national-reporting files produced so far (newest first)',
    description: 'A worker produces each month’s file on the 1st for the month before; cells under 20 cases are suppressed.',
    tags: ['Reports'],
    security: bearer,
    request: { headers: StaffHeaders },
    responses: { 200: { description: 'The files', content: { 'application/json': { schema: NationalReportList } } }, ...errorResponses(401, 403, 503) },
  });
  router.get('/reports/national', async (req, res) => {
    const staff = await staffOf(req);
    const list = await reports.listNationalReports(staff);
    res.json({
      // The files are the region's, not one clinic's: their instants carry the region's offset.
      reports: list.map((r) => ({ month: r.month, createdAt: instant(r.createdAt, REGION_TIMEZONE), bytes: r.bytes, href: `/api/reports/national/${r.month}` })),
    });
  });

  registry.registerPath({
    method: 'get',
    path: '/api/reports/national/{month}',
    summary: 'Download one month’s national-reporting file (CSV)',
    tags: ['Reports'],
    security: bearer,
    request: { params: MonthParams, headers: StaffHeaders },
    responses: { 200: { description: 'CSV', content: csvContent }, ...errorResponses(400, 401, 403, { 404: ['report_not_found'] }, 503) },
  });
  router.get('/reports/national/:month', async (req, res) => {
    const staff = await staffOf(req);
    const { month } = parseRequest(MonthParams, req.params, 'params');
    const csv = await reports.nationalReport(staff, month);
    res.type('text/csv; charset=utf-8').attachment(`national-${month}.csv`).send(csv);
  });

  return router;
}
