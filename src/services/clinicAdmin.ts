// The region's administration of its health centres: add one, change its record and booking rules, pause, close and
// reopen it, and import many from a spreadsheet (dry run first). Only admins; adding clinics only region-wide admins
// (those who cover every clinic), since nobody else would see the clinic they made. Every change is audited.
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import {
  findClinicIdByHsaId,
  findClinicRules,
  findClinicSummary,
  insertClinicIn,
  listClinics,
  setClinicStatus,
  updateClinicProfile,
  type ClinicSummary,
} from '../db/clinics.js';
import { isUniqueViolation, type Database, type Queryable } from '../db/database.js';
import { ClinicRulesSchema, type CapacityRule, type ClinicRules, type ClinicRulesInput } from '../domain/clinic.js';
import { CLINIC_COLUMNS, columnsOf, planClinicImport, type ClinicImportPlan, type ExistingClinic } from '../domain/clinicImport.js';
import { DEFAULT_BOOKING_WINDOW, statusIssue, type ClinicProfile, type ClinicStatus } from '../domain/clinicProfile.js';
import { ClinicExists, ClinicNotFound, Forbidden, HsaIdTaken, ValidationFailed, type FieldIssue } from '../errors.js';
import { readCsvTable } from '../exports/csvTable.js';
import { replaceClinicRules } from './clinicSettings.js';
import { authorize, type StaffMember } from './staffAuth.js';

const ADMIN = ['admin'] as const;
/** Imports run one at a time across processes, so two uploads of one file cannot both create a clinic. */
const IMPORT_LOCK_KEY = 7_270_019;

/** A clinic as its administrators see it: the record and the booking rules. */
export interface AdminClinic {
  summary: ClinicSummary;
  rules: ClinicRules;
}

export interface NewClinic {
  id: string;
  profile: ClinicProfile;
  /** Default 'open'; 'paused' to set it up before it takes bookings. */
  status: 'open' | 'paused';
  bookingWindow?: ClinicRulesInput['bookingWindow'];
  slotMinutes?: number;
  capacityRules: CapacityRule[];
}

export interface ClinicChange {
  profile?: Partial<ClinicProfile>;
  status?: ClinicStatus;
  /** Where a closed clinic's patients should turn; required with status 'closed'. */
  referral?: string;
  bookingWindow?: ClinicRulesInput['bookingWindow'];
  slotMinutes?: number;
  capacityRules?: CapacityRule[];
}

export interface ClinicAdminService {
  list(staff: StaffMember): Promise<ClinicSummary[]>;
  get(staff: StaffMember, clinicId: string): Promise<AdminClinic>;
  create(staff: StaffMember, clinic: NewClinic): Promise<AdminClinic>;
  change(staff: StaffMember, clinicId: string, change: ClinicChange): Promise<AdminClinic>;
  /** Plans the file's import; unless `dryRun`, carries it out, or refuses it whole when any line is refused. */
  import(staff: StaffMember, csv: string, dryRun: boolean): Promise<ClinicImportPlan & { applied: boolean }>;
}

/** An admin of the clinic; a region-wide admin of any (a clinic that does not exist is then a 404, not a 403). */
function authorizeClinic(staff: StaffMember, clinicId: string): void {
  authorize(staff, ADMIN, staff.regionWide ? undefined : clinicId);
}

function requireRegionWide(staff: StaffMember): void {
  authorize(staff, ADMIN);
  if (!staff.regionWide) throw new Forbidden('Adding clinics needs a region-wide admin account (one that covers every clinic).', null);
}

