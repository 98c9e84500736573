// Property-based fuzz of every public and staff endpoint: whatever a stranger sends, the answer is below 500,
// every error is { error: { code, message, details? } }, and the process still answers /health/live after.
// Seeded and deterministic; FUZZ_SEED and FUZZ_RUNS explore further locally (e.g. FUZZ_RUNS=1000).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';
import { encodePart, hostile, oddString, rawSegment } from './arbitraries.js';
import { buildFixture, fuzz as fuzzAt, RUNS, seedOf, sendAndCheck as sendAndCheckAt, summary, type Statuses } from './harness.js';
import { createRequestArbitraries, operationsOf, type FuzzRequest, type Operation } from './requests.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');
let doc: unknown;
let operations: Operation[];

beforeAll(async () => {
  const res = await server().request('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
  operations = operationsOf(doc);
});

const sendAndCheck = (request: FuzzRequest, statuses: Statuses) => sendAndCheckAt(server().baseUrl, request, statuses);
const fuzz = (name: string, requests: fc.Arbitrary<FuzzRequest>, numRuns: number) => fuzzAt(server().baseUrl, name, requests, numRuns);

/** The same, for bursts of requests sent at once. */
async function fuzzBursts(name: string, bursts: fc.Arbitrary<FuzzRequest[]>, numRuns: number): Promise<Statuses> {
  const statuses: Statuses = new Map();
  await fc.assert(
    fc.asyncProperty(bursts, async (burst) => {
      const results = await Promise.allSettled(burst.map((request) => sendAndCheck(request, statuses)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }),
    { seed: seedOf(`burst ${name}`), numRuns },
  );
  return statuses;
}

describe('every documented operation', () => {
  it('is in the document: public, staff, report and telephony routes (an empty document would make the fuzz vacuous)', () => {
    expect(operations.map((op) => `${op.method} ${op.template}`)).toEqual(
      expect.arrayContaining([
        'GET /api/clinics/{clinicId}/slots',
        'POST /api/clinics/{clinicId}/callbacks',
        'PUT /api/callbacks/{id}/slot',
        'POST /api/staff/callbacks/{id}/attempts',
        'PUT /api/staff/guarantee-cases/{id}/assessment',
        'GET /api/reports/drilldown',
        'POST /api/telephony/events',
      ]),
    );
  });

  it(
    'answers below 500, with the one error shape, whatever the path, query, headers and body; alone and in bursts',
    async () => {
      const lines: string[] = [];
      let sent = 0;
      for (const op of operations) {
        const name = `${op.method} ${op.template}`;
        // A world of its own per operation: what one operation's fuzz cancelled or claimed does not starve the next.
        const arbitraries = createRequestArbitraries(doc, await buildFixture(server()));
        try {
          const alone = await fuzz(name, arbitraries.requestFor(op), RUNS);
          sent += RUNS;
          let line = `${name}: ${summary(alone)}`;
          if (op.method !== 'GET') {
            const bursts = await fuzzBursts(name, arbitraries.burstFor(op), Math.ceil(RUNS / 4));
            sent += [...bursts.values()].reduce((a, b) => a + b, 0);
            line += ` | in bursts: ${summary(bursts)}`;
          }
          lines.push(line);
        } catch (error) {
          // Keep fast-check's error (its cause is the failing answer); only say which operation it was.
          (error as Error).message = `${name}: ${(error as Error).message}`;
          throw error;
        }
      }
      console.info(`fuzz: ${sent} requests over ${operations.length} documented operations\n${lines.join('\n')}`);
    },
    300_000,
  );
});

describe('routes outside the API document', () => {
  it(
    'answers the SMS cancel page, health checks, unknown paths and wrong methods below 500',
    async () => {
      const fixture = await buildFixture(server());
      const a = createRequestArbitraries(doc, fixture);
      const id = fc.oneof(fc.constantFrom(...fixture.callbackIds), rawSegment, oddString.map(encodePart));
      const token = fc.oneof(fc.constant(fixture.callbackToken), oddString.map(encodePart), rawSegment);
      const cancelPage = fc.oneof(
        fc.tuple(id, token).map(([i, t]): FuzzRequest => ({ method: 'GET', path: `/avboka/${i}?token=${t}`, headers: {} })),
        fc.tuple(id, token, a.contentType).map(
          ([i, t, type]): FuzzRequest => ({
            method: 'POST',
            path: `/avboka/${i}`,
            headers: { 'content-type': type === 'application/json' ? 'application/x-www-form-urlencoded' : (type ?? 'text/plain') },
            body: `token=${t}`,
          }),
        ),
        fc.tuple(id, hostile).map(([i, v]): FuzzRequest => ({
          method: 'POST',
          path: `/avboka/${i}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `token=${encodePart(JSON.stringify(v) ?? '')}&token=x&a[b]=c`,
        })),
      );
      const templates = operations.map((op) => op.template.replace(/\{[^}]+\}/g, 'x'));
      const elsewhere = fc.oneof(
        fc.constantFrom('/health/live', '/health/ready', '/health', '/metrics', '/api', '/api/', '/api/docs', '/api/openapi.json', '/', '//api//clinics').map(
          (path): FuzzRequest => ({ method: 'GET', path, headers: {} }),
        ),
        fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), fc.constantFrom(...templates)).map(
          ([method, path]): FuzzRequest => ({ method, path, headers: { authorization: fixture.staff.admin } }),
        ),
        fc.tuple(fc.constantFrom('', '/api', '/api/staff', '/avboka'), rawSegment, a.bodyText(hostile)).map(
          ([prefix, segment, body]): FuzzRequest => ({ method: 'POST', path: `${prefix}/${segment}`, headers: { 'content-type': 'application/json' }, body }),
        ),
      );
      console.info(`cancel page: ${summary(await fuzz('cancel page', cancelPage, RUNS * 2))}`);
      console.info(`elsewhere: ${summary(await fuzz('elsewhere', elsewhere, RUNS * 2))}`);
    },
    300_000,
  );
});

describe('afterwards', () => {
  it('the process is alive and answers /health/live', async () => {
    const live = await server().request('GET', '/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    // Nothing the fuzz sent was an unexpected error on the server's side either.
    expect(server().logLines.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });
});
