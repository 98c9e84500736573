// Rate limits on what strangers can send: per client address on every public endpoint, and per phone number on
// booking. Counted in Redis so they hold across API processes; while Redis is away each process counts in memory
// (the insurance limiter), so a Redis outage neither blocks patients nor lifts the limits.
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimited } from '../errors.js';
import type { RateLimitSettings } from '../config/http.js';

export interface RateLimits {
  /** Middleware for the public read endpoints, keyed by client address. */
  publicReads: RequestHandler;
  /** Middleware for booking, changing and cancelling, keyed by client address. */
  bookings: RequestHandler;
  /** Counts one booking attempt for a phone number; throws RateLimited when it is over its limit. */
  consumePhone(phoneE164: string): Promise<void>;
}

function limiter(redis: Redis, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    // Fail fast to the in-memory count when Redis is not connected, instead of waiting on it.
    rejectIfRedisNotReady: true,
    // A client over its limit is refused from memory until its window ends: no round trip to say no again.
    inMemoryBlockOnConsumed: points,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:mem`, points, duration }),
  });
}

async function consume(l: RateLimiterAbstract, key: string, points = 1): Promise<RateLimiterRes> {
  try {
    return await l.consume(key, points);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new RateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    throw rejection;
  }
}

/**
 * The client an address stands for: an IPv4 address, or an IPv6 /64 (one subscriber's network; counting single
 * IPv6 addresses would let anyone with a /64 rotate past every limit).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Clients whose pre-paid reads a process remembers; past it they start paying again (stricter, never looser). */
const MAX_PREPAID_CLIENTS = 50_000;

/**
 * Reads are paid for in Redis a few points at a time: one round trip per that many reads from an address instead
 * of one per read, which cost more than answering a cached slot listing (issue 11, docs/performance.md). Pre-paid,
 * so a client never gets past its limit; it may be refused that many reads early, less than a thirtieth of the limit.
 */
export function readPointsPerTrip(readsPerMinute: number): number {
  return Math.min(10, Math.max(1, Math.floor(readsPerMinute / 30)));
}

interface Prepaid {
  left: number;
  /** The end of the window the points were counted in: they are not carried into the next. */
  expiresAt: number;
}

function prepaidByAddress(l: RateLimiterAbstract, pointsPerTrip: number): RequestHandler {
  const prepaid = new Map<string, Prepaid>();
  const buying = new Map<string, Promise<Prepaid>>();
  // One purchase at a time per client: reads arriving meanwhile wait for it and share what it bought (or its refusal).
  const buy = (key: string): Promise<Prepaid> => {
    const purchase = consume(l, key, pointsPerTrip)
      .then((res) => {
        const paid = { left: pointsPerTrip, expiresAt: Date.now() + res.msBeforeNext };
        if (prepaid.size >= MAX_PREPAID_CLIENTS) prepaid.clear();
        prepaid.set(key, paid);
        return paid;
      })
      .finally(() => buying.delete(key));
    buying.set(key, purchase);
    return purchase;
  };
  return async (req, _res, next) => {
    const key = clientKey(req.ip);
    for (;;) {
      let paid = prepaid.get(key);
      // A fresh purchase is used at once, whatever the clock says; a held one only within its window.
      if (!paid || paid.left === 0 || Date.now() >= paid.expiresAt) paid = await (buying.get(key) ?? buy(key));
      if (paid.left > 0) {
        if (--paid.left === 0 && prepaid.get(key) === paid) prepaid.delete(key);
        next();
        return;
      }
      // Others waiting on the same purchase took all it bought: buy again.
    }
  };
}

export function createRateLimits(
  redis: Redis,
  prefix: string,
  settings: RateLimitSettings,
  /** Keys phone numbers in Redis with an HMAC: a plain hash of the few hundred million Swedish numbers is reversed in seconds. */
  keySecret: string,
): RateLimits {
  const phoneKey = (phoneE164: string) => createHmac('sha256', keySecret).update(`rate-limit:${phoneE164}`).digest('base64url').slice(0, 22);
  const reads = limiter(redis, `${prefix}:rl:reads`, settings.publicReadsPerMinute, 60);
  const bookingsByAddress = limiter(redis, `${prefix}:rl:book-ip`, settings.bookingsPerAddressPerHour, 3600);
  const bookingsByPhone = limiter(redis, `${prefix}:rl:book-phone`, settings.bookingsPerPhonePerHour, 3600);
  const byAddress =
    (l: RateLimiterAbstract): RequestHandler =>
    async (req, _res, next) => {
      await consume(l, clientKey(req.ip));
      next();
    };
  return {
    publicReads: prepaidByAddress(reads, readPointsPerTrip(settings.publicReadsPerMinute)),
    bookings: byAddress(bookingsByAddress),
    consumePhone: async (phoneE164) => {
      await consume(bookingsByPhone, phoneKey(phoneE164));
    },
  };
}

/** No limits at all: for tests that are about something else. */
export const NO_RATE_LIMITS: RateLimits = {
  publicReads: (_req, _res, next) => next(),
  bookings: (_req, _res, next) => next(),
  consumePhone: async () => undefined,
};
