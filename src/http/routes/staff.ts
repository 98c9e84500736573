// Staff routes: the nurse call queue. Every route needs a bearer token; role and clinic are checked per request.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { DateTime } from 'luxon';
import type { StoredCallback } from '../../db/callbacks.js';
import { minutesFromPromise, queueState, type QueueState } from '../../domain/callQueue.js';
import type { Clock } from '../../clock.js';
import type { CallQueueService } from '../../services/callQueue.js';
import type { StaffAuthenticator } from '../../services/staffAuth.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { staffOfRequest } from '../staffAccess.js';
import { instant, outcomeView } from '../present.js';
import { ClinicIdParams } from '../schemas.js';
import {
  AttemptBody,
  AttemptResult,
  CallbackDetailsView,
  CallbackIdParams,
  OutcomeBody,
  outcomeInputOf,
  QueueEntryView,
  QueueView,
  StaffHeaders,
} from '../staffSchemas.js';
import { parseRequest } from '../validation.js';
import { missedCallbackRoutes } from './missedCallbacks.js';

const bearer = [{ bearerAuth: [] }];

export function staffRoutes(deps: { auth: StaffAuthenticator; queue: CallQueueService; clock: Clock }, registry: OpenAPIRegistry): Router {
  const router = Router();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });

  const staffOf = staffOfRequest(deps.auth);

  function entryView(state: QueueState | null, c: StoredCallback, timezone: string) {
    return {
      id: c.id,
      state,
      status: c.status,
      promisedSlot: { start: instant(c.slot.start, timezone), end: instant(c.slot.end, timezone) },
      minutesFromPromise: minutesFromPromise(c, deps.clock.now()),
      dueAt: instant(c.dueAt, timezone),
      attempts: c.attemptCount,
      reason: c.reason,
      phone: c.phoneE164,
      name: c.patientName,
      personalIdentityNumber: c.personalIdentityNumber,
      channel: c.channel,
      requestedAt: instant(c.requestedAt, timezone),
      claimedBy: c.claimedBy,
      claimExpiresAt: c.claimExpiresAt ? instant(c.claimExpiresAt, timezone) : null,
    };
  }

  registry.registerPath({
    method: 'get',
    path: '/api/staff/me',
    summary: 'Who the token belongs to',
    tags: ['Staff'],
    security: bearer,
    responses: { 200: { description: 'The staff member' }, ...errorResponses(401, 503) },
  });
  router.get('/staff/me', async (req, res) => {
    const staff = await staffOf(req);
    res.json({ id: staff.id, name: staff.name, role: staff.role, clinicIds: staff.clinicIds });
  });

  registry.registerPath({
    method: 'get',
    path: '/api/staff/clinics/{clinicId}/queue',
    summary: 'The clinic’s call queue: due and overdue first, oldest promise first',
    description: 'Shows patient phone numbers; each read is written to the audit trail.',
    tags: ['Staff'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders },
    responses: { 200: { description: 'The queue', content: { 'application/json': { schema: QueueView } } }, ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503) },
  });
  router.get('/staff/clinics/:clinicId/queue', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const { timezone, entries } = await deps.queue.list(staff, clinicId);
    res.json({ now: instant(deps.clock.now(), timezone), entries: entries.map((e) => entryView(e.state, e.callback, timezone)) });
  });

  registry.registerPath({
    method: 'post',
    path: '/api/staff/clinics/{clinicId}/queue/claim',
    summary: 'Claim the next due callback (atomic: two nurses never get the same one)',
    description: 'The claim expires after CLAIM_TIMEOUT_MINUTES unless renewed or an attempt is logged. 204 when nothing is due.',
    tags: ['Staff'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders },
    responses: {
      200: { description: 'The claimed callback', content: { 'application/json': { schema: QueueEntryView } } },
      204: { description: 'Nothing is due' },
      ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503),
    },
  });
  router.post('/staff/clinics/:clinicId/queue/claim', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const claimed = await deps.queue.claimNext(staff, clinicId);
    if (!claimed) {
      res.status(204).end();
      return;
    }
    res.json(entryView('claimed', claimed, await deps.queue.timezoneOf(clinicId)));
  });

  registry.registerPath({
    method: 'post',
    path: '/api/staff/callbacks/{id}/claim',
    summary: 'Claim one specific due callback (a patient who calls in again; atomic: two nurses never both get it)',
    description:
      'The same rule as claiming the next: only a due callback whose day has not ended, and not one another nurse holds. ' +
      '409 not_claimable says why (details.state: claimed, upcoming, or null once it left the queue). Claiming one you already hold returns it.',
    tags: ['Staff'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders },
    responses: {
      200: { description: 'The claimed callback', content: { 'application/json': { schema: QueueEntryView } } },
      ...errorResponses(400, 401, 403, { 404: ['callback_not_found'], 409: ['not_claimable'] }, 503),
    },
  });
  router.post('/staff/callbacks/:id/claim', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const claimed = await deps.queue.claimCallback(staff, id);
    res.json(entryView('claimed', claimed, await deps.queue.timezoneOf(claimed.clinicId)));
  });

  for (const action of ['renew', 'release'] as const) {
    registry.registerPath({
      method: 'post',
      path: `/api/staff/callbacks/{id}/claim/${action}`,
      summary: action === 'renew' ? 'Extend your claim' : 'Give the callback back to the queue',
      tags: ['Staff'],
      security: bearer,
      request: { params: CallbackIdParams, headers: StaffHeaders },
      responses: { 200: { description: 'The callback', content: { 'application/json': { schema: QueueEntryView } } }, ...errorResponses(400, 401, 403, { 404: ['callback_not_found'], 409: ['not_claimed'] }, 503) },
    });
    router.post(`/staff/callbacks/:id/claim/${action}`, async (req, res) => {
      const staff = await staffOf(req);
      const { id } = parseRequest(CallbackIdParams, req.params, 'params');
      const callback = action === 'renew' ? await deps.queue.renew(staff, id) : await deps.queue.release(staff, id);
      res.json(entryView(action === 'renew' ? 'claimed' : 'due', callback, await deps.queue.timezoneOf(callback.clinicId)));
    });
  }

  registry.registerPath({
    method: 'post',
    path: '/api/staff/callbacks/{id}/attempts',
    summary: 'Log a call attempt on a callback you have claimed',
    description:
      'answered completes the callback; no_answer, busy and voicemail return it to the queue after the clinic’s retry delay, ' +
      'up to its maximum attempts and never past that day’s booking window; after that it is unreachable and the patient gets an SMS. ' +
      'wrong_number ends it at once without an SMS.',
    tags: ['Staff'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders, body: { content: { 'application/json': { schema: AttemptBody } } } },
    responses: { 201: { description: 'Logged', content: { 'application/json': { schema: AttemptResult } } }, ...errorResponses({ 400: BODY_INVALID, 404: ['callback_not_found'], 409: ['not_claimed'] }, 401, 403, 413, 503) },
  });
  router.post('/staff/callbacks/:id/attempts', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const body = parseRequest(AttemptBody, req.body, 'body');
    const at = (s: string | undefined) => (s ? DateTime.fromISO(s, { setZone: true }).toUTC() : null);
    const result = await deps.queue.logAttempt(staff, id, {
      outcome: body.outcome,
      startedAt: at(body.startedAt),
      endedAt: at(body.endedAt),
      note: body.note ?? null,
    });
    const timezone = await deps.queue.timezoneOf(result.callback.clinicId);
    res.status(201).json({
      attemptId: result.attempt.id,
      callbackStatus: result.callback.status,
      next: {
        kind: result.next.kind,
        ...(result.next.kind === 'retry' ? { dueAt: instant(result.next.dueAt, timezone) } : {}),
        ...(result.next.kind === 'unreachable' ? { reason: result.next.reason } : {}),
      },
    });
  });

  registry.registerPath({
    method: 'put',
    path: '/api/staff/callbacks/{id}/outcome',
    summary: 'Record what came of a reached callback (input to the care-guarantee tracker)',
    tags: ['Staff'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders, body: { content: { 'application/json': { schema: OutcomeBody } } } },
    responses: { 204: { description: 'Recorded' }, ...errorResponses({ 400: BODY_INVALID, 404: ['callback_not_found'], 409: ['not_reached'] }, 401, 403, 413, 503) },
  });
  router.put('/staff/callbacks/:id/outcome', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const body = parseRequest(OutcomeBody, req.body, 'body');
    await deps.queue.recordOutcome(staff, id, outcomeInputOf(body));
    res.status(204).end();
  });

  registry.registerPath({
    method: 'get',
    path: '/api/staff/callbacks/{id}',
    summary: 'A callback with its attempts and outcome (audited read)',
    tags: ['Staff'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders },
    responses: {
      200: { description: 'The callback', content: { 'application/json': { schema: CallbackDetailsView } } },
      ...errorResponses(400, 401, 403, { 404: ['callback_not_found'] }, 503),
    },
  });
  router.get('/staff/callbacks/:id', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const { callback, attempts, outcome } = await deps.queue.details(staff, id);
    const timezone = await deps.queue.timezoneOf(callback.clinicId);
    res.json({
      ...entryView(queueState(callback, deps.clock.now()), callback, timezone),
      attempts: attempts.map((a) => ({
        id: a.id,
        source: a.source,
        staffId: a.staffId,
        startedAt: instant(a.startedAt, timezone),
        answeredAt: a.answeredAt ? instant(a.answeredAt, timezone) : null,
        endedAt: a.endedAt ? instant(a.endedAt, timezone) : null,
        outcome: a.outcome,
        note: a.note,
      })),
      outcome: outcomeView(outcome, timezone),
    });
  });

  // Rule 12: the missed callbacks, apart from today's queue.
  router.use(missedCallbackRoutes({ auth: deps.auth, missed: deps.queue, clock: deps.clock }, registry));

  return router;
}
