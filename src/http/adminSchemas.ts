// Schemas of the region's administration (/api/admin/…): clinics with their record and booking rules, staff
// accounts, and the imports' plans. The domain's schemas validate the values (HSA-id, phone, the booking rules).
import { z } from 'zod';
import { CapacityRuleSchema, ClinicRulesSchema, LocalTimeSchema } from '../domain/clinic.js';
import { CLINIC_STATUSES, HsaIdSchema, OWNERSHIPS, SwedishPhoneSchema } from '../domain/clinicProfile.js';
import { isoInstant } from './primitives.js';
import { nonBlankText } from './primitives.js';

const IsoInstant = isoInstant('2027-03-30T08:00:00+02:00');

const Opening = z.strictObject({ open: LocalTimeSchema, close: LocalTimeSchema });
const BookingWindow = z
  .partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), Opening)
  .meta({ description: 'Booking hours per ISO weekday (1 = Monday); Monday–Friday at least 06:00–17:00 (rule 1). Default: 06:00–17:00 Monday–Friday.' });
const CapacityRules = z.array(CapacityRuleSchema).max(100).meta({ description: 'Places per slot by weekdays and time range; a later rule overrides an earlier one' });

const HsaId = HsaIdSchema.meta({ description: 'The national unit id: SE, the 10-digit organisation number, -, 1–20 letters or digits', example: 'SE2321000016-15CQ' });
const Phone = SwedishPhoneSchema.meta({ description: 'The clinic’s own number as patients are shown it; stored as E.164', example: '0227-123 40' });

const profileFields = {
  name: nonBlankText(200),
  hsaId: HsaId.nullable().optional(),
  town: nonBlankText(100).nullable().optional(),
  municipality: nonBlankText(100).nullable().optional().meta({ description: 'Kommun' }),
  ownership: z.enum(OWNERSHIPS).nullable().optional().meta({ description: 'Driftsform: run by the region (public) or privately under its contract' }),
  phone: Phone.nullable().optional(),
};

export const NewClinicBody = z
  .strictObject({
    id: ClinicRulesSchema.shape.id.meta({ description: 'The clinic’s address in URLs: lower-case letters, digits and dashes; never changes', example: 'vc-kungsor' }),
    ...profileFields,
    status: z.enum(['open', 'paused']).default('open').meta({ description: 'paused: set up but not yet taking bookings' }),
    bookingWindow: BookingWindow.optional(),
    slotMinutes: z.number().int().min(5).max(120).optional().meta({ description: 'Default 15' }),
    capacityRules: CapacityRules,
  })
  .meta({ id: 'NewClinic' });

export const ClinicChangeBody = z
  .strictObject({
    ...profileFields,
    name: profileFields.name.optional(),
    status: z.enum(CLINIC_STATUSES).optional().meta({ description: 'open, paused (no bookings) or closed (history kept; needs referral)' }),
    referral: nonBlankText(300).optional().meta({ description: 'Where a closed clinic’s patients should turn, shown on its pages', example: 'Vårdcentralen Norr, 021-12 34 56, eller 1177' }),
    bookingWindow: BookingWindow.optional(),
    slotMinutes: z.number().int().min(5).max(120).optional(),
    capacityRules: CapacityRules.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' })
  .meta({ id: 'ClinicChange' });

export const AdminClinicView = z
  .object({
    id: z.string(),
    name: z.string(),
    hsaId: z.string().nullable(),
    town: z.string().nullable(),
    municipality: z.string().nullable(),
    ownership: z.enum(OWNERSHIPS).nullable(),
    phone: z.string().nullable(),
    status: z.enum(CLINIC_STATUSES),
    referral: z.string().nullable(),
    timezone: z.string(),
    bookingWindow: BookingWindow,
    slotMinutes: z.number().int(),
    capacityRules: CapacityRules,
  })
  .meta({ id: 'AdminClinic' });

export const AdminClinicList = z.object({ clinics: z.array(AdminClinicView.omit({ bookingWindow: true, slotMinutes: true, capacityRules: true })) }).meta({ id: 'AdminClinicList' });

export const ImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').meta({ description: 'true: only say what the import would do' }),
});

