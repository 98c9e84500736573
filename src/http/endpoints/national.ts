// National reporting (rules 10 and 16): the monthly files in the national shape, as CSV and XLSX, for managers (their
// clinics' rows) and region staff (the region's), and for admins where each unit's file went.
import type { DateTime } from 'luxon';
import { z } from 'zod';
import { REGION_TIMEZONE } from '../../domain/schedule.js';
import type { NationalReportService } from '../../services/nationalReports.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { NationalDeliveryStatusView, NationalReportList } from '../nationalSchemas.js';
import { instant } from '../present.js';
import { MonthParams } from '../reportSchemas.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file list's and the status view's instants: the files are the region's, so the region's offset. */
const regionInstant = (dt: DateTime | null) => (dt ? instant(dt, REGION_TIMEZONE) : null);

export function nationalEndpoints(deps: { national: NationalReportService }): AnyEndpoint[] {
  const { national } = deps;
  return [
    endpoint({
      route: 'GET /api/reports/national',
      summary: 'The monthly national-reporting files produced so far (newest first)',
      description:
        'A worker produces each month’s file on the 1st for the month before: per unit (HSA-id), telephone accessibility and medical assessment ' +
        'in the intervals 0, 0–3 and 0–7 days, by profession, contact form and sex; cells under 20 cases suppressed. ' +
        'Each entry says which of your clinics it leaves out (no HSA-id). Role: manager or admin.',
      access: 'staff',
      responses: { 200: { description: 'The files', schema: NationalReportList } },
      async handle({ staff }) {
        const list = await national.list(staff);
        return {
          json: {
            reports: list.map((r) => ({
              month: r.month,
              createdAt: regionInstant(r.createdAt),
              bytes: r.bytes,
              format: r.format,
              href: `/api/reports/national/${r.month}`,
              xlsxHref: `/api/reports/national/${r.month}.xlsx`,
              unreported: r.unreported,
            })),
          },
        };
      },
    }),
    // Before {month}: Express would otherwise take "2027-04.xlsx" for a month.
    endpoint({
      route: 'GET /api/reports/national/{month}.xlsx',
      summary: 'Download one month’s national-reporting file as XLSX',
      description:
        'One sheet per table (Telefontillgänglighet, Medicinsk bedömning) with the mapping’s headers, counts as numbers, shares as percentages, ' +
        'suppressed cells marked "<20", and a sheet "Om filen". Only the rows of the clinics you cover.',
      access: 'staff',
      request: { params: MonthParams },
      responses: { 200: { description: 'XLSX', contentType: XLSX_TYPE, schema: z.string().meta({ format: 'binary' }) } },
      errors: { 404: ['report_not_found'] },
      handle: async ({ staff, params }) => ({
        body: await national.workbook(staff, params.month),
        type: XLSX_TYPE,
        attachment: `national-${params.month}.xlsx`,
      }),
    }),
    endpoint({
      route: 'GET /api/reports/national/{month}',
      summary: 'Download one month’s national-reporting file (CSV)',
      description: 'UTF-8 with a byte order mark; the columns and codes of the region’s mapping (docs/measures.md). Only the rows of the clinics you cover.',
      access: 'staff',
      request: { params: MonthParams },
      responses: { 200: { description: 'CSV', contentType: 'text/csv', schema: z.string() } },
      errors: { 404: ['report_not_found'] },
      handle: async ({ staff, params }) => ({
        body: await national.file(staff, params.month),
        type: 'text/csv; charset=utf-8',
        attachment: `national-${params.month}.csv`,
      }),
    }),
    endpoint({
      route: 'GET /api/reports/national/{month}/deliveries',
      summary: 'Where each unit’s national file of the month went: the automated transfer’s status per unit',
      description:
        'Per clinic you cover: its HSA-id and whether its file was accepted by the national receiver, is waiting for a retry, failed, ' +
        'was not sent (no receiver configured) or cannot be reported (no HSA-id). Role: admin. Each read is written to the audit trail.',
      access: 'staff',
      request: { params: MonthParams },
      responses: { 200: { description: 'The deliveries', schema: NationalDeliveryStatusView } },
      errors: { 404: ['report_not_found'] },
      async handle({ staff, params }) {
        const status = await national.deliveries(staff, params.month);
        return {
          json: {
            month: status.month,
            target: status.target,
            units: status.units.map((u) => ({ ...u, lastAttemptAt: regionInstant(u.lastAttemptAt), acceptedAt: regionInstant(u.acceptedAt) })),
          },
        };
      },
    }),
  ];
}
