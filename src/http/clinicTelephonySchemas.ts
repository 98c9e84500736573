// Schemas for a clinic's telephony settings (GET/PUT /api/staff/clinics/{clinicId}/telephony): numbers arrive in
// everyday forms (08-123 45 67, +46812345670) and leave as E.164, so one number is always stored one way. Each
// refusal of its own carries a stable code (and the number it names) for clients that word it themselves.
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { z } from 'zod';
import { normaliseSwedishPhone } from '../domain/patientContact.js';

/** A Swedish number in any everyday form, or any valid number in E.164. */
export function normaliseTelephonyNumber(input: string): string | null {
  const swedish = normaliseSwedishPhone(input);
  if (swedish.ok) return swedish.value;
  const trimmed = input.trim();
  if (!/^\+[1-9][0-9]{6,14}$/.test(trimmed)) return null;
  try {
    const parsed = parsePhoneNumberWithError(trimmed);
    return parsed.isValid() ? parsed.number : null;
  } catch {
    return null;
  }
}

const PhoneNumber = z
  .string()
  .max(32, 'must be at most 32 characters')
  .transform((value, ctx) => {
    const number = normaliseTelephonyNumber(value);
    if (number) return number;
    ctx.addIssue({ code: 'custom', message: 'must be a phone number, e.g. 08-123 45 67 or +46812345670', params: { code: 'not_a_phone_number' } });
    return z.NEVER;
  })
  .meta({ example: '+46812345670' });

export const ClinicTelephonyBody = z
  .strictObject({
    bookingNumbers: z
      .array(PhoneNumber)
      .max(20, 'at most 20 numbers')
      .superRefine((numbers, ctx) => {
        numbers.forEach((n, i) => {
          if (numbers.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `${n} is listed twice`, params: { code: 'number_listed_twice', number: n } });
        });
      })
      .meta({ description: 'Numbers patients call to book by keypad; point each 46elks number’s voice_start at the app. A number belongs to one clinic.' }),
    fallbackPhone: PhoneNumber.nullable().meta({ description: 'Read out to callers when the phone booking cannot help: a number that reaches staff, not a booking number' }),
    dialAgentFirst: z.boolean().meta({ description: '“Call” on a claimed callback rings the nurse’s phone first, then connects the patient' }),
    callerId: PhoneNumber.nullable().meta({ description: 'The number patients see when the clinic calls back; null: the first booking number' }),
  })
  .superRefine((body, ctx) => {
    if (body.fallbackPhone && body.bookingNumbers.includes(body.fallbackPhone)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fallbackPhone'],
        message: 'must reach staff, not be one of the booking numbers',
        params: { code: 'fallback_is_booking_number' },
      });
    }
  })
  .meta({ id: 'ClinicTelephony' });
export type ClinicTelephonyInput = z.output<typeof ClinicTelephonyBody>;

export const ClinicTelephonyView = z
  .object({
    clinicId: z.string(),
    bookingNumbers: z.array(z.string()),
    fallbackPhone: z.string().nullable(),
    dialAgentFirst: z.boolean(),
    callerId: z.string().nullable(),
    /** Where to point each booking number's voice_start in 46elks (admins only); null for others or when TELEPHONY_WEBHOOK_SECRET is unset. */
    voiceStartUrl: z.string().nullable(),
  })
  .meta({ id: 'ClinicTelephonyView' });
