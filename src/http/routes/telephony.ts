// The telephone system's webhook: call events signed with HMAC-SHA256 over the raw body.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { SIGNATURE_HEADER, verifyTelephonySignature, type TelephonyService } from '../../services/telephony.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { TelephonyEventBody } from '../staffSchemas.js';
import { parseRequest } from '../validation.js';

export function telephonyRoutes(deps: { telephony: TelephonyService; secret: string | null }, registry: OpenAPIRegistry): Router {
  const router = Router();
  registry.registerPath({
    method: 'post',
    path: '/api/telephony/events',
    summary: 'Receive a call event from the telephone system',
    description:
      `Sign the exact request body: header ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 under TELEPHONY_WEBHOOK_SECRET>. ` +
      'Events of one call share callId; the attempt’s outcome is decided on call.ended (answered if a call.answered came). ' +
      'An eventId already received is acknowledged and changes nothing.',
    tags: ['Telephony'],
    request: { body: { content: { 'application/json': { schema: TelephonyEventBody } } } },
    responses: {
      200: { description: '{ status: "accepted" | "duplicate" }' },
      ...errorResponses({ 400: BODY_INVALID, 401: ['invalid_signature'], 404: ['callback_not_found'] }, 413, 503),
    },
  });
  router.post('/telephony/events', async (req: Request & { rawBody?: Buffer }, res) => {
    verifyTelephonySignature(deps.secret, req.rawBody, req.header(SIGNATURE_HEADER));
    const body = parseRequest(TelephonyEventBody, req.body, 'body');
    const status = await deps.telephony.ingest({ ...body, at: DateTime.fromISO(body.at, { setZone: true }).toUTC() });
    res.json({ status });
  });
  return router;
}
