// A callback booking (återuppringning): who is called, when it was promised, and where it stands.
import type { DateTime } from 'luxon';

export const CALLBACK_STATUSES = ['booked', 'cancelled'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export const BOOKING_CHANNELS = ['web', 'ivr', 'staff'] as const;
/** Where the request came from: the web page, the phone line's keypad menu (IVR), or staff on the patient's behalf. */
export type BookingChannel = (typeof BOOKING_CHANNELS)[number];

export interface Callback {
  id: string;
  clinicId: string;
  phoneE164: string;
  personalIdentityNumber: string | null;
  patientName: string | null;
  reason: string | null;
  channel: BookingChannel;
  requestedAt: DateTime;
  /** The promised slot (utlovad tid): the patient is told "we call you between start and end". */
  slot: { start: DateTime; end: DateTime };
  status: CallbackStatus;
  requestedBeforeCutoff: boolean;
  sameDaySlotFree: boolean;
  patientChoseLaterDay: boolean;
  cancelledAt: DateTime | null;
}

/** A patient may cancel only while the callback is still just booked. */
export function isCancellable(callback: Pick<Callback, 'status'>): boolean {
  return callback.status === 'booked';
}
