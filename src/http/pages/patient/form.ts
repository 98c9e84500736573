// The patient forms as posted (application/x-www-form-urlencoded): each field checked with the same rules the
// JSON API uses, each refusal named by its field and a catalogue message, so the page can show it beside the field.
import { DateTime } from 'luxon';
import { normalisePersonalIdentityNumber, normaliseSwedishPhone } from '../../../domain/patientContact.js';
import { freeText, isoInstant } from '../../primitives.js';
import type { TextKey } from '../texts/index.js';

export type BookingField = 'phone' | 'pin' | 'name' | 'reason' | 'slot';

export interface FieldError {
  field: BookingField;
  key: TextKey;
}

/** What the patient typed, sent back into the form when it is shown again. */
export interface BookingFormValues {
  phone: string;
  pin: string;
  name: string;
  reason: string;
  /** '' is the first free time. */
  slot: string;
}

export interface ValidBooking {
  phoneE164: string;
  personalIdentityNumber: string | null;
  patientName: string | null;
  reason: string | null;
  slotStart: DateTime | null;
}

/** A field as a string; repeated or missing fields count as empty (a browser never sends them). */
export function field(body: unknown, name: string, max = 4000): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

export function bookingFormValues(body: unknown): BookingFormValues {
  return { phone: field(body, 'phone'), pin: field(body, 'pin'), name: field(body, 'name'), reason: field(body, 'reason'), slot: field(body, 'slot') };
}

const NAME = freeText(200);
const REASON = freeText(1000);
const INSTANT = isoInstant('2027-03-29T10:15:00+02:00');

/** A chosen slot start, or a refusal; '' (the first free time) is allowed only where `optional`. */
export function parseSlot(value: string, optional: boolean): { ok: true; start: DateTime | null } | { ok: false } {
  if (value === '' && optional) return { ok: true, start: null };
  if (!INSTANT.safeParse(value).success) return { ok: false };
  return { ok: true, start: DateTime.fromISO(value, { setZone: true }) };
}

export function parseBookingForm(values: BookingFormValues): { ok: true; booking: ValidBooking } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const phone = values.phone.trim();
  const phoneE164 = phone === '' ? null : normaliseSwedishPhone(phone.slice(0, 40));
  if (!phoneE164) errors.push({ field: 'phone', key: 'patient.error.phoneMissing' });
  else if (!phoneE164.ok) errors.push({ field: 'phone', key: 'patient.error.phoneInvalid' });

  const pinText = values.pin.trim();
  const pin = pinText === '' ? null : normalisePersonalIdentityNumber(pinText.slice(0, 20));
  if (pin && !pin.ok) errors.push({ field: 'pin', key: 'patient.error.pinInvalid' });

  const name = NAME.safeParse(values.name);
  if (!name.success) errors.push({ field: 'name', key: 'patient.error.name' });
  const reason = REASON.safeParse(values.reason);
  if (!reason.success) errors.push({ field: 'reason', key: 'patient.error.reason' });
  const slot = parseSlot(values.slot, true);
  if (!slot.ok) errors.push({ field: 'slot', key: 'patient.error.slot' });

  if (errors.length > 0 || !phoneE164?.ok || (pin && !pin.ok) || !name.success || !reason.success || !slot.ok) return { ok: false, errors };
  return {
    ok: true,
    booking: {
      phoneE164: phoneE164.value,
      personalIdentityNumber: pin?.ok ? pin.value : null,
      patientName: name.data === '' ? null : name.data,
      reason: reason.data === '' ? null : reason.data,
      slotStart: slot.start,
    },
  };
}
