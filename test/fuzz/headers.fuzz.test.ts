// Property-based fuzz of the headers a stranger controls, on every page and every documented endpoint: Cookie
// (malformed percent-encodings, a session cookie sent twice, quoted, empty, huge), Accept-Language, X-Forwarded-For,
// Content-Type, Origin and Sec-Fetch-Site. The same property as the other fuzzes: below 500, errors as a page or the
// JSON error shape, and the process still answers afterwards. Seeded (FUZZ_SEED, FUZZ_RUNS).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOST_SESSION_COOKIE, SESSION_COOKIE } from '../../src/http/pages/staff/session.js';
import { clinicWebhookUrl } from '../../src/telephony/webhookKey.js';
import { useTestServer } from '../support/server.js';
import { buildFixture, fuzz, RUNS, summary } from './harness.js';
import { PAGES, signIn } from './pages.js';
import { operationsOf, type Fixture, type FuzzRequest, type Operation } from './requests.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');
let fixture: Fixture;
let operations: Operation[];
const sessions: { cookie: string; csrf: string }[] = [];

beforeAll(async () => {
  fixture = await buildFixture(server());
  sessions.push(await signIn(server().baseUrl, fixture.staff.nurse), await signIn(server().baseUrl, fixture.staff.manager));
  const doc = await server().request('GET', '/api/openapi.json');
  expect(doc.status).toBe(200);
  operations = operationsOf(doc.body);
});

/** What a client can put in a header on the wire (tab, printable ASCII, the bytes 0x80–0xFF), anything in content. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c <= 0x7e || c >= 0x80).map((c) => String.fromCharCode(c)),
  maxLength: 120,
});

describe('the headers a stranger sends', () => {
  it(
    'never make a page or an endpoint answer 500: Cookie, Accept-Language, X-Forwarded-For, Content-Type, Origin, Sec-Fetch-Site',
    async () => {
      const [nurse, manager] = sessions as [{ cookie: string; csrf: string }, { cookie: string; csrf: string }];
      const id = (c: string) => c.replace(/^[^=]+=/, '');
      const cookie = fc.oneof(
        fc.constantFrom(
          `${SESSION_COOKIE}=%`,
          `${SESSION_COOKIE}=%E0%A4%A`,
          `${SESSION_COOKIE}=%ff%fe`,
          `${SESSION_COOKIE}=`,
          SESSION_COOKIE,
          `${SESSION_COOKIE}="${id(nurse.cookie)}"`,
          `${SESSION_COOKIE}=${id(nurse.cookie)}; ${SESSION_COOKIE}=${id(manager.cookie)}`,
          `${HOST_SESSION_COOKIE}=${id(nurse.cookie)}; ${SESSION_COOKIE}=${id(nurse.cookie)}`,
          `${HOST_SESSION_COOKIE}=${id(manager.cookie)}`,
          nurse.cookie,
          manager.cookie,
          `lang=%; ${nurse.cookie}`,
          'lang=en; lang=zz; lang=%E0',
          ';;;; ; =; ==',
          `a=${'b'.repeat(6000)}`,
          `${SESSION_COOKIE}=${'x'.repeat(4000)}`,
        ),
        headerText.map((t) => `${SESSION_COOKIE}=${t}`),
        headerText,
      );
      const acceptLanguage = fc.oneof(fc.constantFrom('*', 'sv-SE,sv;q=0.9,en;q=0.8', 'en;q=abc', ',,,;;', 'ar, fa;q=0.5', 'x'.repeat(3000)), headerText);
      const forwardedFor = fc.oneof(fc.constantFrom('203.0.113.9', '::1', 'garbage', '203.0.113.9, 198.51.100.2', '999.999.999.999', '', ', , ,', 'unknown'), headerText);
      const contentType = fc.oneof(
        fc.constantFrom(
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'application/json; charset="',
          'application/x-www-form-urlencoded; charset=koi8-r',
          'multipart/form-data',
          'text/html',
          ';',
          '*/*',
          'application/json;;;;',
        ),
        headerText,
      );
      const origin = fc.oneof(fc.constantFrom('null', 'https://evil.example', server().baseUrl, 'http://[::1', 'file://', ''), headerText);
      const fetchSite = fc.oneof(fc.constantFrom('cross-site', 'same-origin', 'same-site', 'none', 'garbage', ''), headerText);

      // Each request: a page or an endpoint with a well-formed path, and a random set of hostile headers.
      const filled = (pattern: string) =>
        pattern
          .replace(/\{clinicId\}|:clinicId/g, fixture.clinicId)
          .replace(/\{id\}|:id/g, fixture.callbackIds[0]!)
          .replace(/:file/g, '2027-02.csv');
      // The phone line's webhooks too, under the clinic's key: 46elks is a stranger as far as headers go.
      const webhook = (p: string) => new URL(clinicWebhookUrl('http://x', fixture.telephonySecret, fixture.clinicId, p)).pathname;
      const targets: [string, string][] = [
        ...PAGES.map(([m, p]): [string, string] => [m, filled(p)]),
        ...operations.map((op): [string, string] => [op.method.toUpperCase(), filled(op.template)]),
        ['POST', webhook('/voice/start')],
        ['POST', webhook('/voice/next')],
        ['GET', `${webhook('/audio/prompt.wav')}?clips=welcome_to,clinic_name,emergency`],
      ];
      const request = fc
        .record(
          {
            target: fc.constantFrom(...targets),
            cookie,
            acceptLanguage,
            forwardedFor,
            contentType,
            origin,
            fetchSite,
            csrf: fc.boolean(),
            body: fc.constantFrom('{}', '', 'token=x&_csrf=y', '{"phone":"0701234567"}', '%', 'callid=r1&from=%2B46701234567&to=%2B46101234567', 'callid=r1&result=1&why=noinput&digits=070'),
          },
          { requiredKeys: ['target', 'body', 'csrf'] },
        )
        .map((r): FuzzRequest => {
          const [method, path] = r.target;
          const headers: Record<string, string> = {};
          if (r.cookie !== undefined) headers.cookie = r.cookie;
          if (r.acceptLanguage !== undefined) headers['accept-language'] = r.acceptLanguage;
          if (r.forwardedFor !== undefined) headers['x-forwarded-for'] = r.forwardedFor;
          if (r.origin !== undefined) headers.origin = r.origin;
          if (r.fetchSite !== undefined) headers['sec-fetch-site'] = r.fetchSite;
          if (method === 'GET' || method === 'DELETE') return { method, path, headers };
          if (r.contentType !== undefined) headers['content-type'] = r.contentType;
          const body = r.csrf && r.body.startsWith('token') ? `${r.body.replace('_csrf=y', `_csrf=${nurse.csrf}`)}` : r.body;
          return { method, path, headers, body };
        });

      const statuses = await fuzz(server().baseUrl, 'headers', request, RUNS * 6);
      console.info(`headers: ${summary(statuses)}`);
      // Requests got past the parsers to the pages and routes: some succeeded, some were refused by them.
      expect([...statuses.keys()].some((s) => s < 400)).toBe(true);
      expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);

      expect((await server().request('GET', '/health/live')).status).toBe(200);
      expect(server().logLines.filter((line) => line.includes('unhandled error'))).toEqual([]);
    },
    300_000,
  );
});
