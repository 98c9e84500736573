import { describe, expect, it } from 'vitest';
import { decodeAttemptCursor, decodeCallbackCursor, encodeCursor } from '../../src/domain/drilldownCursor.js';
import { ValidationFailed } from '../../src/errors.js';

const ID = '0b9f3c1e-4a8d-4f5e-9c2b-7d6e5f4a3b21';

function refusal(decode: () => unknown): unknown {
  try {
    decode();
  } catch (error) {
    return error;
  }
  throw new Error('decoded a cursor this API never returned');
}

describe('drill-down cursors', () => {
  it('give back the date and key they were made from', () => {
    expect(decodeCallbackCursor(encodeCursor('2027-03-31', ID))).toEqual({ date: '2027-03-31', callbackId: ID });
    expect(decodeAttemptCursor(encodeCursor('2027-03-31', 'phone:46701234567'))).toEqual(['2027-03-31', 'phone:46701234567']);
  });

  it.each([
    ['not base64 JSON', 'x'],
    ['a callback cursor with a key that is not an id', encodeCursor('2027-03-31', 'phone:46701234567')],
    ['an impossible date', encodeCursor('2027-02-30', ID)],
    ['a date outside the years the API accepts', encodeCursor('0001-01-01', ID)],
  ])('refuse %s as bad input naming query.cursor', (_, cursor) => {
    const error = refusal(() => decodeCallbackCursor(cursor));
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).issues.map((i) => i.field)).toEqual(['query.cursor']);
  });

  it('refuse an attempt cursor whose key is not a phone or web key', () => {
    expect(refusal(() => decodeAttemptCursor(encodeCursor('2027-03-31', ID)))).toBeInstanceOf(ValidationFailed);
  });
});
