// Starts the real Express app on a random port with an injected clock, for tests that speak HTTP.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { Writable } from 'node:stream';
import { manualClock, type ManualClock } from '../../src/clock.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { clinicRules, type ClinicRulesInput } from '../../src/domain/clinic.js';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClinicChanges, ClinicRulesChanges } from '../../src/db/clinicChanges.js';
import { composeHttp, createServices } from '../../src/compose.js';
import type { Services } from '../../src/services/index.js';
import type { HttpSettings, RateLimitSettings } from '../../src/config/http.js';
import type { StaffRole } from '../../src/db/staff.js';
import { createLogger } from '../../src/logger.js';
import { createBullJobScheduler, type JobScheduler } from '../../src/queue/jobScheduler.js';
import { createRedisConnection, waitUntilReady } from '../../src/queue/redis.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import type { OidcConfig } from '../../src/config/oidc.js';
import { signTelephonyBody } from '../../src/services/telephony.js';
import { afterAll, beforeAll } from 'vitest';
import { createElksClient, createElksTelephony } from '../../src/telephony/elks.js';
import { createHttpsTransfer } from '../../src/transfer/httpsTransfer.js';
import { FAKE_ELKS_PASSWORD, FAKE_ELKS_USERNAME } from './fakeElks.js';
import { openTestDatabase, uniqueClinicId, type Backend } from './database.js';
import { deleteKeysUnder } from './redis.js';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_TOKEN_SECRET = 'test-secret-test-secret-test-secret!';
export const TEST_TELEPHONY_SECRET = 'telephony-test-secret-telephony-test-secret';

