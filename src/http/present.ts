// Turns domain values into response JSON: instants with the clinic's offset, the promise in Swedish.
import type { DateTime } from 'luxon';
import type { StoredCallback } from '../db/callbacks.js';
import type { RecordedOutcome } from '../domain/callbackOutcome.js';
import { showInstant } from '../domain/schedule.js';

export function instant(dt: DateTime, timezone: string): string {
  return showInstant({ timezone }, dt);
}

/** Rule 4: the patient is told the clock time ("vi ringer dig mellan 10:15 och 10:30"). */
export function promiseText(slot: { start: DateTime; end: DateTime }, timezone: string): string {
  const start = slot.start.setZone(timezone).setLocale('sv');
  const end = slot.end.setZone(timezone).setLocale('sv');
  return `Vi ringer dig mellan ${start.toFormat('HH:mm')} och ${end.toFormat('HH:mm')} ${start.toFormat('cccc d MMMM')}.`;
}

export function callbackView(c: StoredCallback, timezone: string) {
  return {
    id: c.id,
    clinicId: c.clinicId,
    status: c.status,
    slot: { start: instant(c.slot.start, timezone), end: instant(c.slot.end, timezone) },
    requestedAt: instant(c.requestedAt, timezone),
    cancelledAt: c.cancelledAt ? instant(c.cancelledAt, timezone) : null,
    promise: promiseText(c.slot, timezone),
  };
}

/**
 * A recorded outcome in the shape a nurse sends it (PUT …/outcome), with who recorded it and when; the
 * instant carries the clinic's offset like every other.
 */
export function outcomeView(outcome: RecordedOutcome | null, timezone: string) {
  if (!outcome) return null;
  return {
    recordedAt: instant(outcome.recordedAt, timezone),
    recordedBy: outcome.recordedBy,
    resolution: outcome.resolution,
    appointment: outcome.appointment,
    referredTo: outcome.referredTo,
    guarantee: { covered: outcome.guaranteeReason !== null, reason: outcome.guaranteeReason },
    medicalAssessment: { performed: outcome.assessedBy !== null, profession: outcome.assessedBy },
    note: outcome.note,
  };
}
