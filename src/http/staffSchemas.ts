// Schemas for the staff (nurse) API and the telephony webhook.
import { z } from 'zod';
import { CALL_OUTCOMES } from '../domain/callAttempt.js';
import { GUARANTEE_REASONS, RESOLUTIONS } from '../domain/callbackOutcome.js';
import { CONTACT_MODES, PROFESSIONS } from '../domain/profession.js';
import { freeText, isoInstant, localDate, nonBlankText, visibleAscii } from './primitives.js';

const IsoInstant = isoInstant('2027-03-30T08:17:00+02:00');

export const StaffHeaders = z.object({
  authorization: z.string().meta({ description: 'Bearer token of a staff account', example: 'Bearer cbs_…' }),
});

export const CallbackIdParams = z.object({ id: z.uuid() });

const SlotTimes = z.object({ start: IsoInstant, end: IsoInstant });

export const QueueEntryView = z
  .object({
    id: z.uuid(),
    state: z.enum(['due', 'claimed', 'upcoming']).nullable().meta({ description: 'null once the callback has left the queue' }),
    status: z.string(),
    promisedSlot: SlotTimes,
    minutesFromPromise: z.number().int().meta({ description: 'Minutes since the promised slot start: positive is late, negative early' }),
    dueAt: IsoInstant,
    attempts: z.number().int(),
    reason: z.string().nullable(),
    phone: z.string().meta({ description: 'E.164; shown to staff only' }),
    name: z.string().nullable(),
    personalIdentityNumber: z.string().nullable(),
    channel: z.enum(['web', 'ivr', 'staff']),
    requestedAt: IsoInstant,
    claimedBy: z.uuid().nullable(),
    claimExpiresAt: IsoInstant.nullable(),
  })
  .meta({ id: 'QueueEntry' });

export const QueueView = z.object({ now: IsoInstant, entries: z.array(QueueEntryView) }).meta({ id: 'Queue' });

export const AttemptBody = z
  .strictObject({
    outcome: z.enum(CALL_OUTCOMES),
    startedAt: IsoInstant.optional().meta({ description: 'Default: endedAt' }),
    endedAt: IsoInstant.optional().meta({ description: 'Default: now' }),
    note: freeText(2000).optional(),
  })
  .meta({ id: 'CallAttemptRequest' });

export const AttemptResult = z
  .object({
    attemptId: z.uuid(),
    callbackStatus: z.string(),
    next: z.object({
      kind: z.enum(['reached', 'retry', 'unreachable']),
      dueAt: IsoInstant.optional(),
      reason: z.string().optional(),
    }),
  })
  .meta({ id: 'CallAttemptResult' });

export const OutcomeBody = z
  .strictObject({
    resolution: z.enum(RESOLUTIONS).meta({ description: 'advice: handled on the phone; appointment: a time booked; referred: elsewhere' }),
    appointment: z
      .strictObject({ date: localDate('The appointment’s local date', '2027-03-31'), profession: z.enum(PROFESSIONS), mode: z.enum(CONTACT_MODES) })
      .optional(),
    referredTo: nonBlankText(200).optional(),
    guarantee: z
      .strictObject({
        covered: z.boolean().meta({ description: 'Covered by the care guarantee (vårdgaranti)' }),
        reason: z.enum(GUARANTEE_REASONS).optional(),
      })
      .refine((g) => g.covered === (g.reason !== undefined), { message: 'a covered contact needs a reason, and only a covered one' }),
    medicalAssessment: z
      .strictObject({
        performed: z.boolean().meta({ description: 'This call itself was the medical assessment' }),
        profession: z.enum(PROFESSIONS).optional(),
      })
      .refine((m) => m.performed === (m.profession !== undefined), {
        message: 'an assessment names the licensed profession that made it, and only then',
      }),
    note: freeText(2000).optional(),
  })
  .meta({ id: 'CallbackOutcomeRequest' });

/** What the call queue service records, from a checked outcome body (the API's and the call page's alike). */
export function outcomeInputOf(body: z.output<typeof OutcomeBody>) {
  return {
    resolution: body.resolution,
    appointment: body.appointment ?? null,
    referredTo: body.referredTo ?? null,
    guaranteeReason: body.guarantee.covered ? body.guarantee.reason! : null,
    assessedBy: body.medicalAssessment.performed ? body.medicalAssessment.profession! : null,
    note: body.note ?? null,
  };
}

const AttemptView = z
  .object({
    id: z.uuid(),
    source: z.enum(['staff', 'telephony']),
    staffId: z.uuid().nullable(),
    startedAt: IsoInstant,
    answeredAt: IsoInstant.nullable().meta({ description: 'When the patient answered; null when nobody did (or, from a nurse, the start)' }),
    endedAt: IsoInstant.nullable().meta({ description: 'null while a reported call goes on' }),
    outcome: z.enum(CALL_OUTCOMES).nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'CallAttempt' });

/** What a nurse recorded, in the shape of CallbackOutcomeRequest, with who recorded it and when. */
export const OutcomeView = z
  .strictObject({
    recordedAt: IsoInstant,
    recordedBy: z.uuid().meta({ description: 'The staff member who recorded it (last, if corrected)' }),
    resolution: z.enum(RESOLUTIONS),
    appointment: z
      .strictObject({ date: localDate('The appointment’s local date', '2027-03-31'), profession: z.enum(PROFESSIONS), mode: z.enum(CONTACT_MODES) })
      .nullable(),
    referredTo: z.string().nullable(),
    guarantee: z.strictObject({ covered: z.boolean(), reason: z.enum(GUARANTEE_REASONS).nullable() }),
    medicalAssessment: z.strictObject({ performed: z.boolean(), profession: z.enum(PROFESSIONS).nullable() }),
    note: z.string().nullable(),
  })
  .meta({ id: 'CallbackOutcome' });

export const CallbackDetailsView = QueueEntryView.extend({
  attempts: z.array(AttemptView).meta({ description: 'Every call attempt, oldest first' }),
  outcome: OutcomeView.nullable().meta({ description: 'null until a nurse records what came of the call' }),
}).meta({ id: 'CallbackDetails' });

export const TelephonyEventBody = z
  .strictObject({
    eventId: visibleAscii(200),
    type: z.enum(['call.started', 'call.answered', 'call.ended']),
    callId: visibleAscii(200),
    callbackId: z.uuid(),
    at: IsoInstant,
    outcome: z.enum(['no_answer', 'busy', 'voicemail', 'wrong_number']).optional(),
  })
  .meta({ id: 'TelephonyEvent' });
