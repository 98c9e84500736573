// Outages of PostgreSQL or Redis are logged as one line when they start and one when they end, not one line
// per failed request: during an outage every public request fails, and the log must stay readable.
import type { Logger } from '../logger.js';

export type Dependency = 'database' | 'redis';

export interface OutageMonitor {
  /** A request or command found the dependency unreachable. */
  failed(error: unknown): void;
  /** A request or command reached it. */
  succeeded(): void;
  readonly down: boolean;
}

/**
 * How long after the last failure a success must come to count as the end of the outage. A stopping PostgreSQL
 * still answers on some pooled connections while others fail; Redis's 'ready' means a fresh connection is up.
 */
const SETTLE_MS: Record<Dependency, number> = { database: 2000, redis: 0 };

/** What users notice while it lasts, for whoever reads the log line. */
const EFFECT: Record<Dependency, string> = {
  database: 'requests answer 503 with Retry-After until it is back',
  redis: 'bookings are still saved; queue work waits and reconciliation catches up when it is back',
};

export function createOutageMonitor(logger: Logger, dependency: Dependency, clock: () => number = Date.now): OutageMonitor {
  let downSince: number | null = null;
  let lastFailureAt = 0;
  let failures = 0;
  return {
    failed(error) {
      failures += 1;
      lastFailureAt = clock();
      if (downSince !== null) return;
      downSince = clock();
      const e = error as { name?: string; code?: string };
      logger.error({ dependency, effect: EFFECT[dependency], err: { type: e?.name, code: e?.code } }, `${dependency} unreachable`);
    },
    succeeded() {
      // A stopping server still answers on some connections while others fail: only a success that follows
      // a quiet spell ends the outage, so one outage stays one pair of lines.
      if (downSince === null || clock() - lastFailureAt < SETTLE_MS[dependency]) return;
      logger.warn({ dependency, downForMs: clock() - downSince, failedRequests: failures }, `${dependency} reachable again`);
      downSince = null;
      failures = 0;
    },
    get down() {
      return downSince !== null;
    },
  };
}

/** A monitor that only keeps the state, for callers without a logger (tests, CLIs). */
export const silentOutageMonitor = (dependency: Dependency): OutageMonitor =>
  createOutageMonitor({ error: () => undefined, warn: () => undefined } as unknown as Logger, dependency);

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'terminating connection',
  'Connection refused',
];

/** True when the error says PostgreSQL could not be reached, not that a statement was wrong. */
export function isDatabaseUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (CONNECTION_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return CONNECTION_MESSAGES.some((m) => message.includes(m));
}

/** True when a Redis client or BullMQ worker error says Redis could not be reached. */
export function isRedisUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return CONNECTION_ERROR_CODES.has(code) || message.includes('Connection is closed') || message.includes('connect E');
}
