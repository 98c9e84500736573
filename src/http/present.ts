// Turns domain values into response JSON: instants with the clinic's offset, the promise in Swedish.
import { DateTime } from 'luxon';
import type { StoredCallback } from '../db/callbacks.js';
import type { ClinicSummary } from '../db/clinics.js';
import type { StaffAccountSummary } from '../db/staff.js';
import type { SlotView } from '../services/callbackBooking.js';
import type { RecordedOutcome } from '../domain/callbackOutcome.js';
import { REGION_TIMEZONE, showInstant } from '../domain/schedule.js';
import type { CallAttempt } from '../db/callAttempts.js';
import type { StoredGuaranteeCase } from '../db/guaranteeCases.js';
import type { OutgoingCall } from '../db/outgoingCalls.js';
import { minutesFromPromise, type QueueState } from '../domain/callQueue.js';
import type { ClinicRules } from '../domain/clinic.js';
import { deadline, startDate, type GuaranteeStartBasis } from '../domain/guaranteeCase.js';

export function instant(dt: DateTime, timezone: string): string {
  return showInstant({ timezone }, dt);
}

const WEEKDAYS_SV = ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'];
const MONTHS_SV = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
const LOCAL_ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d)/;

/** Rule 4: the patient is told the clock time ("Vi ringer dig mellan 10:15 och 10:30 tisdag 30 mars."). */
export function promiseText(slot: { start: DateTime; end: DateTime }, timezone: string): string {
  // Read off the cached-offset local times (showInstant) rather than luxon's setZone, setLocale and toFormat per
  // answer, which were 4 % of a booking's CPU.
  const start = LOCAL_ISO.exec(instant(slot.start, timezone));
  const end = LOCAL_ISO.exec(instant(slot.end, timezone));
  if (!start || !end) return promiseTextByLuxon(slot, timezone);
  const [, year, month, day] = start.map(Number) as [number, number, number, number];
  const weekday = WEEKDAYS_SV[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
  return `Vi ringer dig mellan ${start[4]} och ${end[4]} ${weekday} ${day} ${MONTHS_SV[month - 1]}.`;
}

/** The same text by luxon: for instants the fast path does not write (outside years 0000–9999). */
export function promiseTextByLuxon(slot: { start: DateTime; end: DateTime }, timezone: string): string {
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

// A kept listing is shared by every request while it holds (src/services/slotListingCache.ts): its body is written
// once and sent as bytes, leaving with the listing. Serialising it per request was most of what a kept listing cost.
const slotListBodies = new WeakMap<readonly SlotView[], Buffer>();

/** A clinic as anyone may see it (GET /api/clinics). */
export function publicClinicView(c: ClinicSummary) {
  return {
    id: c.id,
    name: c.name,
    timezone: c.timezone,
    hsaId: c.hsaId,
    town: c.town,
    municipality: c.municipality,
    phone: c.publicPhoneE164,
    status: c.status,
    referral: c.closedReferral,
  };
}

/** GET …/slots's body: the times as the slot model wrote them once per day, no DateTime or formatting per request. */
export function slotListBody(slots: readonly SlotView[]): Buffer {
  let body = slotListBodies.get(slots);
  if (!body) {
    body = Buffer.from(JSON.stringify({ slots: slots.map((s) => ({ start: s.startText, end: s.endText, capacity: s.capacity, available: s.available })) }));
    slotListBodies.set(slots, body);
  }
  return body;
}

/** Who the patient is and why they asked, as the staff lists show them (read under audit). */
const patientOf = (c: StoredCallback) => ({
  reason: c.reason,
  phone: c.phoneE164,
  name: c.patientName,
  personalIdentityNumber: c.personalIdentityNumber,
  channel: c.channel,
});

const promisedSlotOf = (c: StoredCallback, timezone: string) => ({ start: instant(c.slot.start, timezone), end: instant(c.slot.end, timezone) });

/** A callback as the nurses' queue shows it: its state, the promise, and the patient's details. */
export function queueEntryView(state: QueueState | null, c: StoredCallback, timezone: string, now: DateTime) {
  return {
    id: c.id,
    state,
    status: c.status,
    promisedSlot: promisedSlotOf(c, timezone),
    minutesFromPromise: minutesFromPromise(c, now),
    dueAt: instant(c.dueAt, timezone),
    attempts: c.attemptCount,
    ...patientOf(c),
    requestedAt: instant(c.requestedAt, timezone),
    claimedBy: c.claimedBy,
    claimExpiresAt: c.claimExpiresAt ? instant(c.claimExpiresAt, timezone) : null,
  };
}

export function attemptView(a: CallAttempt, timezone: string) {
  return {
    id: a.id,
    source: a.source,
    staffId: a.staffId,
    startedAt: instant(a.startedAt, timezone),
    answeredAt: a.answeredAt ? instant(a.answeredAt, timezone) : null,
    endedAt: a.endedAt ? instant(a.endedAt, timezone) : null,
    outcome: a.outcome,
    note: a.note,
  };
}

/** A missed callback as the nurses' follow-up list shows it (rule 12). */
export function missedCallbackView(c: StoredCallback, timezone: string) {
  return {
    id: c.id,
    status: 'missed' as const,
    promisedSlot: promisedSlotOf(c, timezone),
    requestedAt: instant(c.requestedAt, timezone),
    missedAt: instant(c.missedAt!, timezone),
    attempts: c.attemptCount,
    ...patientOf(c),
    followUp: c.followUp ? { at: instant(c.followUp.at, timezone), by: c.followUp.by, note: c.followUp.note } : null,
  };
}

/** A care-guarantee case with its day 0 and deadline by the region's basis (rule 7). */
export function guaranteeCaseView(c: StoredGuaranteeCase, basis: GuaranteeStartBasis, timezone: string) {
  const start = startDate(c, basis);
  return {
    callbackId: c.callbackId,
    clinicId: c.clinicId,
    reason: c.reason,
    status: c.status,
    contactDate: c.contactDate,
    decisionDate: c.decisionDate,
    startDate: start,
    deadline: deadline(start),
    assessment: c.assessment
      ? { at: instant(c.assessment.at, timezone), date: c.assessment.date, profession: c.assessment.profession, mode: c.assessment.mode }
      : null,
    exclusionReason: c.exclusionReason,
    note: c.note,
  };
}

export function clinicSettingsView(r: ClinicRules) {
  return {
    clinicId: r.id,
    name: r.name,
    timezone: r.timezone,
    bookingWindow: r.bookingWindow,
    slotMinutes: r.slotMinutes,
    capacityRules: r.capacityRules,
    dateExceptions: r.dateExceptions,
    earlyToleranceMinutes: r.earlyToleranceMinutes,
    lateToleranceMinutes: r.lateToleranceMinutes,
    oneOpenCallbackPerCaller: r.oneOpenCallbackPerCaller,
  };
}

export function outgoingCallView(call: OutgoingCall) {
  return { id: call.id, callbackId: call.callbackId, attemptNumber: call.attemptNumber, state: call.state, failure: call.failure };
}

/** A clinic as its administrators see it: the record, whether it takes bookings, and its booking rules. */
export function adminClinicView(c: { summary: ClinicSummary; rules: ClinicRules }) {
  const { id: _id, name: _name, timezone: _zone, ...place } = publicClinicView(c.summary);
  return {
    id: c.summary.id,
    name: c.summary.name,
    ...place,
    ownership: c.summary.ownership,
    timezone: c.summary.timezone,
    bookingWindow: c.rules.bookingWindow,
    slotMinutes: c.rules.slotMinutes,
    capacityRules: c.rules.capacityRules,
  };
}

/** A staff account as an admin sees it: never the token or its hash. Times in the region's zone. */
export function staffAccountView(a: StaffAccountSummary) {
  const at = (d: Date) => instant(DateTime.fromJSDate(d), REGION_TIMEZONE);
  return {
    id: a.id,
    name: a.name,
    role: a.role,
    clinics: a.allClinics ? ('all' as const) : a.clinicIds,
    phone: a.phoneE164,
    hsaId: a.hsaId,
    signIn: a.signIn,
    oidcSubject: a.oidcSubject,
    createdAt: at(a.createdAt),
    tokenExpiresAt: a.tokenExpiresAt ? at(a.tokenExpiresAt) : null,
    revokedAt: a.disabledAt ? at(a.disabledAt) : null,
  };
}
