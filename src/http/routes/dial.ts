// POST /api/staff/callbacks/{id}/dial: agent-first dialling of a claimed callback (the app rings the nurse,
// then connects the patient). The hang-up record becomes the attempt; the nurse logs none by hand.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { normaliseSwedishPhone } from '../../domain/patientContact.js';
import type { OutgoingCall } from '../../db/outgoingCalls.js';
import type { DiallingService } from '../../services/dialling.js';
import type { StaffAuthenticator } from '../../services/staffAuth.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { staffOfRequest } from '../staffAccess.js';
import { CallbackIdParams, StaffHeaders } from '../staffSchemas.js';
import { parseRequest } from '../validation.js';

export const DialBody = z
  .strictObject({
    agentPhone: z
      .string()
      .max(40)
      .transform((value, ctx) => {
        const result = normaliseSwedishPhone(value);
        if (result.ok) return result.value;
        ctx.addIssue({ code: 'custom', message: result.message });
        return z.NEVER;
      })
      .optional()
      .meta({ description: 'The phone to ring you on; omitted: the number stored on your account', example: '070-123 45 67' }),
  })
  .meta({ id: 'DialRequest' });

export const OutgoingCallView = z
  .object({
    id: z.uuid(),
    callbackId: z.uuid(),
    attemptNumber: z.number().int().meta({ description: 'The callback attempt this call is (attempts before it, plus one)' }),
    state: z.enum(['pending', 'placing', 'placed', 'failed', 'ended']).meta({
      description: 'placing: the provider is being asked; placed: your phone rings or the call is on; failed: not placed, or your phone did not answer (press again); ended: the attempt is recorded',
    }),
    failure: z.string().nullable(),
  })
  .meta({ id: 'OutgoingCall' });

export function outgoingCallView(call: OutgoingCall) {
  return { id: call.id, callbackId: call.callbackId, attemptNumber: call.attemptNumber, state: call.state, failure: call.failure };
}

export function dialRoutes(deps: { auth: StaffAuthenticator; dialling: DiallingService }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const staffOf = staffOfRequest(deps.auth);

  registry.registerPath({
    method: 'post',
    path: '/api/staff/callbacks/{id}/dial',
    summary: 'Ring the patient through the app: your phone first, then the patient, showing the clinic’s number',
    description:
      'Only on a callback you hold, when the clinic has agent-first dialling on, from the start of the promised slot ' +
      '(less the clinic’s early tolerance) and within the clinic’s calling hours (its booking window that day). One call per ' +
      'attempt: pressing again, or two presses at once, return the same call (200) instead of placing another (201). ' +
      'When the call ends the provider’s record becomes the attempt (answered, busy, no answer) with the real start time; ' +
      'if your phone did not answer nothing is recorded and the call is failed, so you can press again.',
    tags: ['Staff'],
    security: [{ bearerAuth: [] }],
    request: { params: CallbackIdParams, headers: StaffHeaders, body: { required: false, content: { 'application/json': { schema: DialBody } } } },
    responses: {
      201: { description: 'The call was placed: your phone rings', content: { 'application/json': { schema: OutgoingCallView } } },
      200: { description: 'This attempt’s call was already placed (or is being placed); nothing new was placed', content: { 'application/json': { schema: OutgoingCallView } } },
      ...errorResponses(
        {
          400: BODY_INVALID,
          404: ['callback_not_found'],
          409: ['not_claimed', 'dialling_unavailable', 'before_promised_time', 'outside_calling_hours'],
          422: ['agent_phone_missing'],
          502: ['call_refused'],
        },
        401,
        403,
        413,
        503,
      ),
    },
  });
  router.post('/staff/callbacks/:id/dial', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const body = parseRequest(DialBody, req.body, 'body');
    const { call, placedNow } = await deps.dialling.dial(staff, id, body.agentPhone ?? null);
    res.status(placedNow ? 201 : 200).json(outgoingCallView(call));
  });

  return router;
}
