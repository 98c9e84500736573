// The manager pages (manager, admin), each section behind the same guard: the reports (reports/) and a clinic's
// settings with its telephony (settings/).
import { Router } from 'express';
import type { Clock } from '../../../clock.js';
import type { ClinicSummary } from '../../../db/clinics.js';
import type { ClinicSettingsService } from '../../../services/clinicSettings.js';
import type { ClinicTelephonyService } from '../../../services/clinicTelephony.js';
import type { NationalReportService } from '../../../services/nationalReports.js';
import type { ReportService } from '../../../services/reports.js';
import type { StaffMember } from '../../../services/staffAuth.js';
import type { StaffSessions } from '../../../services/staffSessions.js';
import { requireStaff } from '../staff/session.js';
import { reportPageRoutes } from './reports/routes.js';
import { settingsRoutes } from './settings/routes.js';

const MANAGERS = ['manager', 'admin'] as const;

export interface ManagerPageDeps {
  sessions: StaffSessions;
  reports: ReportService;
  national: NationalReportService;
  settings: ClinicSettingsService;
  /** The settings page's telephony section. */
  telephony?: ClinicTelephonyService;
  /** The voice_start URL shown to admins in it. */
  voiceStartUrl?: (staff: StaffMember, clinicId: string) => string | null;
  clock: Clock;
  listClinics: () => Promise<ClinicSummary[]>;
}

export function managerPageRoutes(deps: ManagerPageDeps): Router {
  const router = Router();
  const guard = requireStaff(deps.sessions, MANAGERS);
  router.use(reportPageRoutes({ reports: deps.reports, national: deps.national, clock: deps.clock, listClinics: deps.listClinics, guard }));
  router.use(settingsRoutes({ settings: deps.settings, telephony: deps.telephony, voiceStartUrl: deps.voiceStartUrl, guard }));
  return router;
}
