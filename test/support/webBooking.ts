// A patient's booking on the web as the booking service takes it, for the tests that book without HTTP.
import { DateTime } from 'luxon';
import type { BookingRequest } from '../../src/services/callbackBooking.js';

/** From `phoneE164` for the slot starting `slotStart` (null: the earliest free), with no name, number or reason. */
export const webBooking = (phoneE164 = '+46701234567', slotStart: string | null = null): BookingRequest => ({
  phoneE164,
  personalIdentityNumber: null,
  patientName: null,
  reason: null,
  channel: 'web',
  slotStart: slotStart ? DateTime.fromISO(slotStart, { setZone: true }) : null,
});
