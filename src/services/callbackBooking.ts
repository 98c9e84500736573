// Books, shows and cancels callbacks: loads a clinic's rules and bookings, asks the domain for a plan,
// and reserves a place atomically in the database.
import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import {
  bookFirstFreePlace,
  findByIdempotencyKey,
  IDEMPOTENCY_CONSTRAINT,
  inCallersBookingTransaction,
  markCancelled,
  moveCallbackSlot,
  readCallerState,
} from '../db/bookings.js';
import { findCallback, lockCallback, type StoredCallback } from '../db/callbacks.js';
import { findClinicRules, listClinics, type ClinicSummary } from '../db/clinics.js';
import { CommitUnconfirmed, isUniqueViolation, type Database } from '../db/database.js';
import { bookedCounts, releaseSlotPlace, reserveSlotPlace } from '../db/slotPlaces.js';
import { choseLaterDay, freePlaces, freeSlots, planBooking, planningRange } from '../domain/booking.js';
import { dueAtForSlot, isCancellable, type BookingChannel } from '../domain/callback.js';
import type { ClinicRules } from '../domain/clinic.js';
import { localDate, showInstant } from '../domain/schedule.js';
import { bookableRange, bookableUnchangedUntilMs, isBookableIn, LazySlot, shownTimes, slotDay, slotDaysBetween, type ShownTimes, type SlotMs } from '../domain/slots.js';
import { callerRefusal, DEFAULT_MAX_OPEN_PER_PHONE } from '../domain/callerPolicy.js';
import {
  AlreadyBooked,
  CallbackNotFound,
  ClinicNotFound,
  IdempotencyKeyReused,
  NoFreeSlot,
  NotCancellable,
  SlotFull,
  TooManyBookings,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobScheduler } from '../queue/jobScheduler.js';
import { insertWebRefusal } from '../db/turnedAway.js';
import { insertCancelledSms, insertTimeChangedSms } from '../db/smsMessages.js';
import type { CancelledBy } from '../domain/patientSms.js';
import { webRefusalReason } from '../domain/turnedAway.js';
import { createAfterCommit } from './afterCommit.js';
import type { SlotListing, SlotListingCache } from './slotListingCache.js';
import type { CallbackTokens } from './callbackTokens.js';

export interface BookingRequest {
  /** Already normalised to E.164 at the edge. */
  phoneE164: string;
  personalIdentityNumber: string | null;
  patientName: string | null;
  reason: string | null;
  channel: BookingChannel;
  slotStart: DateTime | null;
}

export interface BookingResult {
  callback: StoredCallback;
  token: string;
  /** True when an Idempotency-Key matched an earlier booking and no new place was taken. */
  replayed: boolean;
}

export interface SlotView {
  start: DateTime;
  end: DateTime;
  /** The same instants as epoch ms, and as patients read them (showInstant in the clinic's zone). */
  startMs: number;
  endMs: number;
  startText: string;
  endText: string;
  capacity: number;
  /** Places a patient can book right now: 0 when full, past, too soon or beyond the horizon. */
  available: number;
}

/** What a clinic offers a patient right now: the time a booking gets by default, and the free times to choose from. */
export interface BookingOffer {
  /** The slot a booking without a chosen time gets now: the same day whenever one is free (rule 5). */
  earliest: SlotView;
  /** Free slots per local date, today first, up to the booking horizon; dates without a free slot are left out. */
  days: { date: string; slots: SlotView[] }[];
  /** No slot is free today any more (the day is full): the earliest time is on a later day. */
  todayFull: boolean;
}