export const CsvBody = z.string().meta({
  description: 'The file: UTF-8 (with or without a byte order mark), separated by ; or , with a header line',
  example: 'id;namn;hsa-id;ort;kommun;platser per tid\nvc-kungsor;Vårdcentralen Kungsör;SE2321000016-15CQ;Kungsör;Kungsör;3\n',
});

const ImportIssue = z.object({ column: z.string(), message: z.string() });
const importLine = <T extends z.ZodRawShape>(extra: T) =>
  z.object({
    line: z.number().int().meta({ description: 'The line in the file (the header is line 1)' }),
    action: z.enum(['create', 'update', 'unchanged', 'refused']),
    changes: z.array(z.string()).meta({ description: 'What would change, by column' }),
    issues: z.array(ImportIssue).meta({ description: 'Why a refused line is refused' }),
    ...extra,
  });
const counts = z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), refused: z.number().int() });

export const ClinicImportResult = z
  .object({
    applied: z.boolean().meta({ description: 'false for a dry run' }),
    counts,
    ignoredColumns: z.array(z.string()),
    lines: z.array(importLine({ id: z.string() })),
  })
  .meta({ id: 'ClinicImportResult' });

const Clinics = z
  .union([z.literal('all'), z.array(ClinicRulesSchema.shape.id).min(1).max(500)])
  .meta({ description: 'Clinic ids, or "all": every clinic, those created later too (region staff; only a region-wide admin gives it)' });

export const NewStaffBody = z
  .strictObject({
    name: nonBlankText(200),
    role: z.enum(['nurse', 'manager', 'admin']),
    clinics: Clinics,
    phone: SwedishPhoneSchema.nullable().optional().meta({ description: 'Rung by agent-first dialling; a manager’s daily summary SMS' }),
    hsaId: HsaIdSchema.nullable().optional().meta({ description: 'The person’s HSA-id, by which a staff import recognises them' }),
    days: z.number().int().min(1).max(3650).optional().meta({ description: 'Days the token is valid; default STAFF_TOKEN_DAYS' }),
  })
  .meta({ id: 'NewStaffAccount' });

export const StaffChangeBody = z
  .strictObject({
    name: nonBlankText(200).optional(),
    clinics: Clinics.optional(),
    phone: SwedishPhoneSchema.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' })
  .meta({ id: 'StaffAccountChange' });

export const StaffIdParams = z.object({ staffId: z.uuid().meta({ description: 'A staff account’s id' }) });

export const StaffAccountView = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['nurse', 'manager', 'admin']),
    clinics: z.union([z.literal('all'), z.array(z.string())]).meta({ description: 'For an OpenID Connect account: those of its last sign-in come with each sign-in ([] here)' }),
    phone: z.string().nullable(),
    hsaId: z.string().nullable(),
    signIn: z.enum(['token', 'oidc']),
    oidcSubject: z.string().nullable(),
    createdAt: IsoInstant.meta({ description: 'For an OpenID Connect account: its first sign-in' }),
    tokenExpiresAt: IsoInstant.nullable(),
    revokedAt: IsoInstant.nullable(),
  })
  .meta({ id: 'StaffAccount' });

export const StaffList = z
  .object({
    accounts: z.array(StaffAccountView),
    oidc: z
      .object({ issuer: z.string(), audience: z.string(), roleClaim: z.string(), clinicsClaim: z.string(), roleMap: z.record(z.string(), z.string()).nullable() })
      .nullable()
      .meta({ description: 'How OpenID Connect sign-ins become roles and clinics; null when it is not configured' }),
  })
  .meta({ id: 'StaffList' });

export const CreatedStaffView = z
  .object({ account: StaffAccountView, token: z.string().meta({ description: 'The bearer token, shown this once' }), expiresAt: IsoInstant.nullable() })
  .meta({ id: 'CreatedStaffAccount' });

export const StaffImportResult = z
  .object({
    applied: z.boolean(),
    counts,
    ignoredColumns: z.array(z.string()),
    lines: z.array(importLine({ hsaId: z.string() })),
    created: z.array(CreatedStaffView.extend({ line: z.number().int() })).meta({ description: 'The accounts made, each token shown this once' }),
  })
  .meta({ id: 'StaffImportResult' });
