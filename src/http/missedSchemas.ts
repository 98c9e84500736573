// Schemas for rule 12's follow-up API: the missed callbacks a nurse follows up, and the follow-up itself.
import { z } from 'zod';
import { freeText, isoInstant } from './primitives.js';

const IsoInstant = isoInstant('2027-03-31T00:00:00+02:00');

export const FollowUpBody = z
  .strictObject({
    note: freeText(2000)
      .optional()
      .meta({ description: 'What was done, e.g. "called back 08:10, new time booked"; never shown to the patient' }),
  })
  .meta({ id: 'FollowUpRequest' });

export const MissedCallbackView = z
  .object({
    id: z.uuid(),
    status: z.literal('missed'),
    promisedSlot: z.object({ start: IsoInstant, end: IsoInstant }),
    requestedAt: IsoInstant,
    missedAt: IsoInstant.meta({ description: 'When the end of the clinic’s day found it not called' }),
    attempts: z.number().int().meta({ description: 'Attempts made that day (none: nobody called)' }),
    reason: z.string().nullable(),
    phone: z.string().meta({ description: 'E.164; shown to staff only' }),
    name: z.string().nullable(),
    personalIdentityNumber: z.string().nullable(),
    channel: z.enum(['web', 'ivr', 'staff']),
    followUp: z
      .object({ at: IsoInstant, by: z.uuid(), note: z.string().nullable() })
      .nullable()
      .meta({ description: 'null until a nurse has followed it up' }),
  })
  .meta({ id: 'MissedCallback' });

export const MissedListView = z
  .object({
    now: IsoInstant,
    entries: z.array(MissedCallbackView).meta({ description: 'Not yet followed up, oldest promise first (at most 500)' }),
  })
  .meta({ id: 'MissedCallbacks' });
