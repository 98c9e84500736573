// POST /api/staff/callbacks/{id}/dial: agent-first dialling of a claimed callback (the app rings the nurse, then
// connects the patient). The hang-up record becomes the attempt; the nurse logs none by hand.
import type { DiallingService } from '../../services/dialling.js';
import { DialBody, OutgoingCallView } from '../diallingSchemas.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { outgoingCallView } from '../present.js';
import { CallbackIdParams } from '../staffSchemas.js';

export function diallingEndpoints(deps: { dialling: Pick<DiallingService, 'dial'> }): AnyEndpoint[] {
  return [
    endpoint({
      route: 'POST /api/staff/callbacks/{id}/dial',
      summary: 'Ring the patient through the app: your phone first, then the patient, showing the clinic’s number',
      description:
        'Only on a callback you hold, when the clinic has agent-first dialling on, from the start of the promised slot ' +
        '(less the clinic’s early tolerance) and within the clinic’s calling hours (its booking window that day). One call per ' +
        'attempt: pressing again, or two presses at once, return the same call (200) instead of placing another (201). ' +
        'When the call ends the provider’s record becomes the attempt (answered, busy, no answer) with the real start time; ' +
        'if your phone did not answer nothing is recorded and the call is failed, so you can press again.',
      access: 'staff',
      request: { params: CallbackIdParams, body: DialBody },
      optionalBody: true,
      responses: {
        201: { description: 'The call was placed: your phone rings', schema: OutgoingCallView },
        200: { description: 'This attempt’s call was already placed (or is being placed); nothing new was placed', schema: OutgoingCallView },
      },
      errors: {
        404: ['callback_not_found'],
        409: ['not_claimed', 'dialling_unavailable', 'before_promised_time', 'outside_calling_hours'],
        422: ['agent_phone_missing'],
        502: ['call_refused'],
      },
      async handle({ staff, params, body }) {
        const { call, placedNow } = await deps.dialling.dial(staff, params.id, body.agentPhone ?? null);
        return { status: placedNow ? 201 : 200, json: outgoingCallView(call) };
      },
    }),
  ];
}
