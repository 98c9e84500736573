// The region's administration (role admin): health centres and staff accounts, one by one or imported from a
// spreadsheet (dry run first). Other roles get 403, written to the audit trail.
import type { ClinicAdminService } from '../../services/clinicAdmin.js';
import type { StaffAdminService } from '../../services/staffAdmin.js';
import {
  AdminClinicList,
  AdminClinicView,
  ClinicChangeBody,
  ClinicImportResult,
  CreatedStaffView,
  CsvBody,
  ImportQuery,
  NewClinicBody,
  NewStaffBody,
  StaffAccountView,
  StaffChangeBody,
  StaffIdParams,
  StaffImportResult,
  StaffList,
} from '../adminSchemas.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { adminClinicView, instant, publicClinicView, staffAccountView } from '../present.js';
import { ClinicIdParams } from '../schemas.js';
import { REGION_TIMEZONE } from '../../domain/schedule.js';

/** An import's file: a region's 250 clinics or a few thousand staff fit with room. */
const IMPORT_FILE = { type: 'text/csv', limit: '2mb' } as const;

const IMPORT_DESCRIPTION =
  'The body is the CSV file (Content-Type: text/csv), UTF-8 with or without a byte order mark, separated by ; (as Swedish Excel saves) or ,. ' +
  'With ?dryRun=true the answer is the plan: each line created, updated, unchanged or refused with its reasons. Without it the file is imported ' +
  'in one transaction, or refused whole with 400 naming each bad line and column (details.fields[].params.line): nothing half-imported. ' +
  'Importing the same file again changes nothing.';

export function adminClinicEndpoints(deps: { clinics: ClinicAdminService }): AnyEndpoint[] {
  const { clinics } = deps;
  return [
    endpoint({
      route: 'GET /api/admin/clinics',
      summary: 'The clinics this admin administers, closed ones included',
      access: 'staff',
      responses: { 200: { description: 'The clinics', schema: AdminClinicList } },
      async handle({ staff }) {
        const list = await clinics.list(staff);
        return { json: { clinics: list.map((c) => ({ ...publicClinicView(c), ownership: c.ownership })) } };
      },
    }),
    endpoint({
      route: 'POST /api/admin/clinics',
      summary: 'Add a health centre: its record, booking hours, slot length and capacity',
      description:
        'Only a region-wide admin (one covering every clinic). Booking hours default to 06:00–17:00 Monday–Friday (rule 1) and slots to 15 minutes; ' +
        'an HSA-id names one unit only. Its booking numbers are set with PUT /api/staff/clinics/{clinicId}/telephony.',
      access: 'staff',
      request: { body: NewClinicBody },
      responses: { 201: { description: 'The clinic as stored', schema: AdminClinicView } },
      errors: { 409: ['clinic_exists', 'hsa_id_taken'] },
      async handle({ staff, body }) {
        const created = await clinics.create(staff, {
          id: body.id,
          profile: { name: body.name, hsaId: body.hsaId ?? null, town: body.town ?? null, municipality: body.municipality ?? null, ownership: body.ownership ?? null, phone: body.phone ?? null },
          status: body.status,
          ...(body.bookingWindow ? { bookingWindow: body.bookingWindow } : {}),
          ...(body.slotMinutes ? { slotMinutes: body.slotMinutes } : {}),
          capacityRules: body.capacityRules,
        });
        return { status: 201, json: adminClinicView(created) };
      },
    }),
    endpoint({
      route: 'GET /api/admin/clinics/{clinicId}',
      summary: 'One clinic: its record, status and booking rules',
      access: 'staff',
      request: { params: ClinicIdParams },
      responses: { 200: { description: 'The clinic', schema: AdminClinicView } },
      errors: { 404: ['clinic_not_found'] },
      handle: async ({ staff, params }) => ({ json: adminClinicView(await clinics.get(staff, params.clinicId)) }),
    }),
    endpoint({
      route: 'PATCH /api/admin/clinics/{clinicId}',
      summary: 'Change a clinic’s record or booking rules, or pause, close or reopen it',
      description:
        'Only the fields sent change. Closing needs referral (where its patients should turn); a closed clinic keeps its history and reports and takes no bookings. ' +
        'Booking-rule changes are checked as the settings page’s are (rule 1; no booked place lost). Admin of that clinic.',
      access: 'staff',
      request: { params: ClinicIdParams, body: ClinicChangeBody },
      responses: { 200: { description: 'The clinic as stored', schema: AdminClinicView } },
      errors: { 404: ['clinic_not_found'], 409: ['hsa_id_taken'] },
      async handle({ staff, params, body }) {
        const { status, referral, bookingWindow, slotMinutes, capacityRules, ...profile } = body;
        const changed = await clinics.change(staff, params.clinicId, {
          ...(Object.keys(profile).length ? { profile } : {}),
          ...(status ? { status } : {}),
          ...(referral ? { referral } : {}),
          ...(bookingWindow ? { bookingWindow } : {}),
          ...(slotMinutes ? { slotMinutes } : {}),
          ...(capacityRules ? { capacityRules } : {}),
        });
        return { json: adminClinicView(changed) };
      },
    }),
    endpoint({
      route: 'POST /api/admin/clinics/import',
      summary: 'Import clinics from a CSV file (a dry run first)',
      description:
        `${IMPORT_DESCRIPTION} Columns (Swedish or English headers, any order; others are ignored and listed): id, namn, hsa-id, ort, kommun, driftsform ` +
        '(offentlig|privat), telefon, öppnar, stänger (weekday booking hours), minuter per tid, platser per tid (places per slot on weekdays), ' +
        'tar emot bokningar (ja|nej). id and namn are required; a new clinic that takes bookings needs platser per tid. A closed clinic stays closed. ' +
        'Only a region-wide admin.',
      access: 'staff',
      request: { query: ImportQuery, body: CsvBody },
      textBody: IMPORT_FILE,
      responses: { 200: { description: 'The plan, and whether it was carried out', schema: ClinicImportResult } },
      async handle({ staff, query, body }) {
        const plan = await clinics.import(staff, body, query.dryRun);
        return { json: { applied: plan.applied, counts: plan.counts, ignoredColumns: plan.ignoredColumns, lines: plan.lines.map(({ result: _r, ...l }) => l) } };
      },
    }),
  ];
}

