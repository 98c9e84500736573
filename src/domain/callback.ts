// A callback booking (återuppringning): who is called, when it was promised, and where it stands.
import { DateTime } from 'luxon';

/**
 * booked: waiting for its (next) due time; due: in the nurses' queue; claimed: a nurse has it;
 * completed: the patient was reached; unreachable: given up after the last attempt; cancelled: by the patient;
 * missed: its day ended without a call (rule 12, src/domain/missedCallback.ts), listed for follow-up.
 */
export const CALLBACK_STATUSES = ['booked', 'due', 'claimed', 'completed', 'unreachable', 'cancelled', 'missed'] as const;
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
  /** When it (next) enters the nurses' queue: the slot start (less any lead), or a retry time. */
  dueAt: DateTime;
  attemptCount: number;
  claimedBy: string | null;
  claimExpiresAt: DateTime | null;
  /** When the patient answered (reachedAt in callAttempt.ts), not when that call ended; null until reached. */
  reachedAt: DateTime | null;
}

/** A patient may cancel (or move) a callback until a nurse has claimed it. */
export const CANCELLABLE_STATUSES: readonly CallbackStatus[] = ['booked', 'due'];
/** Still to be called: waiting, in the queue, or in a nurse's hands. */
export const OPEN_STATUSES: readonly CallbackStatus[] = ['booked', 'due', 'claimed'];

export function isCancellable(callback: Pick<Callback, 'status'>): boolean {
  return CANCELLABLE_STATUSES.includes(callback.status);
}

export function isOpen(callback: Pick<Callback, 'status'>): boolean {
  return OPEN_STATUSES.includes(callback.status);
}

/** A callback enters the nurses' queue at its slot start, less the configured lead. */
export function dueAtForSlot(slotStart: DateTime, leadMinutes: number): DateTime {
  // Minutes are a fixed length (unlike days across DST): plain arithmetic, cheaper than luxon's minus() per candidate.
  return DateTime.fromMillis(slotStart.toMillis() - leadMinutes * 60_000, { zone: slotStart.zone });
}
