// The one error mapping: application errors keep their code; anything unexpected is a 500 whose log
// line holds no message (database messages can echo patient data).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailable, RateLimited, SlotFull } from '../../src/errors.js';
import { errorHandler } from '../../src/http/errorHandler.js';
import { createLogger } from '../../src/logger.js';

function run(error: unknown) {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  const res = {
    statusCode: 0,
    body: undefined as unknown,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
      return this;
    },
  };
  errorHandler(logger)(error, {} as never, res as never, () => undefined);
  return { res, log: lines.join('') };
}

describe('errorHandler', () => {
  it('maps an application error to its status and code', () => {
    const { res } = run(new SlotFull('2027-03-30T10:00:00+02:00'));
    expect(res.statusCode).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'slot_full', details: { slotStart: '2027-03-30T10:00:00+02:00' } } });
  });

  it('answers 500 for anything else and logs the error without its message', () => {
    const leaky = Object.assign(new Error('duplicate key value (phone_e164)=(+46701234567)'), { code: '23505' });
    const { res, log } = run(leaky);
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' } });
    expect(log).toContain('unhandled error');
    expect(log).toContain('23505');
    expect(log).not.toContain('46701234567');
  });
});

describe('errorHandler under a flood of failing requests', () => {
  it('logs the same unexpected error at most once per 10 s, then once more with the count it held back', () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    let now = 0;
    const handle = errorHandler(logger, () => now);
    const res = { status: () => res, json: () => res, setHeader: () => res, locals: {} };
    const sameBug = () => {
      const e = Object.assign(new Error('boom'), { code: 'XX000' });
      e.stack = 'Error: boom\n    at lookUp (src/db/x.ts:1:1)\n    at main';
      return e;
    };
    for (let i = 0; i < 50; i += 1) handle(sameBug(), {} as never, res as never, () => undefined);
    expect(lines).toHaveLength(1);
    const other = Object.assign(new Error('other'), { code: 'XX000', stack: 'Error: other\n    at elsewhere (src/y.ts:2:2)' });
    handle(other, {} as never, res as never, () => undefined);
    expect(lines).toHaveLength(2);
    now = 10_000;
    handle(sameBug(), {} as never, res as never, () => undefined);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!)).toMatchObject({ msg: 'unhandled error', suppressedSinceLast: 49 });
  });

  it('sends Retry-After with a 503 and a 429', () => {
    const headers: Record<string, string> = {};
    const res = { status: () => res, json: () => res, setHeader: (k: string, v: string) => ((headers[k] = v), res), locals: {} };
    errorHandler(createLogger('silent'))(new DatabaseUnavailable(), {} as never, res as never, () => undefined);
    expect(headers['Retry-After']).toBe('5');
    errorHandler(createLogger('silent'))(new RateLimited(42), {} as never, res as never, () => undefined);
    expect(headers['Retry-After']).toBe('42');
  });
});
