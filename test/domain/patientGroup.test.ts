import { describe, expect, it } from 'vitest';
import { ageGroupOf, birthDateOf, sexOf } from '../../src/domain/patientGroup.js';
import { normaliseHsaId } from '../../src/domain/hsaId.js';

describe('sex from the personal identity number', () => {
  it('reads the second-to-last digit: odd men, even women; none given is unknown', () => {
    expect(sexOf('191212121212')).toBe('male'); // …121 2: the 11th digit is 1
    expect(sexOf('199001012380')).toBe('female'); // 8
    expect(sexOf('195003622396')).toBe('male'); // a samordningsnummer (day 62): 9
    expect(sexOf(null)).toBe('unknown');
    expect(sexOf('19121212-1212')).toBe('unknown'); // not the stored 12-digit form
  });
});

describe('age group on the request date', () => {
  it('counts whole years, the birthday itself the first day of the new age', () => {
    expect(ageGroupOf('200903152384', '2027-03-14')).toBe('0-17'); // 17 until the day before
    expect(ageGroupOf('200903152384', '2027-03-15')).toBe('18-64'); // 18 on the day
    expect(ageGroupOf('196203152384', '2027-03-14')).toBe('18-64');
    expect(ageGroupOf('196203152384', '2027-03-15')).toBe('65-79');
    expect(ageGroupOf('194703152384', '2027-03-15')).toBe('80+');
    expect(ageGroupOf('194703152384', '2027-03-14')).toBe('65-79');
  });

  it('takes a samordningsnummer day minus 60, and a 29 February birth as a year older by 1 March in other years', () => {
    expect(birthDateOf('195003622396')?.toISODate()).toBe('1950-03-02');
    // Born 29 February 2008: 18 on 1 March 2026 at the latest (a year without 29 February).
    expect(ageGroupOf('200802292388', '2026-02-27')).toBe('0-17');
    expect(ageGroupOf('200802292388', '2026-03-01')).toBe('18-64');
  });

  it('is unknown with no number, or a request before the birth', () => {
    expect(ageGroupOf(null, '2027-03-15')).toBe('unknown');
    expect(ageGroupOf('202703202384', '2027-03-15')).toBe('unknown');
  });
});

describe('HSA-id', () => {
  it('accepts SE, ten digits, a dash and 1–20 letters or digits, upper-casing what a catalogue export lower-cased', () => {
    expect(normaliseHsaId(' se2321000016-15cq ')).toEqual({ ok: true, value: 'SE2321000016-15CQ' });
    expect(normaliseHsaId('SE2321000016-A').ok).toBe(true);
    expect(normaliseHsaId(`SE2321000016-${'A'.repeat(18)}`).ok).toBe(true); // 31 characters
  });

  it.each([
    ['longer than 31 characters', `SE2321000016-${'A'.repeat(19)}`],
    ['nine digits', 'SE232100001-15CQ'],
    ['no dash', 'SE232100001615CQ'],
    ['another country', 'NO2321000016-15CQ'],
    ['a character that is not a letter or digit', 'SE2321000016-15_Q'],
    ['nothing after the dash', 'SE2321000016-'],
  ])('refuses %s', (_, value) => {
    expect(normaliseHsaId(value).ok).toBe(false);
  });
});
