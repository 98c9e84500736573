// Staff endpoints of the nurses' call queue: who am I, the queue, claiming, attempts, outcomes and a callback's
// record. Role and clinic are checked by the service for every request; reads of patient data are audited there.
import { DateTime } from 'luxon';
import type { Clock } from '../../clock.js';
import { queueState } from '../../domain/callQueue.js';
import type { CallQueueService } from '../../services/callQueue.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { attemptView, instant, outcomeView, queueEntryView } from '../present.js';
import { ClinicIdParams } from '../schemas.js';
import { AttemptBody, AttemptResult, CallbackDetailsView, CallbackIdParams, OutcomeBody, outcomeInputOf, QueueEntryView, QueueView } from '../staffSchemas.js';

const entryResponse = (description: string) => ({ 200: { description, schema: QueueEntryView } });

export function callQueueEndpoints(deps: { queue: CallQueueService; clock: Clock }): AnyEndpoint[] {
  const { queue, clock } = deps;
  const timezoneOf = (clinicId: string) => queue.timezoneOf(clinicId);

  return [
    endpoint({
      route: 'GET /api/staff/me',
      summary: 'Who the token belongs to',
      access: 'signedIn',
      responses: { 200: { description: 'The staff member' } },
      handle: async ({ staff }) => ({ json: { id: staff.id, name: staff.name, role: staff.role, clinicIds: staff.clinicIds } }),
    }),
    endpoint({
      route: 'GET /api/staff/clinics/{clinicId}/queue',
      summary: 'The clinic’s call queue: due and overdue first, oldest promise first',
      description: 'Shows patient phone numbers; each read is written to the audit trail.',
      access: 'staff',
      request: { params: ClinicIdParams },
      responses: { 200: { description: 'The queue', schema: QueueView } },
      errors: { 404: ['clinic_not_found'] },
      async handle({ staff, params }) {
        const { timezone, entries } = await queue.list(staff, params.clinicId);
        const now = clock.now();
        return { json: { now: instant(now, timezone), entries: entries.map((e) => queueEntryView(e.state, e.callback, timezone, now)) } };
      },
    }),
    endpoint({
      route: 'POST /api/staff/clinics/{clinicId}/queue/claim',
      summary: 'Claim the next due callback (atomic: two nurses never get the same one)',
      description: 'The claim expires after CLAIM_TIMEOUT_MINUTES unless renewed or an attempt is logged. 204 when nothing is due.',
      access: 'staff',
      request: { params: ClinicIdParams },
      responses: { ...entryResponse('The claimed callback'), 204: { description: 'Nothing is due' } },
      errors: { 404: ['clinic_not_found'] },
      async handle({ staff, params }) {
        const claimed = await queue.claimNext(staff, params.clinicId);
        if (!claimed) return { status: 204 };
        return { json: queueEntryView('claimed', claimed, await timezoneOf(params.clinicId), clock.now()) };
      },
    }),
    endpoint({
      route: 'POST /api/staff/callbacks/{id}/claim',
      summary: 'Claim one specific due callback (a patient who calls in again; atomic: two nurses never both get it)',
      description:
        'The same rule as claiming the next: only a due callback whose day has not ended, and not one another nurse holds. ' +
        '409 not_claimable says why (details.state: claimed, upcoming, or null once it left the queue). Claiming one you already hold returns it.',
      access: 'staff',
      request: { params: CallbackIdParams },
      responses: entryResponse('The claimed callback'),
      errors: { 404: ['callback_not_found'], 409: ['not_claimable'] },
      async handle({ staff, params }) {
        const claimed = await queue.claimCallback(staff, params.id);
        return { json: queueEntryView('claimed', claimed, await timezoneOf(claimed.clinicId), clock.now()) };
      },
    }),
    ...(['renew', 'release'] as const).map((action) =>
      endpoint({
        route: `POST /api/staff/callbacks/{id}/claim/${action}`,
        summary: action === 'renew' ? 'Extend your claim' : 'Give the callback back to the queue',
        access: 'staff',
        request: { params: CallbackIdParams },
        responses: entryResponse('The callback'),
        errors: { 404: ['callback_not_found'], 409: ['not_claimed'] },
        async handle({ staff, params }) {
          const callback = action === 'renew' ? await queue.renew(staff, params.id) : await queue.release(staff, params.id);
          return { json: queueEntryView(action === 'renew' ? 'claimed' : 'due', callback, await timezoneOf(callback.clinicId), clock.now()) };
        },
      }),
    ),
    endpoint({
      route: 'POST /api/staff/callbacks/{id}/attempts',
      summary: 'Log a call attempt on a callback you have claimed',
      description:
        'answered completes the callback; no_answer, busy and voicemail return it to the queue after the clinic’s retry delay, ' +
        'up to its maximum attempts and never past that day’s booking window; after that it is unreachable and the patient gets an SMS. ' +
        'wrong_number ends it at once without an SMS.',
      access: 'staff',
      request: { params: CallbackIdParams, body: AttemptBody },
      responses: { 201: { description: 'Logged', schema: AttemptResult } },
      errors: { 404: ['callback_not_found'], 409: ['not_claimed'] },
      async handle({ staff, params, body }) {
        const at = (s: string | undefined) => (s ? DateTime.fromISO(s, { setZone: true }).toUTC() : null);
        const result = await queue.logAttempt(staff, params.id, { outcome: body.outcome, startedAt: at(body.startedAt), endedAt: at(body.endedAt), note: body.note ?? null });
        const timezone = await timezoneOf(result.callback.clinicId);
        return {
          status: 201,
          json: {
            attemptId: result.attempt.id,
            callbackStatus: result.callback.status,
            next: {
              kind: result.next.kind,
              ...(result.next.kind === 'retry' ? { dueAt: instant(result.next.dueAt, timezone) } : {}),
              ...(result.next.kind === 'unreachable' ? { reason: result.next.reason } : {}),
            },
          },
        };
      },
    }),
    endpoint({
      route: 'PUT /api/staff/callbacks/{id}/outcome',
      summary: 'Record what came of a reached callback (input to the care-guarantee tracker)',
      access: 'staff',
      request: { params: CallbackIdParams, body: OutcomeBody },
      responses: { 204: { description: 'Recorded' } },
      errors: { 404: ['callback_not_found'], 409: ['not_reached'] },
      async handle({ staff, params, body }) {
        await queue.recordOutcome(staff, params.id, outcomeInputOf(body));
        return { status: 204 };
      },
    }),
    endpoint({
      route: 'GET /api/staff/callbacks/{id}',
      summary: 'A callback with its attempts and outcome (audited read)',
      access: 'staff',
      request: { params: CallbackIdParams },
      responses: { 200: { description: 'The callback', schema: CallbackDetailsView } },
      errors: { 404: ['callback_not_found'] },
      async handle({ staff, params }) {
        const { callback, attempts, outcome } = await queue.details(staff, params.id);
        const timezone = await timezoneOf(callback.clinicId);
        const now = clock.now();
        return {
          json: {
            ...queueEntryView(queueState(callback, now), callback, timezone, now),
            attempts: attempts.map((a) => attemptView(a, timezone)),
            outcome: outcomeView(outcome, timezone),
          },
        };
      },
    }),
  ];
}
