// The OpenAPI document lists the errors each endpoint can answer, status by status with their codes, so a client can
// rely on it: exactly those of its definition (src/http/endpoints/), each under the status the one error handler
// gives it. That each one can really be answered is test/api/errorCodes.test.ts.
import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../src/errors.js';
import { errorHandler } from '../../src/http/errorHandler.js';
import { errorCodesOf, methodAndPath } from '../../src/http/endpoint.js';
import { apiEndpoints } from '../../src/http/endpoints/index.js';
import { NO_RATE_LIMITS } from '../../src/http/rateLimits.js';
import type { Services } from '../../src/services/index.js';
import { createLogger } from '../../src/logger.js';
import { useTestServer } from '../support/server.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

/** Each definition's error answers (src/http/endpoint.ts), as the document should list them. */
const EXPECTED: Record<string, Record<number, string[]>> = Object.fromEntries(
  apiEndpoints(new Proxy({}, { get: () => undefined }) as Services, NO_RATE_LIMITS)
    .flatMap((g) => g.endpoints)
    .map((def) => [
    `${methodAndPath(def).method} ${methodAndPath(def).path}`,
    Object.fromEntries([...errorCodesOf(def)].map(([status, codes]) => [status, [...codes]])),
  ]),
);

/** Each operation's error statuses with the codes its schema allows, read back from the document. */
function documentedErrors(doc: any): Record<string, Record<number, string[]>> {
  const found: Record<string, Record<number, string[]>> = {};
  for (const [path, operations] of Object.entries<any>(doc.paths)) {
    for (const [method, operation] of Object.entries<any>(operations)) {
      const errors: Record<number, string[]> = {};
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        if (Number(status) < 400) continue;
        const codes: string[] = response.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? [];
        // The description names the same codes, for readers of the docs page.
        expect(response.description, `${method} ${path} ${status}`).toContain(`Codes: ${codes.join(', ')}.`);
        errors[Number(status)] = codes;
      }
      found[`${method} ${path}`] = errors;
    }
  }
  return found;
}

/** The HTTP status the one error handler gives a code. */
function statusOf(code: string): number {
  let status = 0;
  const res: any = { locals: {}, setHeader: () => res, status: (s: number) => ((status = s), res), json: () => res };
  const handle = errorHandler(createLogger('silent'));
  handle(code === 'bad_request' ? { status: 413, type: 'entity.too.large', message: 'too large' } : new AppError(code as ErrorCode, code), {} as any, res, () => {});
  return status;
}

describe('the OpenAPI document’s error answers', () => {
  it('lists for every endpoint exactly the statuses and codes of its definition, and nothing undefined', async () => {
    const doc = (await server().request('GET', '/api/openapi.json')).body;
    expect(documentedErrors(doc)).toEqual(EXPECTED);
  });

  it('documents each code under the status the error handler really gives it', () => {
    const pairs = Object.values(EXPECTED).flatMap((byStatus) => Object.entries(byStatus).flatMap(([status, codes]) => codes.map((code) => [code, Number(status)])));
    for (const [code, status] of pairs) expect(statusOf(code as string), String(code)).toBe(status);
  });

  it('answers a body over 32 kB with the 413 it documents', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const res = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', reason: 'x'.repeat(40_000) } });
    expect(res.status).toBe(413);
    expect(EXPECTED['post /api/clinics/{clinicId}/callbacks']![413]).toContain(res.body.error.code);
  });

  it('knows every endpoint the app serves (the list is not empty, nor missing the booking)', () => {
    expect(Object.keys(EXPECTED)).toEqual(expect.arrayContaining(['post /api/clinics/{clinicId}/callbacks', 'post /api/staff/callbacks/{id}/attempts', 'post /api/telephony/events']));
  });
});
