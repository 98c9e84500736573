// Abuse of the public booking, as an outside check tried it (one address booked 716 callbacks in 12 s):
// rate limits per address and per phone number held in Redis, one open callback per caller and clinic
// (rule 11), and a cap across clinics, each under 200 simultaneous requests against real Redis and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { clientKey, createRateLimits, readPointsPerTrip, type RateLimits } from '../../src/http/rateLimits.js';
import { RateLimited } from '../../src/errors.js';
import { useTestServer, TEST_REDIS_URL } from '../support/server.js';
import { deleteKeysUnder, useRedisPair } from '../support/redis.js';

// 200 requests at once queue on one phone number's lock: room for a slow, busy machine.
vi.setConfig({ testTimeout: 120_000 });

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
// Room for every request: 40 places in each of the day's slots.
const ROOMY = { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 40 }] };
const phoneNo = (i: number) => `070${String(1_000_000 + i).slice(1).padStart(7, '0')}`;

type Res = { status: number; body: any; headers: Headers };
const statuses = (results: Res[]) =>
  results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [`${r.status} ${r.body?.error?.code ?? ''}`.trim()]: (acc[`${r.status} ${r.body?.error?.code ?? ''}`.trim()] ?? 0) + 1 }), {});

async function openCallbacks(server: ReturnType<ReturnType<typeof useTestServer>>, clinicId: string): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM callbacks WHERE clinic_id = $1 AND status IN ('booked', 'due', 'claimed')",
    [clinicId],
  );
  return rows[0]!.n;
}

describe('rate limit per client address', () => {
  const server = useTestServer(TUESDAY_0800, undefined, {
    rateLimits: { publicReadsPerMinute: 1000, bookingsPerAddressPerHour: 20, bookingsPerPhonePerHour: 1000 },
  });

  it('books exactly 20 of 200 simultaneous bookings from one address and answers the rest 429 with Retry-After', async () => {
    const s = server();
    const clinicId = await s.addClinic(ROOMY);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: phoneNo(i) } })),
    );
    expect(statuses(results)).toEqual({ '201': 20, '429 rate_limited': 180 });
    const refused = results.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
    expect(await openCallbacks(s, clinicId)).toBe(20);
    // Nothing half-done for the refused: exactly one SMS per booking.
    const sms = await s.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sms_messages m JOIN callbacks c ON c.id = m.callback_id WHERE c.clinic_id = $1',
      [clinicId],
    );
    expect(sms.rows[0]!.n).toBe(20);
  });
});

describe('rate limit per phone number, and one open callback per caller (rule 11)', () => {
  const server = useTestServer(TUESDAY_0800, undefined, {
    maxOpenCallbacksPerPhone: 3,
    rateLimits: { publicReadsPerMinute: 1000, bookingsPerAddressPerHour: 10_000, bookingsPerPhonePerHour: 5 },
  });

  it('gives one of 200 simultaneous bookings from one phone a place; the next 4 hear its time, the rest 429', async () => {
    const s = server();
    const clinicId = await s.addClinic({ ...ROOMY, oneOpenCallbackPerCaller: true });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-555 12 34' } })),
    );
    expect(statuses(results)).toEqual({ '201': 1, '409 already_booked': 4, '429 rate_limited': 195 });
    const booked = results.find((r) => r.status === 201)!.body;
    const told = results.find((r) => r.status === 409)!.body.error;
    expect(told.details.slot).toEqual(booked.slot);
    expect(told.message).toContain(booked.slot.start);
    expect(await openCallbacks(s, clinicId)).toBe(1);
  });
});

