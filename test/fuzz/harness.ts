// The fuzz's side of the wire: sends a generated request byte for byte (node:http, so GET bodies, raw paths and
// broken escapes reach the server as written), checks the answer's status and error shape, and builds the
// world the requests refer to (a clinic, its staff, and callbacks in several states).
import { createHash } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { z } from 'zod';
import type { TestServer } from '../support/server.js';
import { TEST_TELEPHONY_SECRET } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';
import type { Fixture, FuzzRequest } from './requests.js';

const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20270330);
/** Requests per documented operation; the other properties run a share of this. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** FUZZ_TRACE=<text>: print every request whose method and path contain the text, with its answer. */
const TRACE = process.env.FUZZ_TRACE;

/** A seed of each property's own, so a route added later does not change the requests sent to the others. */
export const seedOf = (name: string) => (BASE_SEED + createHash('sha256').update(name).digest().readUInt32BE(0)) | 0;

/** How many answers of each status a property got: to see that requests get past the parsers. */
export type Statuses = Map<number, number>;
export const summary = (statuses: Statuses) => [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');

/** Sends one request, counts its status and checks the answer (below 500, the one error shape). */
export async function sendAndCheck(baseUrl: string, request: FuzzRequest, statuses: Statuses): Promise<void> {
  const response = await send(baseUrl, request);
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  if (TRACE && `${request.method} ${request.path}`.includes(TRACE)) console.info(`${describeRequest(request)}\n→ ${response.status} ${response.text.slice(0, 300)}`);
  checkResponse(request, response);
}

/** Runs one seeded property of single requests against the server at `baseUrl`. */
export async function fuzz(baseUrl: string, name: string, requests: fc.Arbitrary<FuzzRequest>, numRuns: number): Promise<Statuses> {
  const statuses: Statuses = new Map();
  await fc.assert(
    fc.asyncProperty(requests, (request) => sendAndCheck(baseUrl, request, statuses)),
    { seed: seedOf(name), numRuns },
  );
  return statuses;
}

/** No request may take longer than this to be answered, however hostile: anything slower counts as a hang. */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) },
        agent: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms: the request hangs`));
    }, REQUEST_TIMEOUT_MS);
    // The server may answer (413) and close before reading a huge body: writing the rest then fails, harmlessly.
    req.on('error', (error) => {
      if (answered) return;
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}

/** The one error shape of the API. */
const ErrorShape = z.strictObject({
  error: z.strictObject({
    code: z.string().min(1),
    message: z.string().min(1),
    details: z
      .record(z.string(), z.unknown())
      .refine((d) => !Array.isArray(d), 'must be an object')
      .optional(),
  }),
});

const shorten = (s: string, max = 600) => (s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s);

export function describeRequest(r: FuzzRequest): string {
  return `${r.method} ${shorten(r.path, 300)} headers=${shorten(JSON.stringify(r.headers), 300)} body=${r.body === undefined ? '(none)' : shorten(JSON.stringify(r.body), 300)}`;
}

/**
 * The property every answer must have: below 500, and every error answer (4xx) is the JSON error shape.
 * Two exceptions, both by design: pages (patient, cancel, staff console) answer their errors as HTML, and Node's own HTTP parser
 * refuses requests it cannot parse (431 headers too large, 400 bad request) before the app sees them, without a body.
 */
export function checkResponse(request: FuzzRequest, response: FuzzResponse): void {
  const what = () => `${describeRequest(request)}\n→ ${response.status} ${response.contentType} ${shorten(response.text)}`;
  if (response.status >= 500 || response.status < 100) throw new Error(`answered ${response.status}:\n${what()}`);
  // Successes and redirects (the docs page's trailing slash) are not errors; a HEAD answer has headers only.
  if (response.status < 400 || request.method === 'HEAD') return;
  const beforeTheApp = (response.status === 431 || response.status === 400) && response.contentType === '' && response.text === '';
  if (beforeTheApp) return;
  // Pages (the patient pages, the SMS cancel page, the staff console) answer their errors as pages.
  const isPage = !/^\/(api|health|metrics)([/?]|$)/.test(request.path);
  if (isPage && response.contentType.startsWith('text/html')) return;
  if (!response.contentType.startsWith('application/json')) throw new Error(`a non-JSON error answer:\n${what()}`);
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new Error(`an error answer that is not valid JSON:\n${what()}`);
  }
  const shape = ErrorShape.safeParse(body);
  if (!shape.success) throw new Error(`an error answer not in the { error: { code, message, details? } } shape (${shape.error.message}):\n${what()}`);
}

/**
 * The world the fuzz's requests point into, made through the API itself in a clinic of its own: callbacks[0]
 * booked (its token known), [1] and [2] claimed by the nurse, [3] and [4] reached with a care-guarantee case.
 * Leaves the clock at 08:31 on Tuesday 30 March 2027.
 */
export async function buildFixture(server: TestServer): Promise<Fixture> {
  server.clock.set('2027-03-30T08:00:00+02:00');
  const clinic = await trackerClinic(server);
  const otherClinicId = await server.addClinic();
  const admin = await server.addStaff('admin', [clinic.clinicId]);
  const outsider = await server.addStaff('nurse', [otherClinicId]);

  const reached = [await clinic.book(), await clinic.book()];
  for (const r of reached) {
    await clinic.call(r.id, r.slot.start, true);
    await clinic.outcome(r.id, 'new_problem');
  }

  const claimed = [await clinic.book(), await clinic.book()];
  server.clock.set('2027-03-30T08:31:00+02:00');
  const claimedIds = new Set<string>();
  for (let i = 0; i < claimed.length; i++) {
    const claim = await server.request('POST', `/api/staff/clinics/${clinic.clinicId}/queue/claim`, { headers: { Authorization: clinic.nurse } });
    if (claim.status !== 200) throw new Error(`fixture: the claim failed: ${JSON.stringify(claim.body)}`);
    claimedIds.add(claim.body.id);
  }
  if (!claimed.every((c) => claimedIds.has(c.id))) throw new Error('fixture: the nurse did not get the two callbacks due');

  const booked = await clinic.book();
  return {
    clinicId: clinic.clinicId,
    otherClinicId,
    callbackIds: [booked.id, ...claimed.map((c) => c.id), ...reached.map((r) => r.id)],
    callbackToken: booked.token,
    staff: { nurse: clinic.nurse, manager: clinic.manager, admin, outsider },
    telephonySecret: TEST_TELEPHONY_SECRET,
  };
}
