// The HTTP side's settings (security headers, CORS, docs, metrics, proxies) and the public rate limits.
import { isIP } from 'node:net';

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** What Express's "trust proxy" accepts: a hop count, or named ranges, addresses and CIDRs. */
export function isTrustProxyValue(value: string): boolean {
  if (/^\d{1,2}$/.test(value)) return true;
  return value.split(',').every((part) => {
    const item = part.trim();
    if (PROXY_KEYWORDS.has(item)) return true;
    const [address, bits, ...rest] = item.split('/');
    if (rest.length || !address || isIP(address) === 0) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
  });
}

/** How the HTTP side is set up (security headers, CORS, docs, metrics, proxies). */
export interface HttpSettings {
  /** Origins allowed to call the API from a browser; empty: CORS closed (same origin only). */
  corsOrigins: string[];
  /** Serve the OpenAPI document and /api/docs. */
  apiDocs: boolean;
  /** Bearer token Prometheus sends to /metrics; null: /metrics is not served. */
  metricsToken: string | null;
  /** The service is reached over HTTPS: send Strict-Transport-Security and upgrade insecure requests. */
  behindTls: boolean;
  /** Express's "trust proxy": whose X-Forwarded-For gives the client address that rate limits count. */
  trustProxy: string | number;
}

export const DEFAULT_HTTP_SETTINGS: HttpSettings = {
  corsOrigins: [],
  apiDocs: true,
  metricsToken: null,
  behindTls: false,
  trustProxy: 'loopback',
};

/** The public endpoints' rate limits, counted in Redis across processes. */
export interface RateLimitSettings {
  /** Requests per minute from one client address to the public read endpoints (clinics, slots, a booking). */
  publicReadsPerMinute: number;
  /** Booking attempts (and changes, cancellations) per hour from one client address. Generous: patients
   * behind one hospital or mobile-network address share it. */
  bookingsPerAddressPerHour: number;
  /** Booking attempts per hour for one phone number, whatever the address. */
  bookingsPerPhonePerHour: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  publicReadsPerMinute: 300,
  bookingsPerAddressPerHour: 120,
  bookingsPerPhonePerHour: 10,
};
