// The OpenAPI registry: each route module registers its paths beside its handlers, so docs follow code.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ErrorResponse } from './schemas.js';

export function createRegistry(): OpenAPIRegistry {
  return new OpenAPIRegistry();
}

export function errorResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Invalid input; details.fields names each bad field',
    401: 'Missing or invalid credentials',
    403: 'Not allowed for this role or clinic',
    404: 'Not found',
    409: 'Conflict: slot_full, slot_unavailable, no_free_slot, booking_closed (details.opensAt), not_cancellable',
    422: 'Idempotency-Key reused with a different body',
    503: 'A backing service is unavailable',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? 'Error', content: { 'application/json': { schema: ErrorResponse } } }]),
  );
}

export function generateDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Callback telephony and care-guarantee tracker',
      version: '0.1.0',
      description:
        'Patients book a phone callback from their health centre (vårdcentral) and are told when a nurse will call. ' +
        'Instants are ISO 8601 with the clinic’s UTC offset; dates are local dates in the clinic’s zone.',
    },
    servers: [{ url: '/' }],
  });
}
