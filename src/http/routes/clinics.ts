// Public clinic routes: the clinic list and the bookable slots.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { CallbackBookingService } from '../../services/callbackBooking.js';
import { errorResponses } from '../openapi.js';
import { slotListBody } from '../present.js';
import { ClinicIdParams, ClinicList, SlotList, SlotsQuery } from '../schemas.js';
import type { RateLimits } from '../rateLimits.js';
import { parseRequest } from '../validation.js';

export function clinicRoutes(booking: CallbackBookingService, registry: OpenAPIRegistry, limits: RateLimits): Router {
  const router = Router();

  registry.registerPath({
    method: 'get',
    path: '/api/clinics',
    summary: 'List the health centres that take callback bookings',
    tags: ['Patients'],
    responses: { 200: { description: 'The clinics', content: { 'application/json': { schema: ClinicList } } }, ...errorResponses(429, 503) },
  });
  router.get('/clinics', limits.publicReads, async (_req, res) => {
    res.json({ clinics: await booking.listClinics() });
  });

  registry.registerPath({
    method: 'get',
    path: '/api/clinics/{clinicId}/slots',
    summary: 'Callback slots between two local dates (inclusive, at most 31 days)',
    tags: ['Patients'],
    request: { params: ClinicIdParams, query: SlotsQuery },
    responses: {
      200: { description: 'Slots in time order', content: { 'application/json': { schema: SlotList } } },
      ...errorResponses(400, { 404: ['clinic_not_found'] }, 429, 503),
    },
  });
  router.get('/clinics/:clinicId/slots', limits.publicReads, async (req, res) => {
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const { from, to } = parseRequest(SlotsQuery, req.query, 'query');
    const slots = await booking.listSlots(clinicId, from, to);
    res.type('json').send(slotListBody(slots));
  });

  return router;
}
