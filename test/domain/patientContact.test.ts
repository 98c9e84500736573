// Patient identifiers: Swedish phone numbers to E.164, personnummer and samordningsnummer to 12 digits.
import { describe, it, expect } from 'vitest';
import { normalisePersonalIdentityNumber, normaliseSwedishPhone } from '../../src/domain/patientContact.js';

describe('normaliseSwedishPhone', () => {
  it.each([
    ['070-123 45 67', '+46701234567'],
    ['+46701234567', '+46701234567'],
    ['0046701234567', '+46701234567'],
    ['+46 70 123 45 67', '+46701234567'],
    ['08-123 456 78', '+46812345678'],
    ['  070-123 45 67  ', '+46701234567'],
  ])('accepts %j as %s', (input, e164) => {
    expect(normaliseSwedishPhone(input)).toEqual({ ok: true, value: e164 });
  });

  it.each([
    ['12345', 'too short to be a Swedish number'],
    ['+4520123456', 'a Danish number'],
    ['0701234567x', 'a letter after the digits'],
    ['', 'empty'],
    ['abc', 'no digits at all'],
  ])('refuses %j (%s)', (input) => {
    const result = normaliseSwedishPhone(input);
    expect(result.ok).toBe(false);
    expect(result).toEqual({ ok: false, message: 'must be a Swedish phone number, e.g. 070-123 45 67 or +46701234567' });
  });
});

describe('normalisePersonalIdentityNumber', () => {
  it('returns a personnummer in the 12-digit form', () => {
    expect(normalisePersonalIdentityNumber('19121212-1212')).toEqual({ ok: true, value: '191212121212' });
  });

  it('accepts a samordningsnummer (day + 60)', () => {
    // 1990-01-01 as day 61; Luhn over 900161001: 18→9, 0, 0, 1, 12→3, 1, 0, 0, 2 = 16, check digit 4.
    expect(normalisePersonalIdentityNumber('19900161-0014')).toEqual({ ok: true, value: '199001610014' });
  });

  it('refuses a bad checksum', () => {
    expect(normalisePersonalIdentityNumber('19121212-1213').ok).toBe(false);
  });

  it('refuses an impossible date even with a correct checksum', () => {
    // 30 February 1912; Luhn over 120230123: 2, 2, 0, 2, 6, 0, 2, 2, 6 = 22, check digit 8.
    expect(normalisePersonalIdentityNumber('19120230-1238').ok).toBe(false);
    // Month 13; Luhn over 121312123: 2, 2, 2, 3, 2, 2, 2, 2, 6 = 23, check digit 7.
    expect(normalisePersonalIdentityNumber('19121312-1237').ok).toBe(false);
  });

  it('refuses text that is no number', () => {
    expect(normalisePersonalIdentityNumber('').ok).toBe(false);
    expect(normalisePersonalIdentityNumber('abc').ok).toBe(false);
  });
});
