// Outages are logged as one JSON line when they start and one when they end, never a line (or a raw
// multi-line stack trace) per failed request or reconnect attempt.
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createOutageMonitor, isDatabaseUnreachable } from '../../src/ops/outage.js';
import { createRedisConnection } from '../../src/queue/redis.js';
import { waitFor } from '../workers/support.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(...String(c).split('\n').filter(Boolean)), done()) }));
  return { lines, logger };
}

describe('the outage monitor', () => {
  it('logs the start once however many requests fail, and the end once with how long and how many', () => {
    const { lines, logger } = capture();
    let now = 1_000;
    const monitor = createOutageMonitor(logger, 'database', () => now);
    monitor.succeeded();
    for (let i = 0; i < 50; i += 1) monitor.failed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(monitor.down).toBe(true);
    now = 31_000;
    monitor.succeeded();
    monitor.succeeded();
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['database unreachable', 'database reachable again']);
    expect(JSON.parse(lines[1]!)).toMatchObject({ dependency: 'database', downForMs: 30_000, failedRequests: 50 });
    // The error's message (it can echo connection details) is not logged, only its class and code.
    expect(lines[0]).not.toContain('127.0.0.1');
  });

  it('keeps one outage one pair of lines while a stopping server still answers now and then', () => {
    const { lines, logger } = capture();
    let now = 0;
    const monitor = createOutageMonitor(logger, 'database', () => now);
    for (const step of ['fail', 'ok', 'fail', 'ok', 'fail']) {
      now += 100;
      if (step === 'fail') monitor.failed(new Error('Connection terminated unexpectedly'));
      else monitor.succeeded();
    }
    now += 5_000;
    monitor.succeeded();
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['database unreachable', 'database reachable again']);
  });

  it('tells an unreachable database from a bad statement', () => {
    expect(isDatabaseUnreachable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnreachable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnreachable(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe(false);
  });
});

describe('a Redis connection that cannot connect', () => {
  it('writes one JSON line for the outage, not a stack trace per reconnect attempt', async () => {
    // A port that refuses connections: bind one, then close it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const { lines, logger } = capture();
    const printed: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    const redis = createRedisConnection(`redis://127.0.0.1:${port}`, 'worker', createOutageMonitor(logger, 'redis'));
    let errors = 0;
    redis.on('error', () => (errors += 1));
    try {
      await waitFor('three failed reconnect attempts', () => errors >= 3, 60_000, 50);
    } finally {
      redis.disconnect();
      console.error = originalError;
    }
    expect(printed).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, dependency: 'redis', err: { code: 'ECONNREFUSED' }, msg: 'redis unreachable' });
  });
});
