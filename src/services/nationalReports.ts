// The monthly file for the national waiting-times reporting (rule 10): produced when a month closes, stored, and
// downloaded by managers (their clinics' rows) and admins (the region's).
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { listClinics } from '../db/clinics.js';
import type { Database } from '../db/database.js';
import { sumDailyRollups } from '../db/measureReports.js';
import { refreshMeasures } from '../db/measureRollup.js';
import { findNationalReport, listNationalReports, storeNationalReport } from '../db/nationalReports.js';
import { sumTurnedAwayByDay } from '../db/turnedAway.js';
import { pendingFrom } from '../domain/guaranteeCase.js';
import { emptyRollup } from '../domain/measureRollup.js';
import { nationalCsv, nationalCsvFor, nationalRows } from '../domain/nationalReport.js';
import { monthRange, previousMonth } from '../domain/reportPeriod.js';
import { regionDate } from '../domain/schedule.js';
import { sumTurnedAway } from '../domain/turnedAway.js';
import { ReportNotFound } from '../errors.js';
import { REPORT_ROLES } from './reports.js';
import { authorize, type StaffMember } from './staffAuth.js';

export interface NationalReportService {
  /** Produces and stores the file for a month (default: the month before today); false when it already existed. */
  produce(month?: string): Promise<{ month: string; created: boolean }>;
  /** The stored files, each as this caller may download it: only the clinics they cover. */
  list(staff: StaffMember): Promise<{ month: string; createdAt: DateTime; bytes: number }[]>;
  /** One month's file with only the rows of the clinics the caller covers, behind a UTF-8 byte order mark. */
  file(staff: StaffMember, month: string): Promise<string>;
}

export function createNationalReportService(deps: { db: Database; clock: Clock }): NationalReportService {
  const { db, clock } = deps;
  const today = () => regionDate(clock.now());
  return {
    async produce(month) {
      const target = month ?? previousMonth(today()).month;
      const { from, to } = monthRange(target);
      await refreshMeasures(db);
      const clinics = await listClinics(db);
      const sums = await sumDailyRollups(db, { clinicIds: clinics.map((c) => c.id), from, to, pendingFrom: pendingFrom(today()) });
      const turned = await sumTurnedAwayByDay(db, { clinicIds: clinics.map((c) => c.id), from, to });
      const rows = nationalRows(
        target,
        clinics.map((c) => {
          const sum = sums.byClinic.get(c.id);
          const calls = sumTurnedAway(turned, (clinicId) => clinicId === c.id);
          return {
            clinicId: c.id,
            clinicName: c.name,
            rollup: sum?.rollup ?? emptyRollup(),
            pending: sum?.pending ?? 0,
            calls: { received: calls.callsReceived, answeredSameDay: calls.callsAnsweredSameDay },
          };
        }),
      );
      const created = await storeNationalReport(db, target, nationalCsv(rows), clock.now());
      return { month: target, created };
    },

    async list(staff) {
      authorize(staff, REPORT_ROLES);
      return (await listNationalReports(db)).map((r) => ({
        month: r.month,
        createdAt: r.createdAt,
        bytes: Buffer.byteLength(nationalCsvFor(r.content, staff.clinicIds), 'utf8'),
      }));
    },

    async file(staff, month) {
      authorize(staff, REPORT_ROLES);
      const found = await findNationalReport(db, month);
      if (!found) throw new ReportNotFound(month);
      return nationalCsvFor(found.content, staff.clinicIds);
    },
  };
}
