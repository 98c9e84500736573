// The booking service's offer: what the patient page shows before booking is exactly what booking would give.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { clinicRules, type ClinicRulesInput } from '../../src/domain/clinic.js';
import { showInstant } from '../../src/domain/schedule.js';
import { BookingClosed, NoFreeSlot } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { createCallbackBookingService, type CallbackBookingService } from '../../src/services/callbackBooking.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { openTestDatabase, uniqueClinicId } from '../support/database.js';
import { webBooking } from '../support/webBooking.js';
import { recordingScheduler } from '../workers/support.js';

// Tuesday after Easter 2027, summer time (+02:00).
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const ZONE = { timezone: 'Europe/Stockholm' };

let db: Database;
let booking: CallbackBookingService;
const clock = manualClock(TUESDAY_0800);

beforeAll(async () => {
  db = await openTestDatabase();
  booking = createCallbackBookingService({
    db,
    clock,
    tokens: createCallbackTokens('offer-test-secret-offer-test-secret'),
    jobs: recordingScheduler(),
    logger: createLogger('silent'),
    maxOpenPerPhone: 1000,
  });
});
afterAll(async () => {
  await db?.close();
});
beforeEach(() => clock.set(TUESDAY_0800));

async function addClinic(overrides: Partial<ClinicRulesInput> = {}): Promise<string> {
  const id = uniqueClinicId('vc-offer');
  await insertClinic(db, clinicRules({ name: 'Vårdcentralen Offer', oneOpenCallbackPerCaller: false, ...overrides, id }));
  return id;
}

const book = (clinicId: string, slotStart: string | null = null) => booking.book(clinicId, webBooking('+46701234567', slotStart), null);

const shown = (dt: DateTime) => showInstant(ZONE, dt);

describe('offer', () => {
  it('offers the earliest free slot today (minimum notice counted) and the free slots by local date', async () => {
    // One place per slot, 08:00–10:00 on weekdays: 08:00 is too soon (5 minutes' notice), 08:15 is the first.
    const clinicId = await addClinic({ capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '10:00', capacity: 1 }], bookingHorizonDays: 3 });
    await book(clinicId, '2027-03-30T08:30:00+02:00');
    const offer = await booking.offer(clinicId);
    expect(shown(offer.earliest.start)).toBe('2027-03-30T08:15:00+02:00');
    expect(offer.todayFull).toBe(false);
    expect(offer.days.map((d) => d.date)).toEqual(['2027-03-30', '2027-03-31', '2027-04-01']);
    // The booked 08:30 is not offered; each offered slot has its free place.
    expect(offer.days[0]!.slots.map((s) => shown(s.start).slice(11, 16))).toEqual(['08:15', '08:45', '09:00', '09:15', '09:30', '09:45']);
    expect(offer.days[0]!.slots.every((s) => s.available === 1)).toBe(true);
    expect(offer.days[1]!.slots).toHaveLength(8);
    // What booking without a chosen time then gives is the offered earliest.
    const booked = await book(clinicId);
    expect(shown(booked.callback.slot.start)).toBe('2027-03-30T08:15:00+02:00');
  });

  it('says the day is full and offers the next working day when today has no free place left', async () => {
    const clinicId = await addClinic({ capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '16:00', to: '16:30', capacity: 1 }] });
    await book(clinicId, '2027-03-30T16:00:00+02:00');
    await book(clinicId, '2027-03-30T16:15:00+02:00');
    const offer = await booking.offer(clinicId);
    expect(offer.todayFull).toBe(true);
    expect(shown(offer.earliest.start)).toBe('2027-03-31T16:00:00+02:00');
    expect(offer.days[0]!.date).toBe('2027-03-31');
  });

  it('refuses with the next opening when booking is closed (Saturday: opens Monday 06:00)', async () => {
    clock.set('2027-04-03T10:00:00+02:00');
    const clinicId = await addClinic();
    const error = await booking.offer(clinicId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BookingClosed);
    expect((error as BookingClosed).opensAt).toBe('2027-04-05T06:00:00+02:00');
  });

  it('refuses with NoFreeSlot when every slot up to the horizon is taken', async () => {
    const clinicId = await addClinic({ capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '16:00', to: '16:15', capacity: 1 }], bookingHorizonDays: 1 });
    await book(clinicId);
    await expect(booking.offer(clinicId)).rejects.toBeInstanceOf(NoFreeSlot);
  });
});
