// One family of application errors. Domain and services throw these; src/http/errorHandler.ts maps codes to HTTP.

export type ErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'not_found'
  | 'clinic_not_found'
  | 'callback_not_found'
  | 'slot_full'
  | 'slot_unavailable'
  | 'no_free_slot'
  | 'booking_closed'
  | 'already_cancelled'
  | 'not_cancellable'
  | 'idempotency_key_reused'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_claimed'
  | 'not_claimable'
  | 'not_reached'
  | 'invalid_signature'
  | 'guarantee_case_not_found'
  | 'case_not_open'
  | 'report_not_found'
  | 'service_unavailable'
  | 'already_booked'
  | 'too_many_bookings'
  | 'rate_limited'
  | 'not_missed'
  | 'already_followed_up'
  | 'phone_number_taken'
  | 'agent_phone_missing'
  | 'dialling_unavailable'
  | 'before_promised_time'
  | 'outside_calling_hours'
  | 'call_refused'
  | 'clinic_exists'
  | 'hsa_id_taken'
  | 'staff_not_found'
  | 'last_admin';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  field: string;
  /** What is wrong, in English. */
  message: string;
  /**
   * A stable name of the problem (`slot_would_vanish`), where one is defined, for clients that say it in their own
   * words (the pages do); `params` holds the values the message speaks of, by name.
   */
  code?: string;
  params?: Record<string, string | number>;
}

/**
 * The code and params a problem carries, from a zod custom issue's params (`params: { code, ...params }`, see
 * src/http/validation.ts): nothing without a code, no params when it names no values.
 */
