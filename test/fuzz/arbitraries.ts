// Generators for the API fuzz: hostile values (wrong types, huge and odd strings, impossible dates, forged
// cursors) and values shaped by the OpenAPI document, so most requests get past the parser's first check.
import fc from 'fast-check';

/** Code points that trip parsers and databases: NUL, C0/C1 controls, lone surrogates, BOM, bidi overrides. */
const ODD_STRINGS = [
  '',
  ' ',
  '   \t  ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u001f',
  '\u007f\u0080\u009f',
  '\r\n',
  '\uD800',
  'a\uDC00b',
  '\uDBFF\uDBFF',
  '\uFEFF',
  '\u202Eevil',
  '\u200B',
  '\uFFFF\uFFFE',
  '𝕳𝖊𝖏',
  '👩🏽‍⚕️',
  'Å̶̡ä̷ö',
  'ﷺ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x1F',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  '%00',
  '%2F',
  '%',
  "' OR '1'='1' --",
  '$1',
  '\\',
  '"',
  '{"a":1}',
  '[]',
  '<script>alert(1)</script>',
  '${7*7}',
];

/** Calendar dates: the bounds, outside them, impossible ones, the DST days, and other ISO 8601 spellings. */
export const DATE_STRINGS = [
  '2027-03-30',
  '2027-03-28',
  '2027-10-31',
  '2027-02-30',
  '2027-02-29',
  '2028-02-29',
  '2027-13-01',
  '2027-00-10',
  '2027-04-31',
  '0000-01-01',
  '0001-01-01',
  '1899-12-31',
  '1999-12-31',
  '2000-01-01',
  '2100-12-31',
  '2101-01-01',
  '9999-12-31',
  '+010000-01-01',
  '-000001-01-01',
  '2027-3-5',
  '20270330',
  '2027-W13-2',
  '2027-089',
  '2027-03-30T00:00:00Z',
];

/** Instants: DST gap and overlap, extreme offsets, bounds, and almost-ISO spellings. */
export const INSTANT_STRINGS = [
  '2027-03-30T10:15:00+02:00',
  '2027-03-30T08:15:00Z',
  '2027-03-28T02:30:00+01:00',
  '2027-03-28T02:30:00+02:00',
  '2027-03-28T03:00:00+02:00',
  '2027-10-31T02:30:00+02:00',
  '2027-10-31T02:30:00+01:00',
  '2027-03-30T10:15:00+14:00',
  '2027-03-30T10:15:00-12:00',
  '2027-03-30T10:15:00+23:59',
  '2027-03-30T10:15:00+24:00',
  '2027-03-30T10:15:00+25:00',
  '2027-03-30T24:00:00+02:00',
  '2027-03-30T10:15:60+02:00',
  '2027-03-30T10:15:00.123456789+02:00',
  '2027-03-30T10:15:00+0200',
  '2027-03-30 10:15:00+02:00',
  '2027-03-30T10:15Z',
  '2027-03-30T10:15:00',
  '2027-02-30T10:15:00+01:00',
  '0000-01-01T00:00:00Z',
  '0000-01-01T00:00:00+14:00',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:30:00-12:00',
  '1999-12-31T00:00:00+14:00',
  '2000-01-01T00:00:00-12:00',
  '2100-12-31T23:59:59-12:00',
  '2101-01-01T00:00:00+14:00',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2027-03-30T10:15:00+02:00[Europe/Stockholm]',
];

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');

