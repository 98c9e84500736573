// Staff endpoints for rule 12: the clinic's missed callbacks, listed for follow-up apart from today's queue, and
// recording a follow-up. Reads show patient data and are audited (in the service), like the queue's.
import type { Clock } from '../../clock.js';
import type { MissedCallbackService } from '../../services/missedCallbacks.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { FollowUpBody, MissedCallbackView, MissedListView } from '../missedSchemas.js';
import { instant, missedCallbackView } from '../present.js';
import { ClinicIdParams } from '../schemas.js';
import { CallbackIdParams } from '../staffSchemas.js';

export function missedCallbackEndpoints(deps: { missed: MissedCallbackService & { timezoneOf(clinicId: string): Promise<string> }; clock: Clock }): AnyEndpoint[] {
  const { missed, clock } = deps;
  return [
    endpoint({
      route: 'GET /api/staff/clinics/{clinicId}/missed',
      summary: 'The clinic’s missed callbacks not yet followed up, oldest promise first (rule 12)',
      description:
        'A callback still open when the local day of its promised slot ended is missed: it leaves the queue and waits here ' +
        'until a nurse records a follow-up. Shows patient phone numbers; each read is written to the audit trail.',
      access: 'staff',
      request: { params: ClinicIdParams },
      responses: { 200: { description: 'The missed callbacks', schema: MissedListView } },
      errors: { 404: ['clinic_not_found'] },
      async handle({ staff, params }) {
        const { timezone, callbacks } = await missed.listMissed(staff, params.clinicId);
        return { json: { now: instant(clock.now(), timezone), entries: callbacks.map((c) => missedCallbackView(c, timezone)) } };
      },
    }),
    endpoint({
      route: 'POST /api/staff/callbacks/{id}/follow-up',
      summary: 'Record the follow-up of a missed callback, with an optional note (rule 12)',
      description: 'E.g. the nurse called the patient back later, or booked a new time. Once per callback: the first record stands.',
      access: 'staff',
      request: { params: CallbackIdParams, body: FollowUpBody },
      responses: { 200: { description: 'The callback, followed up', schema: MissedCallbackView } },
      errors: { 404: ['callback_not_found'], 409: ['not_missed', 'already_followed_up'] },
      async handle({ staff, params, body }) {
        const done = await missed.followUp(staff, params.id, body.note ? body.note : null);
        return { json: missedCallbackView(done, await missed.timezoneOf(done.clinicId)) };
      },
    }),
  ];
}
