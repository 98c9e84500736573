// The SMS a patient gets about their callback (sms_messages.kind), and who a cancellation came from.
export const SMS_KINDS = ['booking_confirmation', 'time_changed', 'cancelled', 'unreachable'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

/** Who cancelled: the patient on the web (their link), the phone line's keypad, or staff. */
export type CancelledBy = 'web' | 'phone' | 'staff';
