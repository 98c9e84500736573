// Clinic settings endpoints (managers, admins of that clinic): booking hours, capacity, closed dates, tolerances and
// the duplicate policy; and the clinic's telephony (booking numbers, fallback number, dialling, caller id).
import type { ClinicSettingsService } from '../../services/clinicSettings.js';
import type { ClinicTelephonyService } from '../../services/clinicTelephony.js';
import type { StaffMember } from '../../services/staffAuth.js';
import type { ClinicTelephony } from '../../db/clinicTelephony.js';
import { ClinicSettingsBody, ClinicSettingsView } from '../clinicSettingsSchemas.js';
import { ClinicTelephonyBody, ClinicTelephonyView } from '../clinicTelephonySchemas.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { clinicSettingsView } from '../present.js';
import { ClinicIdParams } from '../schemas.js';


export function clinicSettingsEndpoints(deps: {
  settings: ClinicSettingsService;
  telephony: ClinicTelephonyService;
  /** The clinic's voice_start URL, for an admin; null for others (it holds the clinic's webhook key). */
  voiceStartUrl: (staff: StaffMember, clinicId: string) => string | null;
}): AnyEndpoint[] {
  const { settings, telephony } = deps;
  const telephonyView = (staff: StaffMember, t: ClinicTelephony) => ({ ...t, voiceStartUrl: deps.voiceStartUrl(staff, t.clinicId) });
  return [
    endpoint({
      route: 'GET /api/staff/clinics/{clinicId}/settings',
      summary: 'A clinic’s settings: booking hours, slot length, capacity, date exceptions, tolerances, duplicate policy',
      description: 'Roles: manager or admin of that clinic.',
      access: 'staff',
      request: { params: ClinicIdParams },
      responses: { 200: { description: 'The settings', schema: ClinicSettingsView } },
      errors: { 404: ['clinic_not_found'] },
      handle: async ({ staff, params }) => ({ json: clinicSettingsView(await settings.get(staff, params.clinicId)) }),
    }),
    endpoint({
      route: 'PUT /api/staff/clinics/{clinicId}/settings',
      summary: 'Replace a clinic’s settings',
      description:
        'All fields are replaced in one transaction and the change is written to the audit trail (clinic.settings_changed). ' +
        'Refused with 400 naming the field: booking closed before 06:00 or after 17:00 on a weekday (rule 1), a time range that ends before it starts, ' +
        'a date listed twice, or a change that would leave a booked slot (from now on) with fewer places than its bookings. ' +
        'Reports follow at once: tolerances and closed dates mark the days they change. Roles: manager or admin of that clinic.',
      access: 'staff',
      request: { params: ClinicIdParams, body: ClinicSettingsBody },
      responses: { 200: { description: 'The settings as stored', schema: ClinicSettingsView } },
      errors: { 404: ['clinic_not_found'] },
      handle: async ({ staff, params, body }) => ({ json: clinicSettingsView(await settings.update(staff, params.clinicId, body)) }),
    }),
    endpoint({
      route: 'GET /api/staff/clinics/{clinicId}/telephony',
      summary: 'A clinic’s telephony: booking numbers, fallback number, agent-first dialling, caller id',
      description: 'Admins also get the voice_start URL to set on each booking number at 46elks (it holds the clinic’s webhook key). Roles: manager or admin of that clinic.',
      access: 'staff',
      request: { params: ClinicIdParams },
      responses: { 200: { description: 'The settings', schema: ClinicTelephonyView } },
      errors: { 404: ['clinic_not_found'] },
      handle: async ({ staff, params }) => ({ json: telephonyView(staff, await telephony.get(staff, params.clinicId)) }),
    }),
    endpoint({
      route: 'PUT /api/staff/clinics/{clinicId}/telephony',
      summary: 'Replace a clinic’s telephony settings',
      description:
        'Numbers may be given in everyday Swedish forms or E.164 and are stored as E.164. Refused with 400 naming the field (not a phone number, ' +
        'listed twice, fallback equal to a booking number) and 409 phone_number_taken naming the numbers another clinic has. ' +
        'Written to the audit trail (clinic.telephony_changed). Roles: manager or admin of that clinic.',
      access: 'staff',
      request: { params: ClinicIdParams, body: ClinicTelephonyBody },
      responses: { 200: { description: 'The settings as stored', schema: ClinicTelephonyView } },
      errors: { 404: ['clinic_not_found'], 409: ['phone_number_taken'] },
      handle: async ({ staff, params, body }) => ({ json: telephonyView(staff, await telephony.update(staff, params.clinicId, body)) }),
    }),
  ];
}
