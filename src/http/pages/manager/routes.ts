// The manager pages (manager, admin): the report dashboard, the records behind a figure, the CSV and national
// file downloads, and a clinic's settings. Each calls the same service function as its JSON API route, so the
// pages are authorised and audited exactly like the API.
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../../clock.js';
import type { ClinicSummary } from '../../../db/clinics.js';
import { DRILLDOWN_FIGURE_NAMES } from '../../../domain/drilldown.js';
import { ATTEMPT_CHANNELS, TURNED_AWAY_FIGURE_NAMES } from '../../../domain/turnedAway.js';
import { EXCLUSION_REASONS } from '../../../domain/guaranteeCase.js';
import { CONTACT_MODES, PROFESSIONS } from '../../../domain/profession.js';
import { GROUPINGS } from '../../../domain/reportPeriod.js';
import { addDays, regionDate } from '../../../domain/schedule.js';
import { ValidationFailed } from '../../../errors.js';
import type { ClinicSettingsService } from '../../../services/clinicSettings.js';
import type { ReportService } from '../../../services/reports.js';
import type { StaffSessions } from '../../../services/staffSessions.js';
import { ClinicId, localDate } from '../../primitives.js';
import { parseRequest } from '../../validation.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { requireStaff, sessionOf, staffHeader } from '../staff/session.js';
import { langOf, text } from '../texts/index.js';
import { CSV_PATH, DRILLDOWN_PATH, figureLabel, REPORTS_PATH, scopeQuery, SORTS, type ReportScope } from './present.js';
import { dashboardBody, drilldownBody, errorSummary, filterForm, type FieldError } from './reportsPage.js';
import { settingsRoutes } from './settingsPage.js';
import type { ClinicTelephonyService } from '../../../services/clinicTelephony.js';
import type { StaffMember } from '../../../services/staffAuth.js';

const MANAGERS = ['manager', 'admin'] as const;
/** Days the dashboard shows when no period is asked for: the last two weeks, by day. */
const DEFAULT_DAYS = 14;
const DRILLDOWN_PAGE = 50;

const LocalDate = localDate('A local date', '2027-03-30');

const ScopeQuery = z.object({
  from: LocalDate.optional(),
  to: LocalDate.optional(),
  groupBy: z.enum(GROUPINGS).optional(),
  clinic: z.union([z.literal(''), ClinicId]).optional(),
  sort: z.enum(SORTS).optional(),
});

const DrilldownPageQuery = z.object({
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

const NationalFile = z.object({ file: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])\.csv$/, 'must be YYYY-MM.csv') });

export interface ManagerPageDeps {
  sessions: StaffSessions;
  reports: ReportService;
  settings: ClinicSettingsService;
  /** The settings page's telephony section. */
  telephony?: ClinicTelephonyService;
  /** The voice_start URL shown to admins in it. */
  voiceStartUrl?: (staff: StaffMember, clinicId: string) => string | null;
  clock: Clock;
  listClinics: () => Promise<ClinicSummary[]>;
}

/** "query.to" → the form field "to"; anything else names the form as a whole. */
const formErrors = (error: ValidationFailed): FieldError[] =>
  error.issues.map((i) => {
    const field = i.field.replace(/^query\./, '').split('.')[0]!;
    const id = ['from', 'to', 'groupBy', 'clinic'].includes(field) ? field : field === 'clinics' ? 'clinic' : 'from';
    return { id, message: i.message };
  });

export function managerPageRoutes(deps: ManagerPageDeps): Router {
  const router = Router();
  const guard = requireStaff(deps.sessions, MANAGERS);

  const myClinics = async (clinicIds: string[]) => (await deps.listClinics()).filter((c) => clinicIds.includes(c.id));

  const defaultScope = (): ReportScope => {
    const to = regionDate(deps.clock.now());
    return { from: addDays(to, -(DEFAULT_DAYS - 1)), to, groupBy: 'day' };
  };

  router.get(REPORTS_PATH, ...guard, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const clinics = await myClinics(session.staff.clinicIds);
    const page = (body: ReturnType<typeof html>, status = 200) =>
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
      const errors = parsed.error.issues.map((i) => ({ id: String(i.path[0] ?? 'from'), message: i.message }));
      page(html`${errorSummary(lang, errors)}${filterForm(lang, { ...fallback, ...safeScope(req.query) }, clinics, errors)}`, 400);
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
      const national = await deps.reports.listNationalReports(session.staff);
      page(dashboardBody({ lang, scope, sort: q.sort ?? 'name', clinics, report, national }));
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      const errors = formErrors(error);
      page(html`${errorSummary(lang, errors)}${filterForm(lang, scope, clinics, errors)}`, 400);
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
    const csv = await deps.reports.nationalReport(session.staff, month);
    res.type('text/csv; charset=utf-8').attachment(`national-${month}.csv`).send(csv);
  });

  router.use(settingsRoutes({ sessions: deps.sessions, settings: deps.settings, telephony: deps.telephony, voiceStartUrl: deps.voiceStartUrl, guard }));
  return router;
}

/** The well-formed parts of a query that failed, so the form shows what was typed. */
function safeScope(query: unknown): Partial<ReportScope> {
  const q = query as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 20 ? v : undefined);
  const out: Partial<ReportScope> = {};
  if (str(q.from)) out.from = str(q.from)!;
  if (str(q.to)) out.to = str(q.to)!;
  return out;
}
