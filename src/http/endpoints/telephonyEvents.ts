// The telephone system's webhook: call events signed with HMAC-SHA256 over the raw body (docs/integrations.md).
import { DateTime } from 'luxon';
import { SIGNATURE_HEADER, verifyTelephonySignature, type TelephonyService } from '../../services/telephony.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { TelephonyEventBody } from '../staffSchemas.js';

export function telephonyEventEndpoints(deps: { telephony: TelephonyService; secret: string | null }): AnyEndpoint[] {
  return [
    endpoint({
      route: 'POST /api/telephony/events',
      summary: 'Receive a call event from the telephone system',
      description:
        `Sign the exact request body: header ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 under TELEPHONY_WEBHOOK_SECRET>. ` +
        'Events of one call share callId; the attempt’s outcome is decided on call.ended (answered if a call.answered came). ' +
        'An eventId already received is acknowledged and changes nothing.',
      access: 'public',
      // The signature first: nothing of an unsigned body is read.
      verify: (req) => verifyTelephonySignature(deps.secret, (req as { rawBody?: Buffer }).rawBody, req.header(SIGNATURE_HEADER)),
      request: { body: TelephonyEventBody },
      responses: { 200: { description: '{ status: "accepted" | "duplicate" }' } },
      errors: { 401: ['invalid_signature'], 404: ['callback_not_found'] },
      handle: async ({ body }) => ({ json: { status: await deps.telephony.ingest({ ...body, at: DateTime.fromISO(body.at, { setZone: true }).toUTC() }) } }),
    }),
  ];
}