/** Dates built from parts that are each often out of range: year 0–9999, month 0–13, day 0–32. */
export const builtDate = fc
  .tuple(fc.oneof(fc.constantFrom(0, 1, 1999, 2000, 2026, 2027, 2028, 2100, 2101, 9999), fc.integer({ min: 0, max: 9999 })), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

const OFFSETS = ['Z', '+00:00', '+01:00', '+02:00', '-00:00', '+14:00', '-12:00', '+05:45', '-09:30', '+15:00', '+02', ''];

/** Instants built from parts: hours 0–25, minutes 0–61, every offset above. */
export const builtInstant = fc
  .tuple(builtDate, fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom(...OFFSETS))
  .map(([date, h, m, s, offset]) => `${date}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${offset}`);

/** Instants near the fuzz's "now" (Tuesday 30 March 2027) on quarter hours, so some bookings and moves succeed. */
export const nearInstant = fc
  .tuple(fc.integer({ min: -2, max: 10 }), fc.integer({ min: 0, max: 95 }), fc.constantFrom('+02:00', 'Z', '+01:00'))
  .map(([dayOffset, quarter, offset]) => `${new Date(Date.UTC(2027, 2, 30 + dayOffset, 0, quarter * 15)).toISOString().slice(0, 19)}${offset}`);

/** Instants up to four hours before the fuzz's clock (08:31 +02:00), mostly the last quarter: calls that happened. */
export const recentInstant = fc
  .tuple(fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -3, max: 15 }) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 240 }) }), fc.constantFrom('+02:00', 'Z'))
  .map(([minutesAgo, offset]) => {
    const at = new Date(Date.parse('2027-03-30T06:31:00Z') - minutesAgo * 60_000 + (offset === '+02:00' ? 2 * 3600_000 : 0));
    return `${at.toISOString().slice(0, 19)}${offset}`;
  });

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 });
const controls = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 });

/**
 * Strings from 1 kB up to 100 kB, of a character that is one byte or several in UTF-8: over the 32 kB body
 * limit, over every field's maximum, and over PostgreSQL's btree row limit when indexed.
 */
export const hugeString = fc
  .tuple(fc.constantFrom(1_000, 5_000, 20_000, 40_000, 100_000), fc.constantFrom('x', '0', 'é', '€', '\u0000', '𝕳', ' '))
  .map(([n, ch]) => ch.repeat(Math.ceil(n / ch.length)));

/** A short string nobody meant: odd code points, controls, surrogates, or arbitrary Unicode. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), loneSurrogates, fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), controls).map(([a, b]) => a + b) },
  { weight: 2, arbitrary: fc.constantFrom(...DATE_STRINGS, ...INSTANT_STRINGS) },
);

/** A value of the wrong JSON type for almost any field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, -0),
  fc.double({ noNaN: true }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 }),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}')),
);

/** Anything hostile for a field: odd strings mostly, wrong types, now and then a huge string. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: oddString },
  { weight: 4, arbitrary: wrongType },
  { weight: 1, arbitrary: hugeString },
);

/** Drill-down cursors: ours forged with bad parts, not base64, not JSON, or huge. */
export const cursorValue: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.oneof(fc.constantFrom(...DATE_STRINGS), builtDate, oddString, wrongType), fc.oneof(fc.uuid(), oddString, wrongType))
    .map((parts) => Buffer.from(JSON.stringify(parts)).toString('base64url')),
  fc.oneof(wrongType, oddString).map((v) => Buffer.from(JSON.stringify(v) ?? 'undefined').toString('base64url')),
  fc.constantFrom('', '=', '====', '!!!', 'bm90IGpzb24', 'WyIyMDI3LTAzLTMwIiwi', 'W10', '%00', '\u0000', 'eyJfX3Byb3RvX18iOnt9fQ'),
  fc.base64String({ maxLength: 60 }),
  oddString,
  hugeString.map((s) => s.slice(0, 5_000)),
);

export const SWEDISH_PHONES = ['070-123 45 67', '0701234567', '+46701234567', '0046701234567', '08-123 456 78', '+4670123456', '070-123 45 6X', '112', '+1 202 555 0143', '46701234567'];
export const IDENTITY_NUMBERS = ['19121212-1212', '191212121212', '121212-1212', '121212+1212', '19121212-1213', '19121272-1219', '00000000-0000'];

/**
 * Percent-encodes a string for a URL path or query. Lone surrogates cannot be UTF-8 encoded
 * (encodeURIComponent throws), so they become the bytes a broken client would send: ED A0 80 and so on.
 */
export function encodePart(value: string): string {
  let out = '';
  for (const ch of value) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      const c = ch.charCodeAt(0);
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    }
  }
  return out;
}

/** Raw path segments a hand-written request can hold: encoded NUL and slash, broken escapes, overlong UTF-8. */
export const rawSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%00', 'a%00b', '%2F', 'a%2Fb', '%2e%2e', '%', '%zz', '%E0%A4%A', '%C0%80', '%FF%FE', '%ED%A0%80', '%u0000', '%252F', ';', 'a;b=c', '.', '~', '%20', '+'),
  fc.constantFrom(300, 5_000, 20_000).map((n) => 'a'.repeat(n)),
  oddString.map(encodePart),
);
