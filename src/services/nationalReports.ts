// The monthly file for the national waiting-times reporting (rules 10 and 16): produced when a month closes, stored,
// downloaded as CSV or XLSX by managers (their clinics' rows) and admins (the region's), and delivered per unit to
// the national receiver when one is configured (the job in src/jobs/nationalDelivery.ts), its status read by admins.
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { listClinics } from '../db/clinics.js';
import type { Database } from '../db/database.js';
import { refreshMeasures } from '../db/measureRollup.js';
import { createNationalDeliveries, listNationalDeliveries, listUnacceptedDeliveries, type DeliveryStatus } from '../db/nationalDeliveries.js';
import { findNationalReport, listFirstContacts, listNationalReports, storeNationalFile, type StoredNationalReport } from '../db/nationalReports.js';
import { sumTurnedAwayByDay } from '../db/turnedAway.js';
import {
  legacyNationalCsv,
  legacyNationalRows,
  nationalCsv,
  nationalFile,
  nationalRowsFor,
  reportableUnits,
  type NationalMapping,
  type UnreportedUnit,
} from '../domain/nationalReport.js';
import { monthRange, previousMonth } from '../domain/reportPeriod.js';
import { regionDate } from '../domain/schedule.js';
import { sumTurnedAway } from '../domain/turnedAway.js';
import { ReportNotFound } from '../errors.js';
import { legacyNationalWorkbook, nationalWorkbook } from '../exports/nationalXlsx.js';
import type { JobScheduler } from '../queue/jobScheduler.js';
import { REPORT_ROLES } from './reports.js';
import { authorize, type StaffMember } from './staffAuth.js';

/** Who may read where the files went: the region's administrators. */
export const DELIVERY_STATUS_ROLES = ['admin'] as const;

export interface NationalFileSummary {
  month: string;
  createdAt: DateTime;
  /** Size of the CSV as this caller downloads it. */
  bytes: number;
  /** 'legacy': stored before the national shape (migration 020), CSV only as it was. */
  format: 'national' | 'legacy';
  /** The caller's clinics that are not in the file because they have no HSA-id. */
  unreported: UnreportedUnit[];
}

/** One unit's delivery of one month, as admins see it. */
export interface UnitDelivery {
  clinicId: string;
  clinicName: string;
  hsaId: string | null;
  /**
   * no_hsa_id: cannot be reported; not_sent: no receiver configured (or not yet added); pending: on its way or
   * waiting for a retry; accepted: the receiver took it (final); failed: every retry used, tried again at the next
   * worker start or monthly run.
   */
  status: 'no_hsa_id' | 'not_sent' | DeliveryStatus;
  attempts: number;
  lastAttemptAt: DateTime | null;
  lastError: string | null;
  acceptedAt: DateTime | null;
}

export interface NationalDeliveryStatus {
  month: string;
  /** The receiver's origin; null: no receiver is configured and nothing is sent. */
  target: string | null;
  units: UnitDelivery[];
}

export interface NationalReportService {
  /**
   * Produces and stores the file for a month (default: the month before today); created false when it already
   * existed. With a receiver configured, adds the delivery of each unit's file, and of any not yet accepted.
   */
  produce(month?: string): Promise<{ month: string; created: boolean }>;
  /** The stored files, each as this caller may download it: only the clinics they cover. */
  list(staff: StaffMember): Promise<NationalFileSummary[]>;
  /** One month's file as CSV with only the rows of the clinics the caller covers, behind a UTF-8 byte order mark. */
  file(staff: StaffMember, month: string): Promise<string>;
  /** The same as an XLSX workbook: one sheet per table, Swedish headers, suppressed cells marked. */
  workbook(staff: StaffMember, month: string): Promise<Buffer>;
  /** Admins: each of their units' delivery of the month (audited). */
  deliveries(staff: StaffMember, month: string): Promise<NationalDeliveryStatus>;
}