describe('the duplicate policy and the cap across clinics', () => {
  const server = useTestServer(TUESDAY_0800, undefined, { maxOpenCallbacksPerPhone: 3 });

  it('tells a caller with an open callback its time, lets them cancel it with its token, and then book again', async () => {
    const s = server();
    const clinicId = await s.addClinic({ ...ROOMY, oneOpenCallbackPerCaller: true });
    const first = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701230001' } });
    expect(first.status).toBe(201);
    const again = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '+46701230001', reason: 'igen' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_booked', details: { slot: first.body.slot } });
    // The booking itself can still be changed and cancelled with its token.
    const cancel = await s.request('DELETE', `/api/callbacks/${first.body.id}`, { headers: { 'X-Callback-Token': first.body.token } });
    expect(cancel.status).toBe(200);
    expect((await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701230001' } })).status).toBe(201);
  });

  it('lets the caller book again the next day when yesterday’s callback was never made', async () => {
    const s = server();
    const clinicId = await s.addClinic({ ...ROOMY, oneOpenCallbackPerCaller: true });
    expect((await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701230009' } })).status).toBe(201);
    s.clock.set('2027-03-31T08:00:00+02:00');
    try {
      expect((await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701230009' } })).status).toBe(201);
    } finally {
      s.clock.set(TUESDAY_0800);
    }
  });

  it('replays an Idempotency-Key instead of answering already_booked', async () => {
    const s = server();
    const clinicId = await s.addClinic({ ...ROOMY, oneOpenCallbackPerCaller: true });
    const send = () =>
      s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701230002' }, headers: { 'Idempotency-Key': 'same-key-1' } });
    const results = await Promise.all(Array.from({ length: 10 }, send));
    expect(statuses(results)).toEqual({ '201': 10 });
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it('lets a clinic with the policy off take a second booking from one caller, up to the cap of 3 open across clinics', async () => {
    const s = server();
    const lenient = await s.addClinic({ ...ROOMY, oneOpenCallbackPerCaller: false });
    const results = await Promise.all(
      Array.from({ length: 60 }, () => s.request('POST', `/api/clinics/${lenient}/callbacks`, { body: { phone: '0701230003' } })),
    );
    expect(statuses(results)).toEqual({ '201': 3, '409 too_many_bookings': 57 });
    expect(results.find((r) => r.status === 409)!.body.error.details).toEqual({ max: 3 });
    expect(await openCallbacks(s, lenient)).toBe(3);
    // The cap counts every clinic: a strict clinic refuses this caller too, though they have nothing there.
    const strict = await s.addClinic({ ...ROOMY, oneOpenCallbackPerCaller: true });
    const elsewhere = await s.request('POST', `/api/clinics/${strict}/callbacks`, { body: { phone: '0701230003' } });
    expect(elsewhere.body.error?.code).toBe('too_many_bookings');
  });
});

describe('the limits across API processes and through a Redis outage', () => {
  const { prefix, redisA, redisB } = useRedisPair(TEST_REDIS_URL, 'test-rl');
  const settings = { publicReadsPerMinute: 100, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 4 };
  const SECRET = 'rate-limit-test-secret-0123456789';

  it('shares one count between two processes’ limiters (two connections, one Redis)', async () => {
    const a = createRateLimits(redisA, prefix, settings, SECRET);
    const b = createRateLimits(redisB, prefix, settings, SECRET);
    const outcomes = await Promise.allSettled([a, b, a, b, a, b].map((l) => l.consumePhone('+46701230004')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(2);
    expect(rejected[0]!.reason).toBeInstanceOf(RateLimited);
  });

  it('keeps limiting in memory while Redis cannot be reached, instead of failing or letting everything through', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => undefined);
    const limits = createRateLimits(down, prefix, settings, SECRET);
    for (let i = 0; i < 4; i += 1) await limits.consumePhone('+46701230005');
    await expect(limits.consumePhone('+46701230005')).rejects.toBeInstanceOf(RateLimited);
    down.disconnect();
  });
});

describe('reads paid for in Redis a few at a time', () => {
  const { prefix, redisA, redisB } = useRedisPair(TEST_REDIS_URL, 'test-rl-reads');
  const SECRET = 'rate-limit-test-secret-0123456789';
  /** One read through the middleware: true when let through, false when refused with RateLimited. */
  const read = (limits: RateLimits, ip: string) =>
    new Promise<boolean>((resolve, reject) => {
      const next = (error?: unknown) => (error instanceof RateLimited ? resolve(false) : error ? reject(error) : resolve(true));
      Promise.resolve(limits.publicReads({ ip } as never, {} as never, next)).catch(next);
    });
  const counted = async (ip: string) => Number(await redisA.get(`${prefix}:rl:reads:${ip}`));

  it('pays up to a thirtieth of the limit per trip, at most 10 points, at least 1', () => {
    expect([1, 29, 59, 60, 90, 300, 1_000_000].map(readPointsPerTrip)).toEqual([1, 1, 1, 2, 3, 10, 10]);
  });

  it('goes to Redis once per 10 reads at 300 a minute', async () => {
    await redisA.ping();
    const limits = createRateLimits(redisA, prefix, { publicReadsPerMinute: 300, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 4 }, SECRET);
    expect(await read(limits, '192.0.2.20')).toBe(true);
    expect(await counted('192.0.2.20')).toBe(10);
    for (let i = 0; i < 9; i++) expect(await read(limits, '192.0.2.20')).toBe(true);
    expect(await counted('192.0.2.20')).toBe(10);
    expect(await read(limits, '192.0.2.20')).toBe(true);
    expect(await counted('192.0.2.20')).toBe(20);
  });

  it('makes one purchase for reads that arrive together, so a crowd behind one address is not refused early', async () => {
    await redisA.ping();
    const limits = createRateLimits(redisA, prefix, { publicReadsPerMinute: 300, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 4 }, SECRET);
    const results = await Promise.all(Array.from({ length: 30 }, () => read(limits, '192.0.2.22')));
    expect(results.every(Boolean)).toBe(true);
    // 30 reads, 3 trips of 10: not 30 trips (300 points, the whole minute's limit).
    expect(await counted('192.0.2.22')).toBe(30);
  });

  it('does not carry reads paid for in one window into the next', async () => {
    await redisA.ping();
    const limits = createRateLimits(redisA, prefix, { publicReadsPerMinute: 300, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 4 }, SECRET);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      expect(await read(limits, '192.0.2.23')).toBe(true);
      expect(await counted('192.0.2.23')).toBe(10);
      // A minute on (by this process's clock): the 9 reads left were the old window's; the next read pays again.
      vi.setSystemTime(Date.now() + 61_000);
      expect(await read(limits, '192.0.2.23')).toBe(true);
      expect(await counted('192.0.2.23')).toBe(20);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a client over its limit from memory, without counting in Redis again', async () => {
    await redisA.ping();
    const limits = createRateLimits(redisA, prefix, { publicReadsPerMinute: 20, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 4 }, SECRET);
    for (let i = 0; i < 20; i++) expect(await read(limits, '192.0.2.24')).toBe(true);
    expect(await read(limits, '192.0.2.24')).toBe(false);
    const after = await counted('192.0.2.24');
    for (let i = 0; i < 5; i++) expect(await read(limits, '192.0.2.24')).toBe(false);
    expect(await counted('192.0.2.24')).toBe(after);
  });

  it('never lets a client past its limit across two processes, and refuses it at most a trip early in each', async () => {
    await Promise.all([redisA.ping(), redisB.ping()]);
    const settings = { publicReadsPerMinute: 90, bookingsPerAddressPerHour: 100, bookingsPerPhonePerHour: 4 };
    const a = createRateLimits(redisA, prefix, settings, SECRET);
    const b = createRateLimits(redisB, prefix, settings, SECRET);
    let allowed = 0;
    for (let i = 0; i < 200; i++) if (await read(i % 3 === 0 ? a : b, '192.0.2.21')) allowed++;
    // 3 points a trip: each process may hold up to 2 paid-for reads it never got to serve.
    expect(allowed).toBeLessThanOrEqual(90);
    expect(allowed).toBeGreaterThanOrEqual(90 - 2 * 2);
    expect(await read(a, '192.0.2.21')).toBe(false);
    expect(await read(b, '192.0.2.21')).toBe(false);
  });
});

describe('who a client address stands for', () => {
  it('counts an IPv6 client by its /64 and an IPv4-mapped one by its IPv4 address', () => {
    expect(clientKey('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd:12::/64');
    expect(clientKey('2001:db8:abcd:12::99')).toBe(clientKey('2001:db8:abcd:0012:ffff::1'));
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey(undefined)).toBe('unknown');
  });

  it('keeps phone numbers out of Redis keys, in plain or plainly hashed form', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const prefix = `test-rl-${randomBytes(4).toString('hex')}`;
    try {
      await redis.ping(); // connected: the count goes to Redis, not the in-memory stand-in
      await createRateLimits(redis, prefix, { publicReadsPerMinute: 1, bookingsPerAddressPerHour: 1, bookingsPerPhonePerHour: 5 }, 'k'.repeat(32)).consumePhone('+46701230010');
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys).toHaveLength(1);
      const { createHash } = await import('node:crypto');
      expect(keys[0]).not.toContain('46701230010');
      expect(keys[0]).not.toContain(createHash('sha256').update('+46701230010').digest('base64url').slice(0, 22));
    } finally {
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    }
  });
});