export interface TestServer {
  baseUrl: string;
  /** The app's services (src/compose.ts), for tests that need what the app holds (its endpoint definitions' deps). */
  services: Services;
  clock: ManualClock;
  db: Database;
  /** A BullMQ prefix of this server's own, so tests never see each other's jobs. */
  queuePrefix: string;
  jobs: JobScheduler;
  redis: Redis;
  /** Creates a staff member; returns the Authorization header value. */
  /** A staff member's Authorization header; clinics 'all': region-wide (every clinic, those created later too). */
  addStaff(role: StaffRole, clinicIds: string[] | 'all', options?: { days?: number }): Promise<string>;
  /** Every log line the app wrote, for tests that check what is (not) logged. */
  logLines: string[];
  close(): Promise<void>;
  /** Creates a fresh clinic with the defaults plus `overrides`; returns its id. */
  addClinic(overrides?: Partial<ClinicRulesInput>): Promise<string>;
  request(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
}

/** What a test may change of the app's settings; everything else is fixed test configuration. */
export interface TestServerOptions {
  /** Default 1000: most tests book many callbacks from one test phone number. Rule 11 has tests of its own. */
  maxOpenCallbacksPerPhone?: number;
  /** Accept staff JWTs from this (test) OpenID Connect issuer too. */
  oidc?: OidcConfig;
  /** Default none: tests book far faster than any patient. The rate-limit tests set their own. */
  rateLimits?: RateLimitSettings;
  http?: Partial<HttpSettings>;
  /** Place agent-first calls through 46elks at this URL (a test/support/fakeElks.ts server); default: no provider. */
  elksApiUrl?: string;
  /**
   * The 46elks client's request timeout; default 30 s, so a held answer (fake.holdNext) waits for the test however
   * busy the machine is. A test of a late answer sets a short one.
   */
  elksTimeoutMs?: number;
  /** Where the app's rules cache hears of changes; default the database's LISTEN. */
  clinicRulesChanges?: ClinicRulesChanges;
  /** Where the app's slot listings cache hears of places taken or freed; default the database's LISTEN. */
  slotPlacesChanges?: ClinicChanges;
  /**
   * How long a 46elks voice webhook may take before the apology; default 30 s, so that a busy test machine never
   * turns a phone booking into "Ett ögonblick". The tests of the deadline itself set the real one.
   */
  voiceDeadlineMs?: number;
  /** TELEPHONY_WEBHOOK_SECRET; default TEST_TELEPHONY_SECRET. Rotation tests set their own, with the previous one. */
  telephonySecret?: string;
  telephonyPreviousSecret?: string | null;
  /** NATIONAL_TRANSFER_URL and _TOKEN: deliver the national file there (a local receiver); default: nowhere. */
  nationalTransfer?: { url: string; token: string };
}

export async function startTestServer(db: Database, now: string, options: TestServerOptions = {}): Promise<TestServer> {
  const clock = manualClock(now);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('info', sink);
  const queuePrefix = `test-${randomBytes(5).toString('hex')}`;
  const redis = createRedisConnection(TEST_REDIS_URL, 'api');
  await waitUntilReady(redis);
  const jobs = createBullJobScheduler({ connection: redis, prefix: queuePrefix, clock });
  // Listening first: the app hands its own address to the telephony provider in webhook URLs.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const services = createServices({
    db,
    clock,
    logger,
    jobs,
    callbackTokenSecret: TEST_TOKEN_SECRET,
    dueLeadMinutes: 0,
    claimTimeoutMinutes: 10,
    webhookSecrets: { current: options.telephonySecret ?? TEST_TELEPHONY_SECRET, previous: options.telephonyPreviousSecret ?? null },
    publicBaseUrl: baseUrl,
    guaranteeStart: 'contact',
    maxOpenCallbacksPerPhone: options.maxOpenCallbacksPerPhone ?? 1000,
    oidc: options.oidc ?? null,
    clinicRulesChanges: options.clinicRulesChanges,
    slotPlacesChanges: options.slotPlacesChanges,
    telephonyProvider: options.elksApiUrl
      ? createElksTelephony(createElksClient({ apiUrl: options.elksApiUrl, username: FAKE_ELKS_USERNAME, password: FAKE_ELKS_PASSWORD, timeoutMs: options.elksTimeoutMs ?? 30_000 }))
      : null,
    nationalTransfer: options.nationalTransfer ? createHttpsTransfer(options.nationalTransfer) : null,
  });
  const app = composeHttp(services, {
    redis,
    redisPrefix: queuePrefix,
    rateLimits: options.rateLimits ?? null,
    http: options.http,
    voiceDeadlineMs: options.voiceDeadlineMs ?? 30_000,
    rateLimitSecret: TEST_TOKEN_SECRET,
  });
  server.on('request', app);

  return {
    baseUrl,
    clock,
    db,
    services,
    queuePrefix,
    jobs,
    redis,
    logLines,
    async addStaff(role, clinicIds, staffOptions = {}) {
      // Without days the token does not expire: most tests move the clock freely.
      const validity = staffOptions.days === undefined ? undefined : { from: clock.now(), days: staffOptions.days };
      const clinics = clinicIds === 'all' ? { clinicIds: [], allClinics: true } : { clinicIds };
      const { token } = await createStaffMember(db, { name: `Test ${role}`, role, ...clinics, ...(validity ? { validity } : {}) });
      return `Bearer ${token}`;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close();
      // Leave nothing behind in the shared Redis.
      await deleteKeysUnder(redis, queuePrefix);
      redis.disconnect();
    },
    async addClinic(overrides = {}) {
      const id = overrides.id ?? uniqueClinicId();
      // Rule 11 off unless a test turns it on: most tests book many callbacks from one test phone number.
      const rules = clinicRules({ name: `Test clinic ${id}`, oneOpenCallbackPerCaller: false, ...overrides, id });
      await insertClinic(db, rules);
      return id;
    },
    async request(method, path, options = {}) {
      const response = await fetch(baseUrl + path, {
        method,
        headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
        body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (the docs page); keep the text
      }
      return { status: response.status, body, headers: response.headers };
    },
  };
}

/** Starts a server on a fresh test database before the file's tests and stops it after; call inside describe or at top level. */
export function useTestServer(now: string, backend?: Backend, options?: TestServerOptions): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(await openTestDatabase(backend), now, options);
  });
  afterAll(async () => {
    await server?.close();
    await server?.db.close();
  });
  return () => server!;
}

/**
 * Posts a telephony event to the server, signed correctly over the exact bytes sent. The telephone system
 * sends an event when it happens, so a clock still behind the event's time is first moved up to it
 * (never back); `{ asOfNow: true }` sends it at the clock's time as it stands, to test times in the future.
 */
export function sendTelephonyEvent(server: TestServer, event: Record<string, unknown>, options: { asOfNow?: boolean } = {}) {
  if (!options.asOfNow && typeof event.at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(event.at)) {
    const at = DateTime.fromISO(event.at, { setZone: true });
    if (at.isValid && at > server.clock.now()) server.clock.set(at);
  }
  const raw = JSON.stringify(event);
  return server.request('POST', '/api/telephony/events', {
    body: raw,
    headers: { 'X-Telephony-Signature': signTelephonyBody(TEST_TELEPHONY_SECRET, raw) },
  });
}