export function createNationalReportService(deps: {
  db: Database;
  clock: Clock;
  /** Where deliveries are added; omitted: nothing is delivered (scripts that only produce files). */
  jobs?: JobScheduler;
  mapping: NationalMapping;
  /** The national receiver's origin (NATIONAL_TRANSFER_URL); null or omitted: nothing is sent. */
  transferTarget?: string | null;
}): NationalReportService {
  const { db, clock, mapping } = deps;
  const receiver = deps.jobs ? (deps.transferTarget ?? null) : null;
  const today = () => regionDate(clock.now());

  async function found(month: string): Promise<StoredNationalReport> {
    const stored = await findNationalReport(db, month);
    if (!stored) throw new ReportNotFound(month);
    return stored;
  }

  async function scheduleDeliveries(stored: StoredNationalReport): Promise<void> {
    if (!receiver || !deps.jobs) return;
    if (stored.file) await createNationalDeliveries(db, stored.month, reportableUnits(stored.file), clock.now());
    // This month's units, and those of earlier months still not accepted (their retries ran out, or Redis lost them).
    // A delivery Redis would not take now stays unaccepted in the database, shown as such, and the next worker start
    // or monthly run adds it again: the file itself is made and stored all the same.
    for (const d of await listUnacceptedDeliveries(db)) await deps.jobs.ensureNationalDelivery(d.month, d.hsaId).catch(() => false);
  }

  return {
    async produce(month) {
      const target = month ?? previousMonth(today()).month;
      const { from, to } = monthRange(target);
      await refreshMeasures(db);
      const clinics = await listClinics(db);
      const clinicIds = clinics.map((c) => c.id);
      const [turned, contacts] = await Promise.all([sumTurnedAwayByDay(db, { clinicIds, from, to }), listFirstContacts(db, { clinicIds, from, to })]);
      const units = clinics.map((c) => {
        const calls = sumTurnedAway(turned, (clinicId) => clinicId === c.id);
        return {
          clinicId: c.id,
          clinicName: c.name,
          hsaId: c.hsaId,
          ownership: c.ownership,
          calls: { received: calls.callsReceived, answeredSameDay: calls.callsAnsweredSameDay },
          firstContacts: contacts.filter((f) => f.clinicId === c.id),
        };
      });
      // A closed clinic stays in the file only for a month it still had calls or first contacts.
      const closed = new Set(clinics.filter((c) => c.status === 'closed').map((c) => c.id));
      const reported = units.filter((u) => !closed.has(u.clinicId) || u.calls.received > 0 || u.firstContacts.length > 0);
      const created = await storeNationalFile(db, nationalFile(target, reported, mapping), clock.now());
      await scheduleDeliveries(await found(target));
      return { month: target, created };
    },

    async list(staff) {
      authorize(staff, REPORT_ROLES);
      return (await listNationalReports(db)).map((r) => ({
        month: r.month,
        createdAt: r.createdAt,
        bytes: Buffer.byteLength(r.file ? nationalCsv(r.file, staff.clinicIds) : legacyNationalCsv(r.content ?? '', staff.clinicIds), 'utf8'),
        format: r.file ? 'national' : 'legacy',
        unreported: r.file ? r.file.unreported.filter((u) => staff.clinicIds.includes(u.clinicId)) : [],
      }));
    },

    async file(staff, month) {
      authorize(staff, REPORT_ROLES);
      const stored = await found(month);
      return stored.file ? nationalCsv(stored.file, staff.clinicIds) : legacyNationalCsv(stored.content ?? '', staff.clinicIds);
    },

    async workbook(staff, month) {
      authorize(staff, REPORT_ROLES);
      const stored = await found(month);
      if (!stored.file) return legacyNationalWorkbook(month, legacyNationalRows(stored.content ?? '', staff.clinicIds));
      const covered = (u: UnreportedUnit) => staff.clinicIds.includes(u.clinicId);
      return nationalWorkbook(stored.file, nationalRowsFor(stored.file, staff.clinicIds), stored.file.unreported.filter(covered));
    },

    async deliveries(staff, month) {
      authorize(staff, DELIVERY_STATUS_ROLES);
      const stored = await found(month);
      const covered = new Set(staff.clinicIds);
      const byHsaId = new Map((await listNationalDeliveries(db, month)).map((d) => [d.hsaId, d]));
      const names = new Map((await listClinics(db)).map((c) => [c.id, c.name]));
      const units: UnitDelivery[] = [];
      const none = { attempts: 0, lastAttemptAt: null, lastError: null, acceptedAt: null };
      for (const { hsaId, clinicId } of stored.file ? reportableUnits(stored.file) : []) {
        if (!covered.has(clinicId)) continue;
        const d = byHsaId.get(hsaId);
        const clinicName = names.get(clinicId) ?? clinicId;
        units.push(
          d
            ? { clinicId, clinicName, hsaId, status: d.status, attempts: d.attempts, lastAttemptAt: d.lastAttemptAt, lastError: d.lastError, acceptedAt: d.acceptedAt }
            : { clinicId, clinicName, hsaId, status: 'not_sent', ...none },
        );
      }
      for (const u of stored.file?.unreported ?? []) {
        if (covered.has(u.clinicId)) units.push({ clinicId: u.clinicId, clinicName: u.clinicName, hsaId: null, status: 'no_hsa_id', ...none });
      }
      await recordAudit(db, {
        at: clock.now(),
        staffId: staff.id,
        action: 'national.deliveries.read',
        clinicId: null,
        callbackIds: [],
        detail: { month, units: units.map((u) => u.clinicId) },
      });
      return { month, target: receiver, units };
    },
  };
}
