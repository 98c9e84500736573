// The region's administration of staff accounts: list, create (the bearer token shown once), change clinics, phone
// or name, revoke, and import many from a spreadsheet (dry run first). Only admins; an admin who covers some clinics
// manages the accounts of those clinics only, and only a region-wide admin gives an account every clinic. The last
// active region-wide admin cannot be revoked or narrowed. Every change is audited (what, never the values).
import type { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { OidcConfig } from '../config/oidc.js';
import { recordAudit } from '../db/audit.js';
import { listClinics } from '../db/clinics.js';
import { isUniqueViolation, type Database, type Queryable } from '../db/database.js';
import {
  countOtherRegionAdmins,
  findStaffAccount,
  findStaffIdByHsaId,
  listStaffAccounts,
  revokeStaff,
  updateStaffAccount,
  type StaffAccountSummary,
  type StaffRole,
} from '../db/staff.js';
import { planStaffImport, STAFF_COLUMNS, staffColumnsOf, type ExistingStaff, type StaffImportPlan } from '../domain/staffImport.js';
import { ClinicNotFound, Forbidden, HsaIdTaken, LastAdmin, StaffNotFound, ValidationFailed, type FieldIssue } from '../errors.js';
import { readCsvTable } from '../exports/csvTable.js';
import { authorize, createStaffMemberIn, type StaffMember } from './staffAuth.js';

const ADMIN = ['admin'] as const;
const IMPORT_LOCK_KEY = 7_270_020;

export type Clinics = 'all' | string[];

export interface NewStaffAccount {
  name: string;
  role: StaffRole;
  clinics: Clinics;
  phoneE164: string | null;
  hsaId: string | null;
  /** Days the token is valid; default the region's (STAFF_TOKEN_DAYS). */
  days?: number;
}

export interface StaffAccountChange {
  name?: string;
  clinics?: Clinics;
  phoneE164?: string | null;
}

/** What an admin sees of OpenID Connect: how claims become roles and clinics (never a secret). */
export interface OidcMapping {
  issuer: string;
  audience: string;
  roleClaim: string;
  clinicsClaim: string;
  roleMap: Record<string, string> | null;
}

export interface CreatedAccount {
  account: StaffAccountSummary;
  token: string;
  expiresAt: DateTime | null;
}

export interface StaffAdminService {
  list(staff: StaffMember): Promise<{ accounts: StaffAccountSummary[]; oidc: OidcMapping | null }>;
  get(staff: StaffMember, id: string): Promise<StaffAccountSummary>;
  create(staff: StaffMember, account: NewStaffAccount): Promise<CreatedAccount>;
  change(staff: StaffMember, id: string, change: StaffAccountChange): Promise<StaffAccountSummary>;
  revoke(staff: StaffMember, id: string): Promise<StaffAccountSummary>;
  /** The plan, and unless `dryRun` the accounts made (each token shown this once). */
  import(staff: StaffMember, csv: string, dryRun: boolean): Promise<StaffImportPlan & { applied: boolean; created: (CreatedAccount & { line: number })[] }>;
}

export function createStaffAdminService(deps: { db: Database; clock: Clock; tokenDays: number; oidc: OidcConfig | null }): StaffAdminService {
  const { db, clock, tokenDays } = deps;
  const oidc: OidcMapping | null = deps.oidc
    ? { issuer: deps.oidc.issuer, audience: deps.oidc.audience, roleClaim: deps.oidc.roleClaim, clinicsClaim: deps.oidc.clinicsClaim, roleMap: deps.oidc.roleMap }
    : null;

  /** An admin manages accounts whose clinics they all cover; a region-wide account only a region-wide admin. */
  function mayManage(staff: StaffMember, account: Pick<StaffAccountSummary, 'allClinics' | 'clinicIds' | 'signIn'>): boolean {
    if (staff.regionWide) return true;
    if (account.allClinics) return false;
    // An OpenID Connect account's clinics come with each sign-in: only the region manages it.
    if (account.signIn === 'oidc') return false;
    return account.clinicIds.length > 0 && account.clinicIds.every((id) => staff.clinicIds.includes(id));
  }

  async function checkClinics(tx: Queryable, staff: StaffMember, clinics: Clinics, field: string): Promise<void> {
    if (clinics === 'all') {
      if (!staff.regionWide) throw new Forbidden('Only a region-wide admin can give an account every clinic.', null);
      return;
    }
    if (!clinics.length) throw new ValidationFailed([{ field, message: 'must name at least one clinic, or be "all"' }]);
    const known = new Set((await listClinics(tx)).map((c) => c.id));
    const unknown = clinics.find((id) => !known.has(id));
    if (unknown) throw new ClinicNotFound(unknown);
    const foreign = clinics.find((id) => !staff.regionWide && !staff.clinicIds.includes(id));
    if (foreign) throw new Forbidden(`You do not administer clinic '${foreign}'.`, foreign);
  }

  async function found(tx: Queryable, staff: StaffMember, id: string, forUpdate = false): Promise<StaffAccountSummary> {
    const account = await findStaffAccount(tx, id, forUpdate);
    // An account an admin may not manage is answered as absent: its existence is not theirs to learn.
    if (!account || !mayManage(staff, account)) throw new StaffNotFound(id);
    return account;
  }

  /** Refuses to leave the region without an active region-wide admin. */
  async function keepAnAdmin(tx: Queryable, account: StaffAccountSummary): Promise<void> {
    if (account.role !== 'admin' || !account.allClinics || account.disabledAt) return;
    if ((await countOtherRegionAdmins(tx, account.id)) === 0) throw new LastAdmin();
  }

  const audit = (tx: Queryable, staff: StaffMember, action: string, detail: Record<string, unknown>) =>
    recordAudit(tx, { at: clock.now(), staffId: staff.id, action, clinicId: null, callbackIds: [], detail });

  async function createIn(tx: Queryable, staff: StaffMember, a: NewStaffAccount, field = 'body.hsaId'): Promise<CreatedAccount> {
    if (a.hsaId) {
      const owner = await findStaffIdByHsaId(tx, a.hsaId);
      if (owner) throw new HsaIdTaken(a.hsaId, 'another staff account', field);
    }
    const { staff: made, token, expiresAt } = await createStaffMemberIn(tx, {
      name: a.name,
      role: a.role,
      clinicIds: a.clinics === 'all' ? [] : a.clinics,
      allClinics: a.clinics === 'all',
      phoneE164: a.phoneE164,
      hsaId: a.hsaId,
      validity: { from: clock.now(), days: a.days ?? tokenDays },
    });
    await audit(tx, staff, 'staff.created', { staffId: made.id, role: a.role, clinics: a.clinics });
    return { account: (await findStaffAccount(tx, made.id))!, token, expiresAt };
  }

  const hsaConflict = (error: unknown, hsaId: string | null) =>
    hsaId && isUniqueViolation(error, 'staff_hsa_id_key') ? new HsaIdTaken(hsaId, 'another staff account') : error;

  return {
    async list(staff) {
      authorize(staff, ADMIN);
      const accounts = (await listStaffAccounts(db)).filter((a) => mayManage(staff, a));
      await audit(db, staff, 'staff.listed', { count: accounts.length });
      return { accounts, oidc };
    },

    async get(staff, id) {
      authorize(staff, ADMIN);
      return found(db, staff, id);
    },

    async create(staff, account) {
      authorize(staff, ADMIN);
      try {
        return await db.transaction(async (tx) => {
          await checkClinics(tx, staff, account.clinics, 'body.clinics');
          return createIn(tx, staff, account);
        });
      } catch (error) {
        throw hsaConflict(error, account.hsaId);
      }
    },

    async change(staff, id, change) {
      authorize(staff, ADMIN);
      return db.transaction(async (tx) => {
        const account = await found(tx, staff, id, true);
        if (change.clinics !== undefined) {
          if (account.signIn === 'oidc') {
            throw new ValidationFailed([{ field: 'body.clinics', message: 'come from the identity provider at each sign-in for this account', code: 'clinics_from_sign_in' }]);
          }
          await checkClinics(tx, staff, change.clinics, 'body.clinics');
          if (change.clinics !== 'all') await keepAnAdmin(tx, account);
        }
        await updateStaffAccount(tx, id, {
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(change.phoneE164 !== undefined ? { phoneE164: change.phoneE164 } : {}),
          ...(change.clinics !== undefined ? { clinics: change.clinics === 'all' ? { all: true } : { all: false, ids: change.clinics } } : {}),
        });
        await audit(tx, staff, 'staff.changed', { staffId: id, fields: Object.keys(change) });
        return (await findStaffAccount(tx, id))!;
      });
    },

    async revoke(staff, id) {
      authorize(staff, ADMIN);
      return db.transaction(async (tx) => {
        const account = await found(tx, staff, id, true);
        await keepAnAdmin(tx, account);
        await revokeStaff(tx, id, clock.now());
        await audit(tx, staff, 'staff.revoked', { staffId: id });
        return (await findStaffAccount(tx, id))!;
      });
    },

    async import(staff, csv, dryRun) {
      authorize(staff, ADMIN);
      const table = readCsvTable(csv);
      const missing = staffColumnsOf(table.header).missing.map(
        (c): FieldIssue => ({ field: 'body.lines.1', message: `line 1: no ${STAFF_COLUMNS[c][0]} column`, code: 'column_missing', params: { line: 1, column: STAFF_COLUMNS[c][0] } }),
      );
      if (missing.length) throw new ValidationFailed(missing);
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK_KEY]);
        const accounts = await listStaffAccounts(tx);
        const existing = new Map<string, ExistingStaff>(
          accounts.flatMap((a) =>
            a.hsaId
              ? [[a.hsaId, { id: a.id, name: a.name, role: a.role, clinics: a.allClinics ? 'all' : a.clinicIds, phoneE164: a.phoneE164, revoked: a.disabledAt !== null }] as const]
              : [],
          ),
        );
        const clinicIds = new Set((await listClinics(tx)).map((c) => c.id));
        const plan = planStaffImport(table.header, table.rows, existing, clinicIds, staff.regionWide ? 'all' : new Set(staff.clinicIds));
        if (dryRun) return { ...plan, applied: false, created: [] };
        const refused = plan.lines.filter((l) => l.action === 'refused');
        if (refused.length) {
          throw new ValidationFailed(
            refused.flatMap((l) =>
              l.issues.map((i): FieldIssue => ({ field: `body.lines.${l.line}.${i.column}`, message: `line ${l.line}: ${i.column} ${i.message}`, code: 'line_refused', params: { line: l.line, column: i.column } })),
            ),
          );
        }
        const created: (CreatedAccount & { line: number })[] = [];
        for (const l of plan.lines) {
          const r = l.result;
          if (!r) continue;
          if (l.action === 'create') {
            const made = await createIn(tx, staff, { name: r.name, role: r.role, clinics: r.clinics, phoneE164: r.phoneE164, hsaId: r.hsaId, ...(r.days ? { days: r.days } : {}) });
            created.push({ ...made, line: l.line });
          } else {
            if (l.changes.includes('clinics') && r.clinics !== 'all') await keepAnAdmin(tx, (await findStaffAccount(tx, r.id!, true))!);
            await updateStaffAccount(tx, r.id!, {
              name: r.name,
              phoneE164: r.phoneE164,
              clinics: r.clinics === 'all' ? { all: true } : { all: false, ids: r.clinics },
            });
            await audit(tx, staff, 'staff.changed', { staffId: r.id, fields: l.changes, import: true });
          }
        }
        return { ...plan, applied: true, created };
      });
    },
  };
}
