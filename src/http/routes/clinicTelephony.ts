// Clinic telephony routes (managers, admins of that clinic): the numbers patients call to book by keypad, the
// fallback number read out when phone booking fails, agent-first dialling and the caller id.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { ClinicTelephony } from '../../db/clinicTelephony.js';
import type { ClinicTelephonyService } from '../../services/clinicTelephony.js';
import type { StaffAuthenticator } from '../../services/staffAuth.js';
import { clinicWebhookUrl } from '../../telephony/webhookKey.js';
import type { StaffMember } from '../../services/staffAuth.js';
import { ClinicTelephonyBody, ClinicTelephonyView } from '../clinicTelephonySchemas.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { ClinicIdParams } from '../schemas.js';
import { staffOfRequest } from '../staffAccess.js';
import { StaffHeaders } from '../staffSchemas.js';
import { parseRequest } from '../validation.js';

const bearer = [{ bearerAuth: [] }];

export function clinicTelephonyRoutes(
  deps: { auth: StaffAuthenticator; telephony: ClinicTelephonyService; publicBaseUrl: string; secret: string | null },
  registry: OpenAPIRegistry,
): Router {
  const router = Router();
  const service = deps.telephony;
  const staffOf = staffOfRequest(deps.auth);
  // The URL holds the clinic's webhook key: only those who configure 46elks (admins) see it.
  const view = (staff: StaffMember, t: ClinicTelephony) => ({ ...t, voiceStartUrl: voiceStartUrlFor(staff, t.clinicId, deps) });

  registry.registerPath({
    method: 'get',
    path: '/api/staff/clinics/{clinicId}/telephony',
    summary: 'A clinic’s telephony: booking numbers, fallback number, agent-first dialling, caller id',
    description: 'Admins also get the voice_start URL to set on each booking number at 46elks (it holds the clinic’s webhook key). Roles: manager or admin of that clinic.',
    tags: ['Clinic settings'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders },
    responses: { 200: { description: 'The settings', content: { 'application/json': { schema: ClinicTelephonyView } } }, ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503) },
  });
  router.get('/staff/clinics/:clinicId/telephony', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    res.json(view(staff, await service.get(staff, clinicId)));
  });

  registry.registerPath({
    method: 'put',
    path: '/api/staff/clinics/{clinicId}/telephony',
    summary: 'Replace a clinic’s telephony settings',
    description:
      'Numbers may be given in everyday Swedish forms or E.164 and are stored as E.164. Refused with 400 naming the field (not a phone number, ' +
      'listed twice, fallback equal to a booking number) and 409 phone_number_taken naming the numbers another clinic has. ' +
      'Written to the audit trail (clinic.telephony_changed). Roles: manager or admin of that clinic.',
    tags: ['Clinic settings'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders, body: { content: { 'application/json': { schema: ClinicTelephonyBody } } } },
    responses: {
      200: { description: 'The settings as stored', content: { 'application/json': { schema: ClinicTelephonyView } } },
      ...errorResponses({ 400: BODY_INVALID }, 401, 403, { 404: ['clinic_not_found'], 409: ['phone_number_taken'] }, 413, 503),
    },
  });
  router.put('/staff/clinics/:clinicId/telephony', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const body = parseRequest(ClinicTelephonyBody, req.body, 'body');
    res.json(view(staff, await service.update(staff, clinicId, body)));
  });

  return router;
}

/** The voice_start URL of the clinic's booking numbers, for an admin; null for anyone else or without a secret. */
export function voiceStartUrlFor(staff: StaffMember, clinicId: string, deps: { publicBaseUrl: string; secret: string | null }): string | null {
  return staff.role === 'admin' && deps.secret ? clinicWebhookUrl(deps.publicBaseUrl, deps.secret, clinicId, '/voice/start') : null;
}