export interface CallbackBookingService {
  listClinics(): Promise<ClinicSummary[]>;
  clinicRules(clinicId: string): Promise<ClinicRules>;
  /** When kept, shared by every request that asks the same while it holds (frozen): src/services/slotListingCache.ts. */
  listSlots(clinicId: string, fromDate: string, toDate: string): Promise<readonly SlotView[]>;
  /**
   * The same plan a booking gets (planBooking), shown before booking. Throws what booking would throw
   * with no time chosen: BookingClosed (with the next opening) or NoFreeSlot.
   */
  offer(clinicId: string): Promise<BookingOffer>;
  book(clinicId: string, request: BookingRequest, idempotencyKey: string | null): Promise<BookingResult>;
  show(callbackId: string, token: string): Promise<StoredCallback>;
  cancel(callbackId: string, token: string): Promise<StoredCallback>;
  /**
   * The phone line's cancel (rule 11's "tryck 3"): the caller's own number, shown by the network, stands in for
   * the cancel token. Null when the callback is not that caller's at that clinic or can no longer be cancelled.
   */
  cancelByCaller(callbackId: string, caller: { clinicId: string; phoneE164: string }): Promise<StoredCallback | null>;
  /** Moves a booking to another slot (ombokning): the new place is taken before the old one is freed. */
  reschedule(callbackId: string, token: string, slotStart: DateTime): Promise<StoredCallback>;
}

