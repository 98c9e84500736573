// Staff routes for rule 12: the clinic's missed callbacks, listed for follow-up apart from today's queue, and
// recording a follow-up. Reads show patient data and are audited (in the service), like the queue's.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Clock } from '../../clock.js';
import type { StoredCallback } from '../../db/callbacks.js';
import type { MissedCallbackService } from '../../services/missedCallbacks.js';
import type { StaffAuthenticator } from '../../services/staffAuth.js';
import { FollowUpBody, MissedCallbackView, MissedListView } from '../missedSchemas.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { instant } from '../present.js';
import { ClinicIdParams } from '../schemas.js';
import { staffOfRequest } from '../staffAccess.js';
import { CallbackIdParams, StaffHeaders } from '../staffSchemas.js';
import { parseRequest } from '../validation.js';

const bearer = [{ bearerAuth: [] }];

/** A missed callback as the nurses' follow-up list shows it, instants in the clinic's zone. */
export function missedCallbackView(c: StoredCallback, timezone: string) {
  return {
    id: c.id,
    status: 'missed' as const,
    promisedSlot: { start: instant(c.slot.start, timezone), end: instant(c.slot.end, timezone) },
    requestedAt: instant(c.requestedAt, timezone),
    missedAt: instant(c.missedAt!, timezone),
    attempts: c.attemptCount,
    reason: c.reason,
    phone: c.phoneE164,
    name: c.patientName,
    personalIdentityNumber: c.personalIdentityNumber,
    channel: c.channel,
    followUp: c.followUp ? { at: instant(c.followUp.at, timezone), by: c.followUp.by, note: c.followUp.note } : null,
  };
}

export function missedCallbackRoutes(
  deps: { auth: StaffAuthenticator; missed: MissedCallbackService & { timezoneOf(clinicId: string): Promise<string> }; clock: Clock },
  registry: OpenAPIRegistry,
): Router {
  const router = Router();
  const staffOf = staffOfRequest(deps.auth);

  registry.registerPath({
    method: 'get',
    path: '/api/staff/clinics/{clinicId}/missed',
    summary: 'The clinic’s missed callbacks not yet followed up, oldest promise first (rule 12)',
    description:
      'A callback still open when the local day of its promised slot ended is missed: it leaves the queue and waits here ' +
      'until a nurse records a follow-up. Shows patient phone numbers; each read is written to the audit trail.',
    tags: ['Staff'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders },
    responses: {
      200: { description: 'The missed callbacks', content: { 'application/json': { schema: MissedListView } } },
      ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503),
    },
  });
  router.get('/staff/clinics/:clinicId/missed', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const { timezone, callbacks } = await deps.missed.listMissed(staff, clinicId);
    res.json({ now: instant(deps.clock.now(), timezone), entries: callbacks.map((c) => missedCallbackView(c, timezone)) });
  });

  registry.registerPath({
    method: 'post',
    path: '/api/staff/callbacks/{id}/follow-up',
    summary: 'Record the follow-up of a missed callback, with an optional note (rule 12)',
    description: 'E.g. the nurse called the patient back later, or booked a new time. Once per callback: the first record stands.',
    tags: ['Staff'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders, body: { content: { 'application/json': { schema: FollowUpBody } } } },
    responses: {
      200: { description: 'The callback, followed up', content: { 'application/json': { schema: MissedCallbackView } } },
      ...errorResponses({ 400: BODY_INVALID, 404: ['callback_not_found'], 409: ['not_missed', 'already_followed_up'] }, 401, 403, 413, 503),
    },
  });
  router.post('/staff/callbacks/:id/follow-up', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const body = parseRequest(FollowUpBody, req.body, 'body');
    const done = await deps.missed.followUp(staff, id, body.note ? body.note : null);
    res.json(missedCallbackView(done, await deps.missed.timezoneOf(done.clinicId)));
  });

  return router;
}