export function createClinicAdminService(deps: { db: Database; clock: Clock; onRulesChanged?: (clinicId: string) => void }): ClinicAdminService {
  const { db, clock, onRulesChanged } = deps;

  async function read(tx: Queryable, clinicId: string): Promise<AdminClinic> {
    const [summary, rules] = await Promise.all([findClinicSummary(tx, clinicId), findClinicRules(tx, clinicId)]);
    if (!summary || !rules) throw new ClinicNotFound(clinicId);
    return { summary, rules };
  }

  /** The unique constraints a concurrent writer can still trip after the checks: said as the field to fix. */
  function conflictOf(error: unknown, clinicId: string, hsaId: string | null, field = 'body.hsaId'): unknown {
    if (isUniqueViolation(error, 'clinics_pkey')) return new ClinicExists(clinicId);
    if (hsaId && isUniqueViolation(error, 'clinics_hsa_id_key')) return new HsaIdTaken(hsaId, 'another clinic', field);
    return error;
  }

  async function checkHsaId(tx: Queryable, clinicId: string, hsaId: string | null): Promise<void> {
    if (!hsaId) return;
    const owner = await findClinicIdByHsaId(tx, hsaId);
    if (owner && owner !== clinicId) throw new HsaIdTaken(hsaId, owner);
  }

  async function existingClinics(tx: Queryable): Promise<Map<string, ExistingClinic>> {
    const map = new Map<string, ExistingClinic>();
    for (const s of await listClinics(tx)) {
      const rules = await findClinicRules(tx, s.id);
      if (!rules) continue;
      const profile = { name: s.name, hsaId: s.hsaId, town: s.town, municipality: s.municipality, ownership: s.ownership, phone: s.publicPhoneE164 };
      map.set(s.id, { profile, status: s.status, rules });
    }
    return map;
  }

  return {
    async list(staff) {
      authorize(staff, ADMIN);
      return (await listClinics(db)).filter((c) => staff.clinicIds.includes(c.id));
    },

    async get(staff, clinicId) {
      authorizeClinic(staff, clinicId);
      return read(db, clinicId);
    },

    async create(staff, clinic) {
      requireRegionWide(staff);
      const parsed = ClinicRulesSchema.safeParse({
        id: clinic.id,
        name: clinic.profile.name,
        bookingWindow: clinic.bookingWindow ?? DEFAULT_BOOKING_WINDOW,
        ...(clinic.slotMinutes ? { slotMinutes: clinic.slotMinutes } : {}),
        capacityRules: clinic.capacityRules,
      });
      if (!parsed.success) throw new ValidationFailed(parsed.error.issues.map((i) => ({ field: ['body', ...i.path.map(String)].join('.'), message: i.message })));
      const now = clock.now();
      try {
        const created = await db.transaction(async (tx) => {
          if (await findClinicSummary(tx, clinic.id)) throw new ClinicExists(clinic.id);
          await checkHsaId(tx, clinic.id, clinic.profile.hsaId);
          await insertClinicIn(tx, parsed.data);
          await updateClinicProfile(tx, clinic.id, clinic.profile);
          await setClinicStatus(tx, clinic.id, clinic.status, null, now.toJSDate());
          await recordAudit(tx, { at: now, staffId: staff.id, action: 'clinic.created', clinicId: clinic.id, callbackIds: [] });
          return read(tx, clinic.id);
        });
        return created;
      } catch (error) {
        throw conflictOf(error, clinic.id, clinic.profile.hsaId);
      }
    },

    async change(staff, clinicId, change) {
      authorizeClinic(staff, clinicId);
      const problem = change.status ? statusIssue(change.status, change.referral) : null;
      if (problem) throw new ValidationFailed([{ field: 'body.referral', message: problem, code: 'referral_required' }]);
      const now = clock.now();
      try {
        const changed = await db.transaction(async (tx) => {
          const current = await read(tx, clinicId);
          const fields: string[] = [];
          if (change.profile) {
            const c = current.summary;
            const profile: ClinicProfile = {
              name: c.name,
              hsaId: c.hsaId,
              town: c.town,
              municipality: c.municipality,
              ownership: c.ownership,
              phone: c.publicPhoneE164,
              ...change.profile,
            };
            await checkHsaId(tx, clinicId, profile.hsaId);
            await updateClinicProfile(tx, clinicId, profile);
            fields.push(...Object.keys(change.profile));
          }
          const rules = { bookingWindow: change.bookingWindow, slotMinutes: change.slotMinutes, capacityRules: change.capacityRules };
          const given = Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== undefined));
          if (Object.keys(given).length) {
            await replaceClinicRules(tx, clinicId, given, now);
            fields.push(...Object.keys(given));
          }
          if (change.status) {
            await setClinicStatus(tx, clinicId, change.status, change.status === 'closed' ? change.referral! : null, now.toJSDate());
            fields.push('status');
          }
          await recordAudit(tx, { at: now, staffId: staff.id, action: 'clinic.changed', clinicId, callbackIds: [], detail: { fields } });
          return read(tx, clinicId);
        });
        onRulesChanged?.(clinicId);
        return changed;
      } catch (error) {
        throw conflictOf(error, clinicId, change.profile?.hsaId ?? null);
      }
    },

    async import(staff, csv, dryRun) {
      requireRegionWide(staff);
      const table = readCsvTable(csv);
      const missing = requiredColumnsMissing(table.header);
      if (missing.length) throw new ValidationFailed(missing);
      const plan = await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK_KEY]);
        const existing = await existingClinics(tx);
        const hsaOwners = new Map([...existing].flatMap(([id, c]) => (c.profile.hsaId ? [[c.profile.hsaId, id] as const] : [])));
        const plan = planClinicImport(table.header, table.rows, existing, hsaOwners);
        if (dryRun) return { ...plan, applied: false };
        const refused = plan.lines.filter((l) => l.action === 'refused');
        if (refused.length) {
          throw new ValidationFailed(
            refused.flatMap((l) => l.issues.map((i): FieldIssue => ({ field: `body.lines.${l.line}${i.column ? `.${i.column}` : ''}`, message: `line ${l.line}: ${i.column ? `${i.column} ` : ''}${i.message}`, code: 'line_refused', params: { line: l.line, column: i.column } }))),
          );
        }
        const now = clock.now();
        for (const l of plan.lines) {
          if (l.action !== 'create' && l.action !== 'update') continue;
          const { profile, status, rules } = l.result!;
          if (l.action === 'create') await insertClinicIn(tx, rules);
          else if (l.changes.some((c) => c === 'opens' || c === 'slotMinutes' || c === 'capacity')) {
            await replaceClinicRules(tx, l.id, { bookingWindow: rules.bookingWindow, slotMinutes: rules.slotMinutes, capacityRules: rules.capacityRules }, now).catch((error: unknown) => {
              // A booked place the line's rules would lose: said as that line's problem.
              if (error instanceof ValidationFailed) throw new ValidationFailed(error.issues.map((i) => ({ ...i, field: `body.lines.${l.line}`, message: `line ${l.line}: ${i.message}` })));
              throw error;
            });
          }
          await updateClinicProfile(tx, l.id, profile);
          if (status !== 'closed') await setClinicStatus(tx, l.id, status, null, now.toJSDate());
          await recordAudit(tx, { at: now, staffId: staff.id, action: l.action === 'create' ? 'clinic.created' : 'clinic.changed', clinicId: l.id, callbackIds: [], detail: { import: true, fields: l.changes } });
        }
        return { ...plan, applied: true };
      });
      if (plan.applied) for (const l of plan.lines) if (l.action === 'update') onRulesChanged?.(l.id);
      return plan;
    },
  };
}

/** The required columns a file lacks, each as a problem of the file's first line. */
function requiredColumnsMissing(header: readonly string[]): FieldIssue[] {
  return columnsOf(header).missing.map((c) => ({
    field: 'body.lines.1',
    message: `line 1: no ${CLINIC_COLUMNS[c][0]} column`,
    code: 'column_missing',
    params: { line: 1, column: CLINIC_COLUMNS[c][0] },
  }));
}
