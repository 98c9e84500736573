// What a region records about a health centre beside its booking rules: its name, national id (HSA-id), town,
// municipality (kommun), ownership (driftsform), the number patients are shown, and whether it takes bookings
// (open, paused before going live, or closed with where patients should turn instead).
import { z } from 'zod';
import { normaliseHsaId } from './hsaId.js';
import { normaliseSwedishPhone } from './patientContact.js';
import type { ClinicRulesInput } from './clinic.js';
import { nonBlankText } from './personText.js';

export const CLINIC_STATUSES = ['open', 'paused', 'closed'] as const;
export type ClinicStatus = (typeof CLINIC_STATUSES)[number];
export const OWNERSHIPS = ['public', 'private'] as const;
export type ClinicOwnership = (typeof OWNERSHIPS)[number];

/** Rule 1's least booking window, Monday to Friday: a new clinic starts here unless told otherwise. */
export const DEFAULT_BOOKING_WINDOW: ClinicRulesInput['bookingWindow'] = Object.fromEntries(
  (['1', '2', '3', '4', '5'] as const).map((d) => [d, { open: '06:00', close: '17:00' }]),
);

const text = (max: number) => nonBlankText(max);

export const HsaIdSchema = z.string().transform((value, ctx) => {
  const normalised = normaliseHsaId(value);
  if (normalised.ok) return normalised.value;
  ctx.addIssue({ code: 'custom', message: normalised.message, params: { code: 'invalid_hsa_id' } });
  return z.NEVER;
});

export const SwedishPhoneSchema = z.string().transform((value, ctx) => {
  const normalised = normaliseSwedishPhone(value);
  if (normalised.ok) return normalised.value;
  ctx.addIssue({ code: 'custom', message: normalised.message, params: { code: 'invalid_phone' } });
  return z.NEVER;
});

/** The profile as a region writes it; every field but the name may be left empty (null). */
export const ClinicProfileSchema = z.object({
  name: text(200),
  hsaId: HsaIdSchema.nullable(),
  town: text(100).nullable(),
  municipality: text(100).nullable(),
  ownership: z.enum(OWNERSHIPS).nullable(),
  phone: SwedishPhoneSchema.nullable(),
});
export type ClinicProfile = z.output<typeof ClinicProfileSchema>;

/** Where a closed clinic sends its patients, shown on its pages and read out on its phone line. */
export const ReferralSchema = text(300);

/**
 * A status change is complete only with what it needs: closing names where patients turn instead; opening and
 * pausing forget any referral.
 */
export function statusIssue(status: ClinicStatus, referral: string | null | undefined): string | null {
  if (status === 'closed' && !referral) return 'is required when closing a clinic: say where its patients should turn instead';
  return null;
}
