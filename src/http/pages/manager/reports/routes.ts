// The report pages (manager, admin): the dashboard, the records behind a figure, the CSV and the national file
// downloads. Each calls the same report service function as its JSON API route, so the pages are authorised and
// audited exactly like the API.
import { Router, type RequestHandler } from 'express';
import type { Clock } from '../../../../clock.js';
import type { ClinicSummary } from '../../../../db/clinics.js';
import { addDays, regionDate } from '../../../../domain/schedule.js';
import { ValidationFailed } from '../../../../errors.js';
import type { NationalReportService } from '../../../../services/nationalReports.js';
import type { ReportService } from '../../../../services/reports.js';
import { parseRequest } from '../../../validation.js';
import { html, type Html } from '../../html.js';
import { layout } from '../../layout.js';
import { sessionOf } from '../../staff/session.js';
import { staffHeader } from '../../staff/templates.js';
import { langOf, text } from '../../texts/index.js';
import { DrilldownPageQuery, filterErrors, NationalFile, queryErrors, safeScope, ScopeQuery } from './form.js';
import { CSV_PATH, DRILLDOWN_PATH, figureLabel, REPORTS_PATH, scopeQuery, type ReportScope } from './present.js';
import { dashboardBody, drilldownBody, filterErrorSummary, filterForm } from './templates.js';

/** Days the dashboard shows when no period is asked for: the last two weeks, by day. */
const DEFAULT_DAYS = 14;
const DRILLDOWN_PAGE = 50;

export interface ReportPageDeps {
  reports: ReportService;
  national: NationalReportService;
  clock: Clock;
  listClinics: () => Promise<ClinicSummary[]>;
  /** Signed in as a manager or admin. */
  guard: RequestHandler[];
}

export function reportPageRoutes(deps: ReportPageDeps): Router {
  const router = Router();
  const { guard } = deps;

  const myClinics = async (clinicIds: string[]) => (await deps.listClinics()).filter((c) => clinicIds.includes(c.id));

  const defaultScope = (): ReportScope => {
    const to = regionDate(deps.clock.now());
    return { from: addDays(to, -(DEFAULT_DAYS - 1)), to, groupBy: 'day' };
  };

  router.get(REPORTS_PATH, ...guard, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const clinics = await myClinics(session.staff.clinicIds);
    const page = (body: Html, status = 200) =>
      res.status(status).send(
        layout({
          lang,
          title: text(lang, 'manager.reports.title'),
          header: staffHeader(lang, session),
          body,
          scripts: ['/assets/vendor/chart.umd.min.js', '/assets/dashboard.js'],
        }),
      );
    const parsed = ScopeQuery.safeParse(req.query);
    const fallback = defaultScope();
    if (!parsed.success) {
      const errors = queryErrors(parsed.error.issues);
      page(html`${filterErrorSummary(lang, errors)}${filterForm(lang, { ...fallback, ...safeScope(req.query) }, clinics, errors)}`, 400);
      return;
    }
    const q = parsed.data;
    const scope: ReportScope = {
      from: q.from ?? fallback.from,
      to: q.to ?? fallback.to,
      groupBy: q.groupBy ?? (q.from ? 'day' : fallback.groupBy),
      clinic: q.clinic || undefined,
    };
    try {
      const report = await deps.reports.measures(session.staff, { from: scope.from, to: scope.to, groupBy: scope.groupBy, ...(scope.clinic ? { clinicIds: [scope.clinic] } : {}) });
      const national = await deps.national.list(session.staff);
      page(dashboardBody({ lang, scope, sort: q.sort ?? 'name', clinics, report, national }));
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      const errors = filterErrors(error.issues);
      page(html`${filterErrorSummary(lang, errors)}${filterForm(lang, scope, clinics, errors)}`, 400);
    }
  });

  router.get(DRILLDOWN_PATH, ...guard, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const q = parseRequest(DrilldownPageQuery, req.query, 'query');
    const { clinic, figure, from, to, groupBy, ...filters } = q;
    const scope: ReportScope = { from, to, groupBy, clinic: clinic || undefined };
    const result = await deps.reports.drilldown(session.staff, {
      from,
      to,
      groupBy,
      figure,
      limit: DRILLDOWN_PAGE,
      ...(scope.clinic ? { clinicIds: [scope.clinic] } : {}),
      ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
    });
    const clinics = await deps.listClinics();
    const keep = Object.fromEntries(Object.entries(filters).filter(([k, v]) => v !== undefined && k !== 'cursor')) as Record<string, string | number>;
    res.send(
      layout({
        lang,
        title: text(lang, 'manager.drilldown.title'),
        header: staffHeader(lang, session),
        body: drilldownBody({
          lang,
          scope,
          figure: figureLabel(lang, figure, {
            fromMinutes: q.deviationFromMinutes ?? null,
            toMinutes: q.deviationToMinutes ?? null,
          }),
          figureName: figure,
          records: result.records,
          clinicNames: new Map(clinics.map((c) => [c.id, c.name])),
          nextHref: result.nextCursor ? `${DRILLDOWN_PATH}?${scopeQuery(scope, { figure, ...keep, cursor: result.nextCursor })}` : null,
        }),
      }),
    );
  });

  router.get(CSV_PATH, ...guard, async (req, res) => {
    const session = sessionOf(res);
    const q = parseRequest(ScopeQuery.required({ from: true, to: true }), req.query, 'query');
    const csv = await deps.reports.measuresCsv(session.staff, {
      from: q.from,
      to: q.to,
      groupBy: q.groupBy ?? 'day',
      ...(q.clinic ? { clinicIds: [q.clinic] } : {}),
    });
    res.type('text/csv; charset=utf-8').attachment(`measures-${q.from}-${q.to}.csv`).send(csv);
  });

  router.get(`${REPORTS_PATH}/nationell/:file`, ...guard, async (req, res) => {
    const session = sessionOf(res);
    const { file } = parseRequest(NationalFile, req.params, 'params');
    const month = file.slice(0, 7);
    const csv = await deps.national.file(session.staff, month);
    res.type('text/csv; charset=utf-8').attachment(`national-${month}.csv`).send(csv);
  });

  return router;
}
