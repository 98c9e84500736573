// Turns the app's own OpenAPI document into fast-check generators of HTTP requests: each operation's path,
// query, headers and body, filled mostly with values of the documented shape and often with hostile ones.
import fc from 'fast-check';
import { signTelephonyBody } from '../../src/services/telephony.js';
import {
  builtDate,
  builtInstant,
  cursorValue,
  DATE_STRINGS,
  encodePart,
  hostile,
  hugeString,
  IDENTITY_NUMBERS,
  INSTANT_STRINGS,
  nearInstant,
  recentInstant,
  oddString,
  rawSegment,
  SWEDISH_PHONES,
  wrongType,
} from './arbitraries.js';

/** What the fuzz knows of the world it runs in: ids that exist, and credentials that work. */
export interface Fixture {
  clinicId: string;
  /** A clinic the staff above do not work for. */
  otherClinicId: string;
  /** Callbacks in several states (booked, claimed by the nurse, reached with a guarantee case). */
  callbackIds: string[];
  /** X-Callback-Token of callbackIds[0]. */
  callbackToken: string;
  staff: { nurse: string; manager: string; admin: string; outsider: string };
  telephonySecret: string;
}

export interface FuzzRequest {
  method: string;
  /** Already encoded: sent exactly as it stands. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

type Schema = Record<string, any>;

export interface Operation {
  method: string;
  /** The OpenAPI template, e.g. /api/callbacks/{id}. */
  template: string;
  parameters: { in: 'path' | 'query' | 'header'; name: string; required: boolean; schema: Schema }[];
  body: Schema | null;
  secured: boolean;
}