export function adminStaffEndpoints(deps: { staffAdmin: StaffAdminService }): AnyEndpoint[] {
  const { staffAdmin } = deps;
  const created = (c: Awaited<ReturnType<StaffAdminService['create']>>) => ({
    account: staffAccountView(c.account),
    token: c.token,
    expiresAt: c.expiresAt ? instant(c.expiresAt, REGION_TIMEZONE) : null,
  });
  return [
    endpoint({
      route: 'GET /api/admin/staff',
      summary: 'The staff accounts this admin manages, and how OpenID Connect sign-ins map to roles and clinics',
      description: 'Accounts signing in through OpenID Connect are listed from their first sign-in (signIn: oidc). The read is audited (staff.listed).',
      access: 'staff',
      responses: { 200: { description: 'The accounts', schema: StaffList } },
      async handle({ staff }) {
        const { accounts, oidc } = await staffAdmin.list(staff);
        return { json: { accounts: accounts.map(staffAccountView), oidc } };
      },
    }),
    endpoint({
      route: 'POST /api/admin/staff',
      summary: 'Create a staff account; its bearer token is in the answer, this once',
      description: 'An admin gives the clinics they administer; only a region-wide admin gives "all". Audited (staff.created).',
      access: 'staff',
      request: { body: NewStaffBody },
      responses: { 201: { description: 'The account and its token', schema: CreatedStaffView } },
      errors: { 404: ['clinic_not_found'], 409: ['hsa_id_taken'] },
      async handle({ staff, body }) {
        const made = await staffAdmin.create(staff, {
          name: body.name,
          role: body.role,
          clinics: body.clinics,
          phoneE164: body.phone ?? null,
          hsaId: body.hsaId ?? null,
          ...(body.days ? { days: body.days } : {}),
        });
        return { status: 201, json: created(made) };
      },
    }),
    endpoint({
      route: 'PATCH /api/admin/staff/{staffId}',
      summary: 'Change a staff account’s clinics, phone or name',
      description:
        'A token account’s new clinics apply from its next request, page sessions included. An OpenID Connect account’s clinics come with each sign-in and cannot be set here. ' +
        'The last active region-wide admin cannot be narrowed (409 last_admin). Audited (staff.changed).',
      access: 'staff',
      request: { params: StaffIdParams, body: StaffChangeBody },
      responses: { 200: { description: 'The account as stored', schema: StaffAccountView } },
      errors: { 404: ['staff_not_found', 'clinic_not_found'], 409: ['last_admin'] },
      async handle({ staff, params, body }) {
        const changed = await staffAdmin.change(staff, params.staffId, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.clinics !== undefined ? { clinics: body.clinics } : {}),
          ...(body.phone !== undefined ? { phoneE164: body.phone } : {}),
        });
        return { json: staffAccountView(changed) };
      },
    }),
    endpoint({
      route: 'DELETE /api/admin/staff/{staffId}',
      summary: 'Revoke a staff account: its token and sessions stop working at their next request',
      description: 'Revoking again answers the account as it is. The last active region-wide admin cannot be revoked (409 last_admin). Audited (staff.revoked).',
      access: 'staff',
      request: { params: StaffIdParams },
      responses: { 200: { description: 'The revoked account', schema: StaffAccountView } },
      errors: { 404: ['staff_not_found'], 409: ['last_admin'] },
      handle: async ({ staff, params }) => ({ json: staffAccountView(await staffAdmin.revoke(staff, params.staffId)) }),
    }),
    endpoint({
      route: 'POST /api/admin/staff/import',
      summary: 'Import staff accounts from a CSV file (a dry run first)',
      description:
        `${IMPORT_DESCRIPTION} Columns: hsa-id (the person’s; how a later import recognises them), namn, roll (sjuksköterska|chef|admin), ` +
        'vårdcentraler (clinic ids separated by spaces or |, or alla), telefon, giltig dagar. A role is never changed by an import, nor a revoked account ' +
        'brought back. The answer carries each new account’s token, this once.',
      access: 'staff',
      request: { query: ImportQuery, body: CsvBody },
      textBody: IMPORT_FILE,
      responses: { 200: { description: 'The plan, and the accounts made', schema: StaffImportResult } },
      async handle({ staff, query, body }) {
        const plan = await staffAdmin.import(staff, body, query.dryRun);
        return {
          json: {
            applied: plan.applied,
            counts: plan.counts,
            ignoredColumns: plan.ignoredColumns,
            lines: plan.lines.map(({ result: _r, ...l }) => l),
            created: plan.created.map((c) => ({ ...created(c), line: c.line })),
          },
        };
      },
    }),
  ];
}
