// The OpenAPI registry and the error answers' documentation: src/http/endpoint.ts registers every endpoint definition
// here as it mounts it, so the document and the handlers come from the same objects.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { ErrorResponse } from './schemas.js';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  return registry;
}

/** Codes an answer can carry: the AppError family's, and body-parser's own (an oversized body is 413 bad_request). */
export type DocumentedCode = ErrorCode | 'bad_request';

/** What a status means on any endpoint; the codes say which case it is. */
const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; details.fields names each bad field',
  401: 'Missing or invalid credentials',
  403: 'Not allowed for this role or clinic',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'The request body is larger than the endpoint accepts (32 kB of JSON; an import says its own limit)',
  422: 'Cannot be done as sent: an Idempotency-Key reused with a different body, or a value the request needs is missing',
  429: 'Too many requests; try again after Retry-After seconds',
  502: 'The telephony provider refused the request; sending it again will not help',
  503: 'A backing service (the database) is unavailable; nothing was changed, try again shortly',
};

/** The codes a status carries when an endpoint does not name its own. */
const DEFAULT_CODES: Record<number, readonly DocumentedCode[]> = {
  400: ['validation_failed'],
  401: ['unauthenticated'],
  403: ['forbidden'],
  404: ['not_found'],
  413: ['bad_request'],
  422: ['idempotency_key_reused'],
  429: ['rate_limited'],
  503: ['service_unavailable'],
};

/** 400 on an endpoint that reads a JSON body: a field is wrong, or the body is not JSON at all. */
export const BODY_INVALID: readonly DocumentedCode[] = ['validation_failed', 'malformed_json'];

export type ErrorCodesByStatus = Partial<Record<number, readonly DocumentedCode[]>>;

/**
 * The error answers of one endpoint. A number documents that status with its usual codes; an object
 * names the codes per status, e.g. errorResponses(400, { 409: ['slot_full', 'booking_closed'] }, 503).
 * Each answer lists its codes in the description and as an enum of error.code, so clients can switch on them.
 */
export function errorResponses(...specs: (number | ErrorCodesByStatus)[]) {
  const byStatus = new Map<number, readonly DocumentedCode[]>();
  for (const spec of specs) {
    if (typeof spec === 'number') byStatus.set(spec, DEFAULT_CODES[spec] ?? []);
    else for (const [status, codes] of Object.entries(spec)) byStatus.set(Number(status), codes ?? []);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => {
      const text = STATUS_DESCRIPTIONS[status] ?? 'Error';
      return [
        status,
        {
          description: codes.length ? `${text}. Codes: ${codes.join(', ')}.` : text,
          content: { 'application/json': { schema: codes.length ? errorWithCodes(codes) : ErrorResponse } },
        },
      ];
    }),
  );
}

/** The error shape with error.code narrowed to the codes this answer can carry. */
function errorWithCodes(codes: readonly DocumentedCode[]) {
  const body = ErrorResponse.shape.error;
  return z.object({ error: body.extend({ code: z.enum(codes as [DocumentedCode, ...DocumentedCode[]]) }) });
}

export function generateDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Callback telephony and care-guarantee tracker',
      version: '0.1.0',
      description:
        'Patients book a phone callback from their health centre (vårdcentral) and are told when a nurse will call. ' +
        'Instants are ISO 8601 with the clinic’s UTC offset; dates are local dates in the clinic’s zone. ' +
        'Every error answer is { error: { code, message, details? } }; each endpoint lists its statuses and codes.',
    },
    servers: [{ url: '/' }],
  });
}
