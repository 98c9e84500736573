// The one error mapping: application errors keep their code; anything unexpected is a 500 whose log
// line holds no message (database messages can echo patient data).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SlotFull } from '../../src/errors.js';
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
