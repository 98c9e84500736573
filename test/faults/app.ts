// The real API for the fault tests, on the private Redis they stop and start, with a manual clock and one
// log shared with the database's outage monitor, so a test reads exactly what an operator would.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { manualClock, type ManualClock } from '../../src/clock.js';
import { composeApi } from '../../src/compose.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { clinicRules, type ClinicRulesInput } from '../../src/domain/clinic.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createBullJobScheduler, type JobScheduler } from '../../src/queue/jobScheduler.js';
import { createRedisConnection, waitUntilReady } from '../../src/queue/redis.js';
import { createOutageMonitor } from '../../src/ops/outage.js';
import { uniqueClinicId } from '../support/database.js';

/** An app log: the logger to hand to whatever the app is made of, and every line it wrote. */
export function captureLog(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

export interface FaultApp {
  baseUrl: string;
  clock: ManualClock;
  queuePrefix: string;
  jobs: JobScheduler;
  redis: Redis;
  addClinic(overrides?: Partial<ClinicRulesInput>): Promise<string>;
  close(): Promise<void>;
}

export async function startFaultApp(deps: { db: Database; redisUrl: string; now: string; logger: Logger }): Promise<FaultApp> {
  const clock = manualClock(deps.now);
  const queuePrefix = `fault-${randomBytes(4).toString('hex')}`;
  // As in src/main.ts: the API's connection fails fast (no offline queue) and logs an outage once.
  const redis = createRedisConnection(deps.redisUrl, 'api', createOutageMonitor(deps.logger, 'redis'));
  await waitUntilReady(redis);
  const jobs = createBullJobScheduler({ connection: redis, prefix: queuePrefix, clock });
  const app = composeApi({
    db: deps.db,
    clock,
    logger: deps.logger,
    jobs,
    callbackTokenSecret: 'fault-test-secret-fault-test-secret!!',
    dueLeadMinutes: 0,
    claimTimeoutMinutes: 10,
    webhookSecrets: null,
    publicBaseUrl: 'http://127.0.0.1',
    guaranteeStart: 'contact',
    maxOpenCallbacksPerPhone: 1000,
    redis,
    redisPrefix: queuePrefix,
    rateLimits: null,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clock,
    queuePrefix,
    jobs,
    redis,
    async addClinic(overrides = {}) {
      const id = uniqueClinicId('vc-fault');
      await insertClinic(deps.db, clinicRules({ name: `Fault clinic ${id}`, oneOpenCallbackPerCaller: false, ...overrides, id }));
      return id;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  ms: number;
}

/** One HTTP request that must be answered within `timeoutMs`; a hang is reported as status 0. */
export async function call(baseUrl: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON; keep the text
    }
    return { status: res.status, headers: res.headers, body, ms: Date.now() - started };
  } catch (error) {
    return { status: 0, headers: new Headers(), body: String(error), ms: Date.now() - started };
  }
}
