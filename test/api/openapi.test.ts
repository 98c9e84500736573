// The OpenAPI document lists the errors each endpoint can really answer, status by status with their codes,
// so a client can rely on it. The table below is what the handlers do; a change to either must change both.
import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../src/errors.js';
import { errorHandler } from '../../src/http/errorHandler.js';
import { createLogger } from '../../src/logger.js';
import { useTestServer } from '../support/server.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

/** A staff endpoint reached by id or clinic: token, role and clinic checked; input parsed; the database read. */
const staffRead = (notFound: string[]) => ({ 400: ['validation_failed'], 401: ['unauthenticated'], 403: ['forbidden'], 404: notFound, 503: ['service_unavailable'] });
/** A staff endpoint taking a JSON body: also a body that is not JSON, too large, or conflicting with the record's state. */
const staffWrite = (notFound: string[], conflicts: string[]) => ({
  ...staffRead(notFound),
  400: ['validation_failed', 'malformed_json'],
  409: conflicts,
  413: ['bad_request'],
});
const report = staffRead(['clinic_not_found']);

const EXPECTED: Record<string, Record<number, string[]>> = {
  'get /api/clinics': { 429: ['rate_limited'], 503: ['service_unavailable'] },
  'get /api/clinics/{clinicId}/slots': { 400: ['validation_failed'], 404: ['clinic_not_found'], 429: ['rate_limited'], 503: ['service_unavailable'] },
  'post /api/clinics/{clinicId}/callbacks': {
    400: ['validation_failed', 'malformed_json'],
    404: ['clinic_not_found'],
    409: ['slot_full', 'slot_unavailable', 'no_free_slot', 'booking_closed', 'already_booked', 'too_many_bookings'],
    413: ['bad_request'],
    422: ['idempotency_key_reused'],
    429: ['rate_limited'],
    503: ['service_unavailable'],
  },
  'get /api/callbacks/{id}': { 400: ['validation_failed'], 404: ['callback_not_found'], 429: ['rate_limited'], 503: ['service_unavailable'] },
  'delete /api/callbacks/{id}': {
    400: ['validation_failed'],
    404: ['callback_not_found'],
    409: ['not_cancellable'],
    429: ['rate_limited'],
    503: ['service_unavailable'],
  },
  'put /api/callbacks/{id}/slot': {
    400: ['validation_failed', 'malformed_json'],
    404: ['callback_not_found'],
    409: ['not_cancellable', 'slot_full', 'slot_unavailable', 'booking_closed'],
    413: ['bad_request'],
    429: ['rate_limited'],
    503: ['service_unavailable'],
  },
  'get /api/staff/me': { 401: ['unauthenticated'], 503: ['service_unavailable'] },
  'get /api/staff/clinics/{clinicId}/queue': staffRead(['clinic_not_found']),
  'post /api/staff/clinics/{clinicId}/queue/claim': staffRead(['clinic_not_found']),
  'post /api/staff/callbacks/{id}/claim': { ...staffRead(['callback_not_found']), 409: ['not_claimable'] },
  'post /api/staff/callbacks/{id}/claim/renew': { ...staffRead(['callback_not_found']), 409: ['not_claimed'] },
  'post /api/staff/callbacks/{id}/claim/release': { ...staffRead(['callback_not_found']), 409: ['not_claimed'] },
  'post /api/staff/callbacks/{id}/attempts': staffWrite(['callback_not_found'], ['not_claimed']),
  'put /api/staff/callbacks/{id}/outcome': staffWrite(['callback_not_found'], ['not_reached']),
  'get /api/staff/callbacks/{id}': staffRead(['callback_not_found']),
  'get /api/staff/clinics/{clinicId}/missed': staffRead(['clinic_not_found']),
  'post /api/staff/callbacks/{id}/follow-up': staffWrite(['callback_not_found'], ['not_missed', 'already_followed_up']),
  'post /api/staff/callbacks/{id}/dial': {
    ...staffWrite(['callback_not_found'], ['not_claimed', 'dialling_unavailable', 'before_promised_time', 'outside_calling_hours']),
    422: ['agent_phone_missing'],
    502: ['call_refused'],
  },
  'get /api/staff/clinics/{clinicId}/guarantee-cases/at-risk': staffRead(['clinic_not_found']),
  'get /api/staff/guarantee-cases/{id}': staffRead(['callback_not_found', 'guarantee_case_not_found']),
  'put /api/staff/guarantee-cases/{id}/assessment': staffWrite(['callback_not_found', 'guarantee_case_not_found'], ['case_not_open']),
  'put /api/staff/guarantee-cases/{id}/exclusion': staffWrite(['callback_not_found', 'guarantee_case_not_found'], ['case_not_open']),
  'get /api/staff/clinics/{clinicId}/settings': staffRead(['clinic_not_found']),
  'put /api/staff/clinics/{clinicId}/settings': { ...staffRead(['clinic_not_found']), 400: ['validation_failed', 'malformed_json'], 413: ['bad_request'] },
  'get /api/staff/clinics/{clinicId}/telephony': staffRead(['clinic_not_found']),
  'put /api/staff/clinics/{clinicId}/telephony': staffWrite(['clinic_not_found'], ['phone_number_taken']),
  'get /api/reports/measures': report,
  'get /api/reports/measures.csv': report,
  'get /api/reports/drilldown': report,
  'get /api/reports/national': { 401: ['unauthenticated'], 403: ['forbidden'], 503: ['service_unavailable'] },
  'get /api/reports/national/{month}': staffRead(['report_not_found']),
  'post /api/telephony/events': {
    400: ['validation_failed', 'malformed_json'],
    401: ['invalid_signature'],
    404: ['callback_not_found'],
    413: ['bad_request'],
    503: ['service_unavailable'],
  },
};

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
  it('lists for every endpoint exactly the statuses and codes it can answer', async () => {
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
});
