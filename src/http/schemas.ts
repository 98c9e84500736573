// Request and response schemas: they validate at the edge and generate the OpenAPI document.
import { z } from 'zod';
import { CALLBACK_STATUSES } from '../domain/callback.js';
import { ClinicId, freeText, isoInstant, localDate, nonBlankText, visibleAscii } from './primitives.js';
import { normalisePersonalIdentityNumber, normaliseSwedishPhone, type Normalised } from '../domain/patientContact.js';

const MAX_SLOT_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

function normalised(fn: (s: string) => Normalised) {
  return (value: string, ctx: z.RefinementCtx) => {
    const result = fn(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  };
}

const IsoInstant = isoInstant('2027-03-29T10:15:00+02:00');

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'slot_full' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const ClinicIdParams = z.object({ clinicId: ClinicId });

export const ClinicList = z
  .object({
    clinics: z.array(
      z.object({
        id: z.string().meta({ example: 'vc-kungsor' }),
        name: z.string().meta({ example: 'Vårdcentralen Kungsör' }),
        timezone: z.string().meta({ example: 'Europe/Stockholm' }),
        hsaId: z.string().nullable().meta({ description: 'The national unit id (HSA-id)', example: 'SE2321000016-15CQ' }),
        town: z.string().nullable().meta({ example: 'Kungsör' }),
        municipality: z.string().nullable().meta({ description: 'Kommun', example: 'Kungsör' }),
        phone: z.string().nullable().meta({ description: 'The clinic’s own number, E.164', example: '+46227123400' }),
        status: z.enum(['open', 'paused', 'closed']).meta({
          description: 'open: takes bookings; paused: open but taking none (before going live); closed: see referral',
        }),
        referral: z.string().nullable().meta({ description: 'Where a closed clinic sends its patients' }),
      }),
    ),
  })
  .meta({ id: 'ClinicList' });

const LocalDate = localDate('A local date in the clinic’s zone', '2027-03-29');

export const SlotsQuery = z
  .object({ from: LocalDate, to: LocalDate })
  .superRefine((q, ctx) => {
    // Both are valid calendar dates here, and Date.parse reads YYYY-MM-DD as UTC midnight: whole days apart,
    // without luxon's parse and diff on every slot listing.
    const days = (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS;
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    if (days >= MAX_SLOT_RANGE_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_SLOT_RANGE_DAYS} days` });
    }
  });

export const SlotList = z
  .object({
    slots: z.array(
      z.object({
        start: IsoInstant,
        end: IsoInstant,
        capacity: z.number().int().meta({ description: 'Patients that can be called in this slot' }),
        available: z.number().int().meta({ description: 'Places that can be booked right now (0 when full, past or beyond the booking horizon)' }),
      }),
    ),
  })
  .meta({ id: 'SlotList' });

export const BookingBody = z
  .strictObject({
    phone: z
      .string()
      .max(40)
      .transform(normalised(normaliseSwedishPhone))
      .meta({ description: 'Swedish phone number in any common form; stored as E.164', example: '070-123 45 67' }),
    personalIdentityNumber: z
      .string()
      .max(20)
      .transform(normalised(normalisePersonalIdentityNumber))
      .optional()
      .meta({ description: 'Personnummer or samordningsnummer (checksum validated)', example: '19121212-1212' }),
    name: nonBlankText(200).optional(),
    reason: freeText(1000).optional().meta({ description: 'What the patient wants to talk about' }),
    slotStart: IsoInstant.optional().meta({
      description: 'Start of the slot the patient chose; omitted: the earliest free slot (same day when one is free)',
    }),
    channel: z.enum(['web', 'ivr']).default('web').meta({ description: 'Where the patient booked' }),
  })
  .meta({ id: 'BookingRequest' });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 visible ASCII characters')
    .optional(),
});

const SlotTimes = z.object({ start: IsoInstant, end: IsoInstant });

export const BookingCreated = z
  .object({
    id: z.uuid(),
    token: z.string().meta({ description: 'Secret for X-Callback-Token; shown only in this response' }),
    status: z.literal('booked'),
    clinicId: z.string(),
    slot: SlotTimes,
    requestedAt: IsoInstant,
    promise: z.string().meta({ example: 'Vi ringer dig mellan 10:15 och 10:30 måndag 29 mars.' }),
  })
  .meta({ id: 'BookingCreated' });

export const CallbackParams = z.object({ id: visibleAscii(64) });

export const CallbackTokenHeaders = z.object({
  'x-callback-token': z.string().min(1).max(200).meta({ description: 'The token returned when booking' }),
});

export const CallbackStatusView = z
  .object({
    id: z.uuid(),
    clinicId: z.string(),
    status: z.enum(CALLBACK_STATUSES),
    slot: SlotTimes,
    requestedAt: IsoInstant,
    cancelledAt: IsoInstant.nullable(),
    promise: z.string(),
  })
  .meta({ id: 'CallbackStatus' });

export const RescheduleBody = z
  .strictObject({ slotStart: IsoInstant.meta({ description: 'Start of the new slot' }) })
  .meta({ id: 'RescheduleRequest' });