/** Every operation of the document, with $refs resolved. */
export function operationsOf(doc: any): Operation[] {
  const resolve = (s: Schema | undefined): Schema | undefined => {
    if (!s) return s;
    if (typeof s.$ref === 'string') return resolve(doc.components.schemas[s.$ref.split('/').pop()!]);
    return s;
  };
  const ops: Operation[] = [];
  for (const [template, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      ops.push({
        method: method.toUpperCase(),
        template,
        parameters: (op.parameters ?? []).map((p: any) => ({ in: p.in, name: p.name, required: Boolean(p.required), schema: resolve(p.schema) ?? {} })),
        body: resolve(op.requestBody?.content?.['application/json']?.schema) ?? null,
        secured: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return ops;
}

/** Weighted choice; a weight of 0 leaves that option out (a calm request has no hostile values at all). */
const TELEPHONY_EVENTS = '/api/telephony/events';

/** A body as sent; `value` when it is the JSON of a generated value. */
interface Body {
  value?: unknown;
  text: string;
}

/** One request before it is put together: a burst varies the parts and assembles each copy. */
interface Parts {
  segments: string[];
  query: string;
  authorization: string | null;
  callbackToken: string | null;
  idempotencyKey: string | null;
  contentType: string | null;
  contentEncoding: string | null;
  body: Body | null;
  /** 'valid': signed over the exact body sent. */
  signature: string | null;
}

const weighted = <T>(...pairs: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...pairs.filter(([weight]) => weight > 0).map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** A string just at and just over a documented maximum length. */
const atMaxLength = (max: number) => fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), 'é'.repeat(max + 1));

/** Valid dates from `first` on, for `days` days: most report and slot requests should get past the parser. */
const dateIn = (first: string, days: number) =>
  fc.integer({ min: 0, max: days - 1 }).map((n) => new Date(Date.parse(`${first}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10));

/**
 * How hostile one request is. calm: every value of the documented shape, valid credentials, plain JSON, so the
 * request reaches the services; mixed: now and then a hostile value, header or encoding; wild: mostly hostile.
 */
export type Level = 'calm' | 'mixed' | 'wild';
const HOSTILE_WEIGHT: Record<Level, number> = { calm: 0, mixed: 1, wild: 4 };

export function createRequestArbitraries(doc: any, fixture: Fixture) {
  const resolve = (s: Schema | undefined): Schema => {
    if (s && typeof s.$ref === 'string') return resolve(doc.components.schemas[s.$ref.split('/').pop()!]);
    return s ?? {};
  };
  const knownIds = fc.constantFrom(...fixture.callbackIds);
  const anyId = weighted<string>([4, knownIds], [1, fc.uuid()], [1, fc.constantFrom('00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF')]);

  /** Values for fields whose name says more than their schema. */
  const byName: Record<string, (level: Level) => fc.Arbitrary<unknown>> = {
    phone: () => fc.constantFrom(...SWEDISH_PHONES),
    personalIdentityNumber: () => fc.constantFrom(...IDENTITY_NUMBERS),
    callbackId: () => anyId,
    // Mostly a short range around "now" (slots take at most 31 days), sometimes years, sometimes nonsense.
    from: (level) => weighted<string>([6, dateIn('2027-03-20', 12)], [1, dateIn('2000-01-01', 40_000)], [level === 'calm' ? 0 : 2, fc.oneof(fc.constantFrom(...DATE_STRINGS), builtDate)]),
    to: (level) => weighted<string>([6, dateIn('2027-03-28', 20)], [1, dateIn('2000-01-01', 40_000)], [level === 'calm' ? 0 : 2, fc.oneof(fc.constantFrom(...DATE_STRINGS), builtDate)]),
    clinics: () =>
      weighted<string>(
        [4, fc.constantFrom(fixture.clinicId, `${fixture.clinicId},${fixture.otherClinicId}`)],
        [1, fc.constantFrom(fixture.otherClinicId, 'vc-unknown', `${fixture.clinicId},,`, ',', ' ', Array.from({ length: 600 }, () => fixture.clinicId).join(','))],
      ),
    cursor: () => cursorValue,
    // A few shared ids, so events of one call, repeated events and one call id on two callbacks all occur.
    callId: () => fc.oneof(fc.constantFrom('call-1', 'call-2', 'call-3'), fc.uuid()),
    eventId: () => fc.oneof(fc.constantFrom('event-1', 'event-2', 'event-3'), fc.uuid()),
    // Times of things that happened: near the clock, or they are refused as in the future before anything else.
    startedAt: (level) => weighted<string>([4, recentInstant], [level === 'calm' ? 0 : 1, nearInstant]),
    endedAt: (level) => weighted<string>([4, recentInstant], [level === 'calm' ? 0 : 1, nearInstant]),
    assessedAt: (level) => weighted<string>([4, recentInstant], [level === 'calm' ? 0 : 1, nearInstant]),
    at: (level) => weighted<string>([4, recentInstant], [level === 'calm' ? 0 : 1, nearInstant]),
    limit: (level) => weighted<unknown>([3, fc.integer({ min: 1, max: 1000 })], [level === 'calm' ? 0 : 1, fc.oneof(fc.constantFrom(0, 1001, -1, '1e3', '0x10', '10.5', ' 5 ', '9'.repeat(400)), fc.integer())]),
    deviationFromMinutes: () => fc.oneof(fc.integer({ min: -600, max: 600 }), fc.integer(), fc.constantFrom('1e400', '-0', 'NaN', '0x10', '9'.repeat(400))),
    deviationToMinutes: () => fc.oneof(fc.integer({ min: -600, max: 600 }), fc.integer(), fc.constantFrom('1e400', '-0', 'NaN', '0x10', '9'.repeat(400))),
  };

  /** A value of the documented shape, or (by the level) a hostile one. */
  function valueFor(schemaIn: Schema | undefined, name: string, level: Level, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(schemaIn);
    return weighted<unknown>([3, shapedValue(schema, name, level, depth)], [HOSTILE_WEIGHT[level], hostile]);
  }

  function shapedValue(schema: Schema, name: string, level: Level, depth: number): fc.Arbitrary<unknown> {
    if (byName[name]) return byName[name]!(level);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
    if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
      const options = (schema.anyOf ?? schema.oneOf) as Schema[];
      return fc.oneof(...options.map((o) => shapedValue(resolve(o), name, level, depth)));
    }
    const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
    const odd = level === 'calm' ? 0 : 1;
    switch (type) {
      case 'object': {
        if (depth > 3) return fc.constant({});
        const props = Object.entries<Schema>(schema.properties ?? {});
        const required = new Set<string>(schema.required ?? []);
        const fields = props.map(([key, prop]) =>
          weighted<[string, unknown] | null>(
            [required.has(key) ? 9 : 4, valueFor(prop, key, level, depth + 1).map((v) => [key, v] as [string, unknown])],
            [required.has(key) ? odd : 5, fc.constant(null)],
          ),
        );
        const extra = weighted<[string, unknown][]>(
          [9, fc.constant([])],
          [odd, fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', '')), wrongType), { maxLength: 2 })],
        );
        return fc.tuple(fc.tuple(...fields), extra).map(([present, more]) => {
          const obj: Record<string, unknown> = {};
          for (const entry of [...present.filter((e): e is [string, unknown] => e !== null), ...more]) {
            // defineProperty: a key named __proto__ becomes an own property, as JSON.parse makes it on the server.
            Object.defineProperty(obj, entry[0], { value: entry[1], enumerable: true, writable: true, configurable: true });
          }
          return obj;
        });
      }
      case 'array':
        return fc.array(valueFor(schema.items, name, level, depth + 1), { maxLength: 3 });
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.oneof(
          fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 }),
          fc.constantFrom(...[schema.minimum, schema.maximum].filter((n) => typeof n === 'number').flatMap((n: number) => [n - 1, n, n + 1]), 0),
        );
      case 'number':
        return fc.double({ noNaN: true, min: schema.minimum, max: schema.maximum });
      case 'string': {
        if (schema.format === 'date') return weighted<string>([3, dateIn('2027-03-20', 20)], [odd, fc.oneof(fc.constantFrom(...DATE_STRINGS), builtDate)]);
        if (schema.format === 'date-time') return weighted<string>([odd, fc.constantFrom(...INSTANT_STRINGS)], [odd, builtInstant], [3, nearInstant]);
        if (schema.format === 'uuid') return anyId;
        const options: [number, fc.Arbitrary<string>][] = [[1, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 })]];
        if (typeof schema.pattern === 'string') options.push([3, fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length <= (schema.maxLength ?? 200))]);
        if (typeof schema.example === 'string') options.push([2, fc.constant(schema.example)]);
        if (typeof schema.maxLength === 'number') options.push([odd, atMaxLength(schema.maxLength)]);
        return weighted(...options);
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));

  function pathValue(name: string, level: Level): fc.Arbitrary<string> {
    const h = HOSTILE_WEIGHT[level];
    const raw: [number, fc.Arbitrary<string>][] = [[h, rawSegment], [h, hostile.map((v) => encodePart(asText(v)))]];
    switch (name) {
      case 'clinicId':
        return weighted([6, fc.constantFrom(fixture.clinicId)], [1, fc.constantFrom(fixture.otherClinicId, 'vc-unknown', 'VC-UPPER', 'vc--x', '-vc')], ...raw);
      case 'id':
        return weighted([6, anyId], [h, fc.constantFrom(`${fixture.callbackIds[0]}x`, fixture.callbackIds[0]!.toUpperCase(), fixture.callbackIds[0]!.replace(/-/g, ''))], ...raw);
      case 'month':
        return weighted([4, fc.constantFrom('2027-03', '2027-02', '2027-13', '2027-00', '0000-01', '9999-12', '2100-12', '2101-01', '1999-12', '2027-3')], ...raw);
      default:
        return weighted([2, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }).map(encodePart)], ...raw);
    }
  }

  /** The query string: documented parameters (sometimes missing, repeated or bracketed) plus strangers. */
  function queryOf(op: Operation, level: Level): fc.Arbitrary<string> {
    const params = op.parameters.filter((p) => p.in === 'query');
    const odd = level === 'calm' ? 0 : 1;
    const one = (p: Operation['parameters'][number]) =>
      fc
        .tuple(
          weighted<boolean>([p.required ? 9 : 4, fc.constant(true)], [p.required ? odd : 6, fc.constant(false)]),
          valueFor(p.schema, p.name, level),
          weighted<'plain' | 'repeated' | 'bracket' | 'raw' | 'empty'>(
            [16, fc.constant('plain')],
            [2 * odd, fc.constant('repeated')],
            [odd, fc.constant('bracket')],
            [odd, fc.constant('raw')],
            [odd, fc.constant('empty')],
          ),
          rawSegment,
        )
        .map(([present, value, form, raw]) => {
          if (!present) return [];
          const key = encodePart(p.name);
          const v = encodePart(asText(value));
          switch (form) {
            case 'plain':
              return [`${key}=${v}`];
            case 'repeated':
              return [`${key}=${v}`, `${key}=${v}x`];
            case 'bracket':
              return [`${key}[a]=${v}`, `${key}[]=${v}`];
            case 'raw':
              return [`${key}=${raw}`];
            case 'empty':
              return [key];
          }
        });
    const strangers = weighted<string[]>(
      [9, fc.constant([])],
      [odd, fc.array(fc.tuple(rawSegment, rawSegment).map(([k, v]) => `${k}=${v}`), { maxLength: 3 })],
    );
    return fc.tuple(fc.tuple(...params.map(one)), strangers).map(([parts, more]) => {
      const all = [...parts.flat(), ...more];
      return all.length ? `?${all.join('&')}` : '';
    });
  }

  /** Header values Node can send: Latin-1 without CR, LF or NUL (anything else never reaches the server). */
  const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
  const garbageHeader = fc.oneof(oddString.map(headerSafe), fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), hugeString.map((s) => headerSafe(s.slice(0, 8_000))));

  const validStaff = fc.constantFrom(fixture.staff.nurse, fixture.staff.manager, fixture.staff.admin);
  const authorization = (level: Level) =>
    weighted<string | null>(
      [6, validStaff],
      [1, fc.constant(fixture.staff.outsider)],
      [HOSTILE_WEIGHT[level], fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer x', 'Basic dXNlcjpwYXNz', 'Bearer cbs_0000', `${fixture.staff.nurse}x`, `Bearer ${'a'.repeat(5000)}`, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')],
      [HOSTILE_WEIGHT[level], garbageHeader.map((g) => `Bearer ${g}`)],
      [HOSTILE_WEIGHT[level], garbageHeader],
      [HOSTILE_WEIGHT[level], fc.constant(null)],
    );
  const callbackToken = (level: Level) => weighted<string | null>([4, fc.constant(fixture.callbackToken)], [2 * HOSTILE_WEIGHT[level], garbageHeader], [HOSTILE_WEIGHT[level], fc.constant(null)]);
  const idempotencyKey = (level: Level) =>
    weighted<string | null>([4, fc.constant(null)], [2, fc.uuid()], [2 * HOSTILE_WEIGHT[level], garbageHeader], [HOSTILE_WEIGHT[level], fc.constant('k'.repeat(201))]);
  const contentType = (level: Level) =>
    weighted<string | null>(
      [12, fc.constant('application/json')],
      [HOSTILE_WEIGHT[level], fc.constant(null)],
      [
        2 * HOSTILE_WEIGHT[level],
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'application/json; charset=nonsense',
          'application/merge-patch+json',
          'application/json, text/plain',
          'application/xml',
          'JSON',
          '',
        ),
      ],
    );
  const contentEncoding = (level: Level) => weighted<string | null>([20, fc.constant(null)], [HOSTILE_WEIGHT[level], fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-garbage', 'gzip, gzip')]);

  /** A body: JSON of the value (kept, so a burst can vary it), broken JSON, or something huge. */
  function bodyOf(value: fc.Arbitrary<unknown>, level: Level): fc.Arbitrary<Body> {
    const h = HOSTILE_WEIGHT[level];
    const raw = (a: fc.Arbitrary<string>) => a.map((text): Body => ({ text }));
    return weighted<Body>(
      [12, value.map((v) => ({ value: v, text: JSON.stringify(v) ?? 'null' }))],
      [h, raw(fc.tuple(value, fc.nat()).map(([v, cut]) => { const s = JSON.stringify(v) ?? ''; return s.slice(0, s.length ? cut % s.length : 0); }))],
      [h, raw(fc.constantFrom('', '{', '{"a":', '[1,2', 'nul', '{"a":1}}', "{'a':1}", '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"__proto__":{"x":1}}', '1e999999', '"x"', '[]', 'true'))],
      [h, raw(fc.tuple(value, hugeString).map(([v, pad]) => JSON.stringify({ ...(typeof v === 'object' && v ? v : {}), padding: pad })))],
      [h, raw(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'))],
    );
  }

  /** The bytes of a body, for requests made by hand. */
  const bodyText = (value: fc.Arbitrary<unknown>, level: Level = 'mixed') => bodyOf(value, level).map((b) => b.text);

  /** The telephony signature: right over the exact bytes sent (so the parser is reached), garbage, or none. */
  const signature = (level: Level) => weighted<'valid' | string | null>([4, fc.constant('valid')], [HOSTILE_WEIGHT[level], garbageHeader], [HOSTILE_WEIGHT[level], fc.constant(null)]);

  function partsAt(op: Operation, level: Level): fc.Arbitrary<Parts> {
    const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
    const headerNames = new Set(op.parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()));
    const staffRoute = op.secured || headerNames.has('authorization');
    const h = HOSTILE_WEIGHT[level];
    return fc.record({
      segments: fc.tuple(...pathNames.map((name) => pathValue(name, level))),
      query: queryOf(op, level),
      authorization: staffRoute ? authorization(level) : weighted<string | null>([6, fc.constant(null)], [h, authorization(level)]),
      callbackToken: headerNames.has('x-callback-token') ? callbackToken(level) : fc.constant(null),
      idempotencyKey: headerNames.has('idempotency-key') ? idempotencyKey(level) : fc.constant(null),
      contentType: contentType(level),
      contentEncoding: contentEncoding(level),
      body: op.body ? bodyOf(valueFor(op.body, 'body', level), level) : weighted<Body | null>([6, fc.constant(null)], [h, bodyOf(fc.jsonValue({ maxDepth: 2 }), level)]),
      signature: op.template === TELEPHONY_EVENTS ? signature(level) : fc.constant(null),
    });
  }

  function assemble(op: Operation, parts: Parts): FuzzRequest {
    let path = op.template;
    op.parameters.filter((p) => p.in === 'path').forEach((p, i) => (path = path.replace(`{${p.name}}`, parts.segments[i]!)));
    const headers: Record<string, string> = {};
    const body = parts.body?.text;
    if (parts.authorization !== null) headers.authorization = parts.authorization;
    if (parts.callbackToken !== null) headers['x-callback-token'] = parts.callbackToken;
    if (parts.idempotencyKey !== null) headers['idempotency-key'] = parts.idempotencyKey;
    if (body !== undefined && parts.contentType !== null) headers['content-type'] = parts.contentType;
    if (body !== undefined && parts.contentEncoding !== null) headers['content-encoding'] = parts.contentEncoding;
    if (body !== undefined && parts.signature !== null) {
      headers['x-telephony-signature'] = parts.signature === 'valid' ? signTelephonyBody(fixture.telephonySecret, body) : parts.signature;
    }
    return { method: op.method, path: path + parts.query, headers, ...(body !== undefined ? { body } : {}) };
  }

  /** Requests for one documented operation: two in five calm, two mixed, one wild. */
  function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
    return weighted([2, partsAt(op, 'calm')], [2, partsAt(op, 'mixed')], [1, partsAt(op, 'wild')]).map((parts) => assemble(op, parts));
  }

  /**
   * The same request about different records: every id of a known callback (in the path or the body) becomes
   * another's, and an eventId gets a suffix, so the copies race for the same call, slot or queue, not the same row.
   */
  function siblings(op: Operation, parts: Parts, ids: string[]): FuzzRequest[] {
    const known = new Set(fixture.callbackIds);
    return ids.map((id, i) => {
      const segments = parts.segments.map((s) => (known.has(s) ? id : s));
      let body = parts.body;
      if (body?.value && typeof body.value === 'object' && !Array.isArray(body.value)) {
        const value = Object.fromEntries(
          Object.entries(body.value).map(([k, v]) => [k, typeof v === 'string' && known.has(v) ? id : k === 'eventId' && typeof v === 'string' ? `${v}-${i}` : v]),
        );
        body = { value, text: JSON.stringify(value) };
      }
      return assemble(op, { ...parts, segments, body });
    });
  }

  /**
   * Two to four calm requests to one operation sent at once: the same request repeated (a client retrying,
   * a webhook delivered twice), the same request about different records, or unrelated ones.
   */
  function burstFor(op: Operation): fc.Arbitrary<FuzzRequest[]> {
    const calm = partsAt(op, 'calm');
    return fc.oneof(
      fc.tuple(calm, fc.integer({ min: 2, max: 4 })).map(([parts, n]) => Array.from({ length: n }, () => assemble(op, parts))),
      fc.tuple(calm, fc.shuffledSubarray(fixture.callbackIds, { minLength: 2, maxLength: 4 })).map(([parts, ids]) => siblings(op, parts, ids)),
      fc.array(calm.map((parts) => assemble(op, parts)), { minLength: 2, maxLength: 4 }),
    );
  }

  return { requestFor, burstFor, contentType: contentType('mixed'), bodyText };
}
