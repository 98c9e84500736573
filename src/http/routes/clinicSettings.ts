// Clinic settings routes (managers, admins of that clinic): read and replace booking hours, capacity, closed
// dates, tolerances and the duplicate policy.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { ClinicRules } from '../../domain/clinic.js';
import type { ClinicSettingsService } from '../../services/clinicSettings.js';
import type { StaffAuthenticator } from '../../services/staffAuth.js';
import { ClinicSettingsBody, ClinicSettingsView } from '../clinicSettingsSchemas.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { ClinicIdParams } from '../schemas.js';
import { staffOfRequest } from '../staffAccess.js';
import { StaffHeaders } from '../staffSchemas.js';
import { parseRequest } from '../validation.js';

const bearer = [{ bearerAuth: [] }];

export function settingsView(r: ClinicRules) {
  return {
    clinicId: r.id,
    name: r.name,
    timezone: r.timezone,
    bookingWindow: r.bookingWindow,
    slotMinutes: r.slotMinutes,
    capacityRules: r.capacityRules,
    dateExceptions: r.dateExceptions,
    earlyToleranceMinutes: r.earlyToleranceMinutes,
    lateToleranceMinutes: r.lateToleranceMinutes,
    oneOpenCallbackPerCaller: r.oneOpenCallbackPerCaller,
  };
}

export function clinicSettingsRoutes(deps: { auth: StaffAuthenticator; settings: ClinicSettingsService }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { settings } = deps;
  const staffOf = staffOfRequest(deps.auth);

  registry.registerPath({
    method: 'get',
    path: '/api/staff/clinics/{clinicId}/settings',
    summary: 'A clinic’s settings: booking hours, slot length, capacity, date exceptions, tolerances, duplicate policy',
    description: 'Roles: manager or admin of that clinic.',
    tags: ['Clinic settings'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders },
    responses: { 200: { description: 'The settings', content: { 'application/json': { schema: ClinicSettingsView } } }, ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503) },
  });
  router.get('/staff/clinics/:clinicId/settings', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    res.json(settingsView(await settings.get(staff, clinicId)));
  });

  registry.registerPath({
    method: 'put',
    path: '/api/staff/clinics/{clinicId}/settings',
    summary: 'Replace a clinic’s settings',
    description:
      'All fields are replaced in one transaction and the change is written to the audit trail (clinic.settings_changed). ' +
      'Refused with 400 naming the field: booking closed before 06:00 or after 17:00 on a weekday (rule 1), a time range that ends before it starts, ' +
      'a date listed twice, or a change that would leave a booked slot (from now on) with fewer places than its bookings. ' +
      'Reports follow at once: tolerances and closed dates mark the days they change. Roles: manager or admin of that clinic.',
    tags: ['Clinic settings'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders, body: { content: { 'application/json': { schema: ClinicSettingsBody } } } },
    responses: {
      200: { description: 'The settings as stored', content: { 'application/json': { schema: ClinicSettingsView } } },
      ...errorResponses({ 400: BODY_INVALID }, 401, 403, { 404: ['clinic_not_found'] }, 413, 503),
    },
  });
  router.put('/staff/clinics/:clinicId/settings', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const body = parseRequest(ClinicSettingsBody, req.body, 'body');
    res.json(settingsView(await settings.update(staff, clinicId, body)));
  });

  return router;
}
