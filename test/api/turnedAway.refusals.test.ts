// Rule 13: a web booking refused for a reason that turns the patient away is counted (web_booking_refusals),
// with the clinic's local date; bad input, rate limits, a chosen time taken and phone-channel requests are not.
import { describe, expect, it } from 'vitest';
import { useTestServer, type TestServer } from '../support/server.js';

// Tuesday 30 March 2027 (+02:00).
const TUESDAY = '2027-03-30';
const at = (time: string, date = TUESDAY) => `${date}T${time}:00+02:00`;
const WEEKDAYS = [1, 2, 3, 4, 5] as const;

const server = useTestServer(at('08:00'));

async function refusals(s: TestServer, clinicId: string) {
  const { rows } = await s.db.query<{ reason: string; date: string; at: Date }>(
    'SELECT reason, local_date::text AS date, refused_at AS at FROM web_booking_refusals WHERE clinic_id = $1 ORDER BY refused_at',
    [clinicId],
  );
  return rows.map((r) => ({ reason: r.reason, date: r.date, at: new Date(r.at).toISOString() }));
}

const book = (s: TestServer, clinicId: string, body: Record<string, unknown> = {}) =>
  s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', ...body } });

describe('refused web bookings are counted by reason', () => {
  it('counts booking closed at 05:59 on a weekday and nothing at 06:00, when booking opens', async () => {
    const s = server();
    const clinic = await s.addClinic();
    s.clock.set(at('05:59'));
    expect((await book(s, clinic)).body.error.code).toBe('booking_closed');
    s.clock.set(at('06:00'));
    expect((await book(s, clinic)).status).toBe(201);
    expect(await refusals(s, clinic)).toEqual([{ reason: 'booking_closed', date: TUESDAY, at: '2027-03-30T03:59:00.000Z' }]);
  });

  it('counts julafton as closed, on its own local date', async () => {
    const s = server();
    const clinic = await s.addClinic();
    s.clock.set('2027-12-24T10:00:00+01:00'); // Friday, julafton
    expect((await book(s, clinic)).body.error.code).toBe('booking_closed');
    expect(await refusals(s, clinic)).toEqual([{ reason: 'booking_closed', date: '2027-12-24', at: '2027-12-24T09:00:00.000Z' }]);
  });

  it('counts a second booking by the same caller as a duplicate when rule 11 is on', async () => {
    const s = server();
    const clinic = await s.addClinic({ oneOpenCallbackPerCaller: true });
    s.clock.set(at('09:00'));
    expect((await book(s, clinic)).status).toBe(201);
    const again = await book(s, clinic);
    expect(again.body.error.code).toBe('already_booked');
    expect((await book(s, clinic, { phone: '0709876543' })).status).toBe(201);
    expect((await refusals(s, clinic)).map((r) => r.reason)).toEqual(['duplicate']);
  });

  it('counts no time at all when no time was chosen, but not a chosen time that is full', async () => {
    const s = server();
    // Open for booking, but no nurse on the phones: every slot has capacity 0.
    const clinic = await s.addClinic({ capacityRules: [{ weekdays: [...WEEKDAYS], from: '06:00', to: '17:00', capacity: 0 }] });
    s.clock.set(at('09:00'));
    expect((await book(s, clinic)).body.error.code).toBe('no_free_slot');
    expect(await refusals(s, clinic)).toEqual([{ reason: 'no_free_time', date: TUESDAY, at: '2027-03-30T07:00:00.000Z' }]);

    // One place per slot: the second patient choosing 10:00 finds it taken and can choose another at once.
    const small = await s.addClinic({ capacityRules: [{ weekdays: [...WEEKDAYS], from: '06:00', to: '17:00', capacity: 1 }] });
    expect((await book(s, small, { slotStart: at('10:00') })).status).toBe(201);
    const taken = await book(s, small, { phone: '0709876543', slotStart: at('10:00') });
    expect(taken.body.error.code).toBe('slot_full');
    expect(await refusals(s, small)).toEqual([]);
  });

  it('counts nothing for bad input, an unknown clinic or a request made through the phone channel', async () => {
    const s = server();
    const clinic = await s.addClinic();
    s.clock.set(at('05:30'));
    expect((await book(s, clinic, { phone: 'not a phone' })).status).toBe(400);
    expect((await book(s, clinic, { slotStart: 'tomorrow' })).status).toBe(400);
    expect((await book(s, 'vc-does-not-exist')).status).toBe(404);
    // An external IVR booking through the API: its refusals are the incoming call's outcome, not a web refusal.
    expect((await book(s, clinic, { channel: 'ivr' })).body.error.code).toBe('booking_closed');
    expect(await refusals(s, clinic)).toEqual([]);
  });
});

describe('when the count cannot be written', () => {
  it('still gives the patient the refusal, and logs the failure without the phone number', async () => {
    const s = server();
    const clinic = await s.addClinic();
    s.clock.set(at('05:45'));
    // Every new row is refused, as a full disk or a lost connection would refuse it.
    await s.db.exec('ALTER TABLE web_booking_refusals ADD CONSTRAINT refuse_all CHECK (false) NOT VALID');
    try {
      const res = await book(s, clinic);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('booking_closed');
      const logged = s.logLines.filter((l) => l.includes('could not record a refused web booking'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).not.toMatch(/0701234567|46701234567/);
    } finally {
      await s.db.exec('ALTER TABLE web_booking_refusals DROP CONSTRAINT refuse_all');
    }
    expect(await refusals(s, clinic)).toEqual([]);
  });
});

describe('rate limits', () => {
  const limited = useTestServer(at('05:30'), undefined, {
    rateLimits: { publicReadsPerMinute: 300, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 1 },
  });

  it('counts the refusal the booking got, but not the requests the rate limit stopped first', async () => {
    const s = limited();
    const clinic = await s.addClinic();
    expect((await book(s, clinic)).body.error.code).toBe('booking_closed');
    const stopped = await book(s, clinic);
    expect(stopped.status).toBe(429);
    expect(await refusals(s, clinic)).toHaveLength(1);
  });
});