export function createCallbackBookingService(deps: {
  db: Database;
  clock: Clock;
  tokens: CallbackTokens;
  jobs: JobScheduler;
  logger: Logger;
  /** The callback enters the nurses' queue this long before its slot (default 0). */
  dueLeadMinutes?: number;
  /** Open callbacks one phone number may hold across all clinics (rule 11). */
  maxOpenPerPhone?: number;
  /** Where a clinic's rules come from: the process's cache (src/services/clinicRulesCache.ts); default the database. */
  rules?: (clinicId: string) => Promise<ClinicRules | null>;
  /** Where listings are kept between requests (src/compose.ts gives this process's); default none: made per request. */
  slotListings?: SlotListingCache<SlotView>;
}): CallbackBookingService {
  const { db, clock, tokens, jobs, logger } = deps;
  const dueLeadMinutes = deps.dueLeadMinutes ?? 0;
  const maxOpenPerPhone = deps.maxOpenPerPhone ?? DEFAULT_MAX_OPEN_PER_PHONE;
  const afterCommit = createAfterCommit(logger);

  const readRules = deps.rules ?? ((clinicId: string) => findClinicRules(db, clinicId));

  async function clinicRules(clinicId: string): Promise<ClinicRules> {
    const rules = await readRules(clinicId);
    if (!rules) throw new ClinicNotFound(clinicId);
    return rules;
  }

  async function countsForDates(rules: ClinicRules, fromDate: string, toDate: string) {
    const from = DateTime.fromMillis(slotDay(rules, fromDate).startMs, { zone: 'utc' });
    const to = DateTime.fromMillis(slotDay(rules, toDate).endMs, { zone: 'utc' });
    return bookedCounts(db, rules.id, from, to);
  }

  /**
   * This process took or freed a place: its own next listing shows it at once (others' hear of it through the
   * notification, src/services/slotListingCache.ts).
   */
  const placesChanged = (clinicId: string) => deps.slotListings?.forget(clinicId);

  async function listingAt(rules: ClinicRules, fromDate: string, toDate: string): Promise<SlotListing<SlotView>> {
    const counts = await countsForDates(rules, fromDate, toDate);
    // Now after the counts were read: the listing is right at this instant, and stays so as long as it says.
    const now = clock.now();
    const range = bookableRange(rules, now);
    const days = slotDaysBetween(rules, fromDate, toDate);
    const slots: SlotView[] = [];
    for (const day of days) {
      const shown = shownTimes(rules, day);
      day.slots.forEach((slot, i) => {
        const available = isBookableIn(range, slot.start) ? freePlaces({ capacity: slot.capacity, booked: counts.get(slot.start) ?? 0 }) : 0;
        slots.push(new ShownSlot(slot, available, shown, i));
      });
    }
    return { slots, unchangedUntilMs: bookableUnchangedUntilMs(rules, now, days) };
  }

  async function verified(callbackId: string, token: string): Promise<StoredCallback> {
    if (!UUID.test(callbackId)) throw new CallbackNotFound();
    const callback = await findCallback(db, callbackId);
    if (!callback || !tokens.matches(token, callback.tokenHash)) throw new CallbackNotFound();
    return callback;
  }

  /** An earlier booking under the same key is returned only for the very same request. */
  function replay(existing: StoredCallback, requestHash: string): BookingResult {
    if (existing.requestHash !== requestHash) throw new IdempotencyKeyReused();
    return { callback: existing, token: tokens.issue(existing.id), replayed: true };
  }

  async function bookAt(rules: ClinicRules, request: BookingRequest, idempotencyKey: string | null): Promise<BookingResult> {
    const requestHash = idempotencyKey ? hashRequest(request) : null;
    if (idempotencyKey && requestHash) {
      const existing = await findByIdempotencyKey(db, rules.id, idempotencyKey);
      if (existing) return replay(existing, requestHash);
    }

    const now = clock.now();
    const range = planningRange(rules, now);
    const plan = planBooking(rules, now, await countsForDates(rules, range.fromDate, range.toDate), request.slotStart ?? undefined);

    // Slots without a place to give are never tried (as reserveSlotPlace refused them).
    const candidates = plan.candidates.filter((slot) => slot.capacity >= 1);
    const id = randomUUID();
    const token = tokens.issue(id);
    const newCallback = {
      id,
      clinicId: rules.id,
      phoneE164: request.phoneE164,
      personalIdentityNumber: request.personalIdentityNumber,
      patientName: request.patientName,
      reason: request.reason,
      channel: request.channel,
      requestedAt: now,
      requestedBeforeCutoff: plan.requestedBeforeCutoff,
      sameDaySlotFree: plan.sameDaySlotFree,
      patientChoseLaterDay: plan.patientChoseLaterDay,
      tokenHash: tokens.hash(token),
      idempotencyKey,
      requestHash,
    };
    try {
      const booked = await inCallersBookingTransaction(db, request.phoneE164, async (tx) => {
        // Under the caller's lock: the same key sent twice at once finds the first booking here.
        const caller = await readCallerState(tx, request.phoneE164, rules.id, idempotencyKey);
        if (caller.byKey) return { kind: 'replay' as const, existing: caller.byKey };
        const refusal = callerRefusal(rules, caller.open, maxOpenPerPhone, now);
        if (refusal?.kind === 'already_booked') {
          const { start, end } = refusal.existing.slot;
          throw new AlreadyBooked({ start: showInstant(rules, start), end: showInstant(rules, end) });
        }
        if (refusal) throw new TooManyBookings(refusal.max);
        return bookFirstFreePlace(tx, newCallback, candidates, (slotStart) => dueAtForSlot(slotStart, dueLeadMinutes));
      });
      if (booked?.kind === 'replay') return replay(booked.existing, requestHash!);
      if (booked) {
        placesChanged(rules.id);
        const { callback, smsId } = booked;
        // Both jobs at once; each failure is logged on its own and left to reconciliation.
        await Promise.all([
          afterCommit('schedule the due job', () => jobs.scheduleDue(callback.id, 0, callback.dueAt)),
          afterCommit('enqueue the confirmation SMS', () => jobs.enqueueSms(smsId)),
        ]);
        return { callback, token, replayed: false };
      }
    } catch (error) {
      if (error instanceof CommitUnconfirmed) {
        // Answered 503, yet probably stored: a retry with the Idempotency-Key replays it (one without is treated
        // as after any lost answer), and reconciliation adds its due job and SMS (not added here). No phone here.
        const commitError = error.commitError as { name?: string; code?: string } | undefined;
        logger.error(
          { callbackId: id, clinicId: rules.id, err: { type: commitError?.name, code: commitError?.code } },
          'booking committed but its WAL flush failed: it may be stored although the client gets 503',
        );
      }
      // The same key sent twice at once under different phone numbers: the loser's transaction is rolled back.
      if (idempotencyKey && requestHash && isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) {
        const existing = await findByIdempotencyKey(db, rules.id, idempotencyKey);
        if (existing) return replay(existing, requestHash);
      }
      throw error;
    }
    // Every candidate filled up between planning and reserving.
    if (request.slotStart) throw new SlotFull(showInstant(rules, request.slotStart));
    throw new NoFreeSlot(range.toDate);
  }

  /** Counts a refused web booking; a failure to count is logged, never the patient's error. */
  async function recordWebRefusal(rules: ClinicRules, request: BookingRequest, error: unknown): Promise<void> {
    const reason = webRefusalReason(error, request.slotStart !== null);
    if (!reason) return;
    const at = clock.now();
    try {
      await insertWebRefusal(db, { clinicId: rules.id, at, localDate: localDate(rules, at), reason });
    } catch (failure) {
      logger.warn({ err: { type: (failure as Error)?.name, code: (failure as { code?: string })?.code }, clinicId: rules.id, reason }, 'could not record a refused web booking');
    }
  }

  /**
   * Cancels an open callback and frees its place in one transaction, then removes its due job. Null when it is
   * no longer cancellable (a nurse claimed it, or a simultaneous cancel won) or `allowed` refuses it.
   */
  async function cancelAndFree(
    callbackId: string,
    by: CancelledBy,
    allowed: (c: StoredCallback) => boolean = () => true,
  ): Promise<StoredCallback | null> {
    const result = await db.transaction(async (tx) => {
      const current = await lockCallback(tx, callbackId);
      if (!current || !allowed(current) || !isCancellable(current)) return null;
      const done = await markCancelled(tx, callbackId, clock.now());
      if (!done) return null;
      await releaseSlotPlace(tx, done.clinicId, done.slot.start);
      // The patient is told, in the same transaction: whoever cancelled (a caller id can be forged), it is their time.
      return { cancelled: done, smsId: await insertCancelledSms(tx, done.id, by) };
    });
    if (!result) return null;
    const { cancelled, smsId } = result;
    placesChanged(cancelled.clinicId);
    await Promise.all([
      afterCommit('remove the due job', () => jobs.unscheduleDue(cancelled.id, cancelled.attemptCount)),
      ...(smsId ? [afterCommit('enqueue the cancellation SMS', () => jobs.enqueueSms(smsId))] : []),
    ]);
    return cancelled;
  }

  return {
    listClinics: () => listClinics(db),
    clinicRules,

    async listSlots(clinicId, fromDate, toDate) {
      const rules = await clinicRules(clinicId);
      const compute = () => listingAt(rules, fromDate, toDate);
      if (!deps.slotListings) return (await compute()).slots;
      return deps.slotListings.get(rules, fromDate, toDate, clock.now().toMillis(), compute);
    },

    async offer(clinicId) {
      const rules = await clinicRules(clinicId);
      const now = clock.now();
      const range = planningRange(rules, now);
      const counts = await countsForDates(rules, range.fromDate, range.toDate);
      // What planBooking decides without a chosen time, on the epoch-ms slots: same throws, same order.
      const found = freeSlots(rules, now, counts);
      if (found.free.length === 0) throw new NoFreeSlot(range.toDate);
      const days: BookingOffer['days'] = [];
      let next = 0;
      for (const day of found.days) {
        const slots: SlotView[] = [];
        const shown = shownTimes(rules, day);
        // The free slots are a subsequence of the days' slots, in the same order.
        day.slots.forEach((slot, i) => {
          if (found.free[next] !== slot) return;
          next++;
          slots.push(new ShownSlot(slot, freePlaces({ capacity: slot.capacity, booked: counts.get(slot.start) ?? 0 }), shown, i));
        });
        if (slots.length) days.push({ date: day.date, slots });
      }
      return { earliest: days[0]!.slots[0]!, days, todayFull: !found.sameDaySlotFree };
    },

    async book(clinicId, request, idempotencyKey) {
      const rules = await clinicRules(clinicId);
      try {
        return await bookAt(rules, request, idempotencyKey);
      } catch (error) {
        // Rule 13: a web patient turned away is counted; phone refusals are the incoming call's outcome.
        if (request.channel === 'web') await recordWebRefusal(rules, request, error);
        throw error;
      }
    },

    show: verified,

    async cancel(callbackId, token) {
      const callback = await verified(callbackId, token);
      if (callback.status === 'cancelled') return callback;
      if (!isCancellable(callback)) throw new NotCancellable(callback.status);
      // Null: a simultaneous request got there first; report the state it left.
      return (await cancelAndFree(callbackId, 'web')) ?? (await verified(callbackId, token));
    },

    cancelByCaller: (callbackId, caller) =>
      cancelAndFree(callbackId, 'phone', (c) => c.clinicId === caller.clinicId && c.phoneE164 === caller.phoneE164),

    async reschedule(callbackId, token, slotStart) {
      const callback = await verified(callbackId, token);
      if (!isCancellable(callback)) throw new NotCancellable(callback.status);
      const rules = await clinicRules(callback.clinicId);
      const now = clock.now();
      const range = planningRange(rules, now);
      const plan = planBooking(rules, now, await countsForDates(rules, range.fromDate, range.toDate), slotStart);
      const slot = plan.candidates[0]!;
      if (slot.start.toMillis() === callback.slot.start.toMillis()) return callback;
      const { moved, smsId } = await db.transaction(async (tx) => {
        const current = await lockCallback(tx, callbackId);
        if (!current || !isCancellable(current)) throw new NotCancellable(current?.status ?? 'unknown');
        if (!(await reserveSlotPlace(tx, rules.id, slot))) throw new SlotFull(showInstant(rules, slot.start));
        await releaseSlotPlace(tx, rules.id, current.slot.start);
        const laterDay = choseLaterDay(rules, current.requestedAt, slot.start, current.sameDaySlotFree);
        const moved = await moveCallbackSlot(tx, callbackId, slot, dueAtForSlot(slot.start, dueLeadMinutes), current.patientChoseLaterDay || laterDay);
        // The SMS with the new time commits with the change: the patient's last SMS never says the old time.
        return { moved, smsId: await insertTimeChangedSms(tx, callbackId) };
      });
      placesChanged(rules.id);
      await Promise.all([
        afterCommit('move the due job', async () => {
          await jobs.unscheduleDue(moved.id, moved.attemptCount);
          await jobs.scheduleDue(moved.id, moved.attemptCount, moved.dueAt);
        }),
        afterCommit('enqueue the SMS with the new time', () => jobs.enqueueSms(smsId)),
      ]);
      return moved;
    },
  };
}

/**
 * A slot as the service shows it, over the cached slot model: its texts are the day's (written once), its
 * DateTimes are made only when read (LazySlot). A class, so a listing of hundreds allocates one small object per slot.
 */
class ShownSlot extends LazySlot implements SlotView {
  constructor(
    slot: SlotMs,
    readonly available: number,
    private readonly shown: ShownTimes,
    private readonly index: number,
  ) {
    super(slot);
  }
  get startMs(): number {
    return this.slot.start;
  }
  get endMs(): number {
    return this.slot.end;
  }
  get startText(): string {
    return this.shown.starts[this.index]!;
  }
  get endText(): string {
    return this.shown.ends[this.index]!;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function hashRequest(r: BookingRequest): string {
  const canonical = JSON.stringify([
    r.phoneE164,
    r.personalIdentityNumber,
    r.patientName,
    r.reason,
    r.channel,
    r.slotStart ? r.slotStart.toMillis() : null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
