// Rule 11: one open callback per caller (a clinic setting, on by default), and a cap on a phone number's open
// callbacks across clinics, so one person, or one script, cannot take many places.
import type { DateTime } from 'luxon';

/** A caller's open callback, as the policy needs to see it. */
export interface OpenCallbackOfCaller {
  clinicId: string;
  slot: { start: DateTime; end: DateTime };
}

export type CallerRefusal =
  | { kind: 'already_booked'; existing: OpenCallbackOfCaller }
  | { kind: 'too_many_bookings'; max: number };

/** Why this caller may not book another callback at this clinic now; null when they may. */
export function callerRefusal(
  clinic: { id: string; oneOpenCallbackPerCaller: boolean },
  openOfCaller: readonly OpenCallbackOfCaller[],
  maxOpenPerPhone: number,
): CallerRefusal | null {
  if (clinic.oneOpenCallbackPerCaller) {
    const existing = openOfCaller.find((c) => c.clinicId === clinic.id);
    if (existing) return { kind: 'already_booked', existing };
  }
  if (openOfCaller.length >= maxOpenPerPhone) return { kind: 'too_many_bookings', max: maxOpenPerPhone };
  return null;
}
