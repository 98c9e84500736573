// Schemas of agent-first dialling (POST /api/staff/callbacks/{id}/dial): the nurse's phone in, the call out.
import { z } from 'zod';
import { normaliseSwedishPhone } from '../domain/patientContact.js';

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