export function issueCode(params: Record<string, unknown> | undefined): Pick<FieldIssue, 'code' | 'params'> {
  if (typeof params?.code !== 'string') return {};
  const { code, ...rest } = params;
  const values = Object.fromEntries(Object.entries(rest).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number'));
  return Object.keys(values).length ? { code, params: values } : { code };
}

export class ValidationFailed extends AppError {
  constructor(readonly issues: FieldIssue[]) {
    super(
      'validation_failed',
      `Invalid input: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      { fields: issues },
    );
  }
}

export class ClinicNotFound extends AppError {
  constructor(clinicId: string) {
    super('clinic_not_found', `No clinic with id '${clinicId}'.`, { clinicId });
  }
}

/** Deliberately the same for "no such id" and "wrong token": the caller learns nothing about which. */
export class CallbackNotFound extends AppError {
  constructor() {
    super('callback_not_found', 'No callback booking matches that id and token.');
  }
}

export class SlotFull extends AppError {
  constructor(slotStart: string) {
    super('slot_full', `The slot starting ${slotStart} has no free places left. Choose another time.`, { slotStart });
  }
}

export class SlotUnavailable extends AppError {
  constructor(slotStart: string, reason: string) {
    super('slot_unavailable', `The slot starting ${slotStart} cannot be booked: ${reason}`, { slotStart, reason });
  }
}

export class NoFreeSlot extends AppError {
  constructor(searchedUntil: string) {
    super('no_free_slot', `Every callback slot up to ${searchedUntil} is full. Please try again later.`, {
      searchedUntil,
    });
  }
}

/** Rule 1: outside the booking window the patient is told when booking opens next. */
export class BookingClosed extends AppError {
  constructor(readonly opensAt: string | null) {
    super(
      'booking_closed',
      opensAt
        ? `Callback booking is closed right now. It opens again at ${opensAt}.`
        : 'Callback booking is closed and no opening is scheduled.',
      { opensAt },
    );
  }
}

export class NotCancellable extends AppError {
  constructor(status: string) {
    super('not_cancellable', `This callback can no longer be cancelled (status: ${status}).`, { status });
  }
}

export class IdempotencyKeyReused extends AppError {
  constructor() {
    super(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body. Use a new key for a new booking.',
    );
  }
}

export class ServiceUnavailable extends AppError {
  constructor(
    what: string,
    /** Sent as Retry-After. */
    readonly retryAfterSeconds = 5,
  ) {
    super('service_unavailable', `${what} is unavailable right now. Please try again shortly.`, { retryAfterSeconds });
  }
}

/** PostgreSQL could not be reached: nothing was written, and the same request may be sent again. */
export class DatabaseUnavailable extends ServiceUnavailable {
  constructor() {
    super('The database');
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'Staff endpoints need a valid bearer token (Authorization: Bearer …).') {
    super('unauthenticated', message);
  }
}

/** Still 401 unauthenticated (clients just sign in again); the message says why. */
export class TokenExpired extends Unauthenticated {
  constructor(expiredAt: string, advice = 'Ask an administrator for a new one.') {
    super(`The bearer token expired at ${expiredAt}. ${advice}`);
  }
}

/** `clinicId`: the clinic the refused request was about, for the audit trail (not sent to the client). */
export class Forbidden extends AppError {
  constructor(
    message: string,
    readonly clinicId: string | null = null,
  ) {
    super('forbidden', message);
  }
}

export class NotClaimed extends AppError {
  constructor(message = 'You do not hold a live claim on this callback. Claim it from the queue first.') {
    super('not_claimed', message);
  }
}

/** A specific callback a nurse asked for cannot be claimed now; `state` says why (queueState, or null once it left the queue). */
export class NotClaimable extends AppError {
  constructor(
    readonly status: string,
    readonly state: 'claimed' | 'upcoming' | 'due' | null,
  ) {
    super(
      'not_claimable',
      state === 'claimed'
        ? 'Another nurse holds this callback right now.'
        : state === 'upcoming'
          ? 'This callback is not due yet: calling before the promised time breaks the promise.'
          : `This callback cannot be claimed (status: ${status}).`,
      { status, state },
    );
  }
}

export class NotReached extends AppError {
  constructor(status: string) {
    super('not_reached', `An outcome can only be recorded for a reached callback (status: ${status}).`, { status });
  }
}

export class InvalidSignature extends AppError {
  constructor() {
    super('invalid_signature', 'The event signature is missing or does not match.');
  }
}

export class TelephonyNotConfigured extends AppError {
  constructor() {
    super('service_unavailable', 'Telephony events are not accepted: TELEPHONY_WEBHOOK_SECRET is not set.');
  }
}

export class GuaranteeCaseNotFound extends AppError {
  constructor(callbackId: string) {
    super('guarantee_case_not_found', `No care-guarantee case for callback '${callbackId}'.`, { callbackId });
  }
}

/** An assessment or exclusion is recorded once; correcting one is a deliberate, separate act. */
export class CaseNotOpen extends AppError {
  constructor(status: string) {
    super('case_not_open', `The case is already ${status}; send "correct": true to replace what was recorded.`, { status });
  }
}

export class ReportNotFound extends AppError {
  constructor(month: string) {
    super('report_not_found', `No national report for ${month} has been produced.`, { month });
  }
}

/** Rule 11: the caller already has an open callback at this clinic; they are told its time, not given a second. */
export class AlreadyBooked extends AppError {
  constructor(slot: { start: string; end: string }) {
    super(
      'already_booked',
      `You already have a callback booked between ${slot.start} and ${slot.end}. Use the link in your SMS to change or cancel it.`,
      { slot },
    );
  }
}

export class TooManyBookings extends AppError {
  constructor(max: number) {
    super('too_many_bookings', `This phone number already has ${max} open callbacks. Cancel one before booking another.`, { max });
  }
}

/** Too many requests from one address or for one phone number; retry after the given number of seconds. */
export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `Too many requests. Please try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
  }
}

/** Rule 12: only a missed callback is followed up (a callback still open is in the queue instead). */
export class NotMissed extends AppError {
  constructor(status: string) {
    super('not_missed', `Only a missed callback can be followed up (status: ${status}).`, { status });
  }
}

/** A missed callback is followed up once; the first nurse's record stands. */
export class AlreadyFollowedUp extends AppError {
  constructor(at: string) {
    super('already_followed_up', `This missed callback was already followed up at ${at}.`, { followedUpAt: at });
  }
}

/** A booking number belongs to one clinic: another clinic already answers calls to these numbers. */
export class PhoneNumberTaken extends AppError {
  constructor(readonly numbers: string[]) {
    super('phone_number_taken', `Already a booking number of another clinic: ${numbers.join(', ')}.`, { numbers });
  }
}

/** Agent-first dialling rings the nurse's phone: the request names none and her account has none stored. */
export class AgentPhoneMissing extends AppError {
  constructor() {
    super('agent_phone_missing', 'No phone number to ring you on: send agentPhone, or have one stored on your account.', {
      fields: [{ field: 'body.agentPhone', message: 'is required: no phone number is stored for you' }],
    });
  }
}

/** The clinic does not dial through the app: dialling is off, it has no number to show, or no provider is set up. */
export class DiallingUnavailable extends AppError {
  constructor(readonly reason: 'off' | 'no_caller_id' | 'no_provider') {
    super(
      'dialling_unavailable',
      reason === 'off'
        ? 'This clinic does not dial callbacks through the app (agent-first dialling is off).'
        : reason === 'no_caller_id'
          ? 'This clinic has no phone number to show patients; set its caller id or a booking number.'
          : 'No telephony provider is configured (TELEPHONY_PROVIDER, TELEPHONY_WEBHOOK_SECRET).',
      { reason },
    );
  }
}

/** Rule 4: a call before the promised time breaks the promise. */
export class BeforePromisedTime extends AppError {
  constructor(callableFrom: string) {
    super('before_promised_time', `The patient was promised a call from ${callableFrom}; calling earlier breaks the promise.`, { callableFrom });
  }
}

export class OutsideCallingHours extends AppError {
  constructor(hours: { opens: string; closes: string } | null, opensAt: string | null) {
    super(
      'outside_calling_hours',
      hours
        ? `Calls are placed between ${hours.opens} and ${hours.closes} today.${opensAt ? ` Next from ${opensAt}.` : ''}`
        : `The clinic places no calls today.${opensAt ? ` Next from ${opensAt}.` : ''}`,
      { callingHours: hours, opensAt },
    );
  }
}

/** The provider refused the call for good (e.g. a number it cannot ring); pressing again will not help. */
export class CallRefusedByProvider extends AppError {
  constructor(reason: string) {
    super('call_refused', `The telephony provider refused the call: ${reason}`);
  }
}

/** A setting that stops start-up: the message names the variable (or the folder, the file) and what is wrong. */
/** A new clinic's id is already a clinic's: ids are the addresses of its pages and never reused. */
export class ClinicExists extends AppError {
  constructor(readonly clinicId: string) {
    super('clinic_exists', `There is already a clinic with the id '${clinicId}'.`, { fields: [{ field: 'body.id', message: 'is taken' }] });
  }
}

/** An HSA-id names one unit: another clinic already has it. */
export class HsaIdTaken extends AppError {
  constructor(readonly hsaId: string, readonly owner: string, field = 'body.hsaId') {
    super('hsa_id_taken', `${hsaId} is already the HSA-id of ${owner}.`, { fields: [{ field, message: `is already the HSA-id of ${owner}` }] });
  }
}

export class StaffNotFound extends AppError {
  constructor(readonly staffId: string) {
    super('staff_not_found', `There is no staff account with the id '${staffId}'.`);
  }
}

/** Revoking or narrowing the last region-wide admin would leave nobody able to administer the region. */
export class LastAdmin extends AppError {
  constructor() {
    super('last_admin', 'This is the last active region-wide admin: create another before revoking or narrowing this one.');
  }
}

export class ConfigError extends Error {}
