// Property-based fuzz of the pages: the patient pages, the SMS cancel page and the staff console (signed in as a
// nurse and a manager, with and without the CSRF token), with hostile paths, queries, cookies and form posts.
// The same property as the API fuzz: below 500, errors as a page or the JSON error shape. Seeded (FUZZ_SEED, FUZZ_RUNS).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/pages/staff/session.js';
import { useTestServer } from '../support/server.js';
import { DATE_STRINGS, encodePart, hostile, hugeString, INSTANT_STRINGS, nearInstant, oddString, rawSegment, wrongType } from './arbitraries.js';
import { buildFixture, fuzz, RUNS, summary } from './harness.js';
import { PAGES, signIn } from './pages.js';
import type { Fixture, FuzzRequest } from './requests.js';

/** Query parameters and form fields the pages read, and a few they do not. */
const QUERY_KEYS = ['token', 'lang', 'next', 'ended', 'andrad', 'from', 'to', 'groupBy', 'clinic', 'clinics', 'figure', 'cursor', 'sort', 'limit', 'period', 'x'];
const FORM_KEYS = ['token', 'phone', 'pin', 'name', 'reason', 'slot', 'next', 'outcome', 'note', 'startedAt', 'endedAt', 'resolution', 'guaranteeReason', 'covered', 'assessedBy', 'assessedAt', 'profession', 'mode', 'correct', 'x'];

const server = useTestServer('2027-03-30T08:00:00+02:00');
let fixture: Fixture;
const sessions: { cookie: string; csrf: string }[] = [];

beforeAll(async () => {
  fixture = await buildFixture(server());
  sessions.push(await signIn(server().baseUrl, fixture.staff.nurse), await signIn(server().baseUrl, fixture.staff.manager));
});

describe('the pages', () => {
  it(
    'answer below 500 whatever the path, query, cookie and form, signed in or not',
    async () => {
      const text = (a: fc.Arbitrary<unknown>) => a.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
      // Values a page means (dates, grouping, languages, a redirect target, ids, the token), then hostile ones.
      const meant = fc.oneof(
        fc.constantFrom(...DATE_STRINGS, ...INSTANT_STRINGS, 'day', 'week', 'month', 'sv', 'en', '1', 'true', '/personal', '//evil.example', 'https://evil.example'),
        nearInstant,
        fc.constantFrom(fixture.callbackToken, fixture.clinicId, ...fixture.callbackIds, '070-123 45 67', 'answered', 'no_answer', 'advice', 'doctor', 'phone'),
      );
      const value = fc.oneof({ weight: 3, arbitrary: meant }, { weight: 1, arbitrary: text(hostile) });
      // In a query no huge strings: a URL of 100 kB is refused by Node (431) before the app sees it.
      const queryValue = fc.oneof({ weight: 3, arbitrary: meant }, { weight: 1, arbitrary: text(fc.oneof(oddString, wrongType)) });
      const segment = (name: string) => {
        const known = name === 'clinicId' ? [fixture.clinicId, fixture.otherClinicId] : name === 'id' ? fixture.callbackIds : ['2027-02.csv', '2027-13.csv', '0000-01.csv'];
        return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: rawSegment }, { weight: 1, arbitrary: oddString.map(encodePart) });
      };
      const pairs = (keys: string[], v: fc.Arbitrary<string>) => fc.array(fc.tuple(fc.constantFrom(...keys), v), { maxLength: 6 });
      const encodePairs = (ps: [string, string][]) => ps.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join('&');
      const who = fc.constantFrom<'nurse' | 'manager' | 'garbage' | 'none'>('nurse', 'manager', 'nurse', 'manager', 'garbage', 'none');

      const request = fc
        .record({
          page: fc.constantFrom(...PAGES),
          // Now and then the wrong method for the page.
          wrongMethod: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') }),
          query: pairs(QUERY_KEYS, queryValue),
          form: pairs(FORM_KEYS, value),
          raw: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hugeString }, { weight: 1, arbitrary: fc.constantFrom('%', '&&==', 'a=%zz', '\u0000', '{"token":1}') }),
          who,
          csrf: fc.constantFrom<'valid' | 'garbage' | 'none'>('valid', 'valid', 'garbage', 'none'),
          contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x'),
        })
        .chain((r) => {
          const [pageMethod, pattern] = r.page;
          const method = r.wrongMethod ?? pageMethod;
          const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
          return fc.tuple(...names.map(segment)).map((segments): FuzzRequest => {
            let path = pattern;
            names.forEach((n, i) => (path = path.replace(`:${n}`, segments[i]!)));
            if (r.query.length) path += `?${encodePairs(r.query as [string, string][])}`;
            const headers: Record<string, string> = {};
            const session = r.who === 'nurse' ? sessions[0] : r.who === 'manager' ? sessions[1] : undefined;
            if (session) headers.cookie = session.cookie;
            if (r.who === 'garbage') headers.cookie = `${SESSION_COOKIE}=${'x'.repeat(40)}; lang=zz`;
            if (method === 'GET') return { method, path, headers };
            const csrf = r.csrf === 'valid' && session ? session.csrf : r.csrf === 'garbage' ? 'garbage' : null;
            const form: [string, string][] = csrf ? [['_csrf', csrf], ...(r.form as [string, string][])] : (r.form as [string, string][]);
            headers['content-type'] = r.contentType;
            return { method, path, headers, body: r.raw ?? encodePairs(form) };
          });
        });

      const statuses = await fuzz(server().baseUrl, 'pages', request, RUNS * 4);
      console.info(`pages: ${summary(statuses)}`);

      const live = await server().request('GET', '/health/live');
      expect(live.status).toBe(200);
      expect(server().logLines.filter((line) => line.includes('unhandled error'))).toEqual([]);
    },
    300_000,
  );
});
