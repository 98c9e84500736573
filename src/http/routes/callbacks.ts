// Public callback routes: book, look up and cancel (the patient holds the booking's token).
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { DateTime } from 'luxon';
import { CallbackNotFound } from '../../errors.js';
import type { CallbackBookingService } from '../../services/callbackBooking.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { callbackView } from '../present.js';
import {
  BookingBody,
  BookingCreated,
  CallbackParams,
  CallbackStatusView,
  CallbackTokenHeaders,
  ClinicIdParams,
  IdempotencyHeaders,
  RescheduleBody,
} from '../schemas.js';
import type { RateLimits } from '../rateLimits.js';
import { parseRequest } from '../validation.js';

export function callbackRoutes(booking: CallbackBookingService, registry: OpenAPIRegistry, limits: RateLimits): Router {
  const router = Router();

  registry.registerPath({
    method: 'post',
    path: '/api/clinics/{clinicId}/callbacks',
    summary: 'Book a phone callback',
    description:
      'Without slotStart the patient gets the earliest free slot, which is the same day whenever one is free. ' +
      'Send an Idempotency-Key to retry safely: the same key and body return the same booking.',
    tags: ['Patients'],
    request: {
      params: ClinicIdParams,
      headers: IdempotencyHeaders,
      body: { content: { 'application/json': { schema: BookingBody } } },
    },
    responses: {
      201: { description: 'Booked', content: { 'application/json': { schema: BookingCreated } } },
      ...errorResponses(
        {
          400: BODY_INVALID,
          404: ['clinic_not_found'],
          409: ['slot_full', 'slot_unavailable', 'no_free_slot', 'booking_closed', 'already_booked', 'too_many_bookings'],
        },
        413,
        422,
        429,
        503,
      ),
    },
  });
  router.post('/clinics/:clinicId/callbacks', limits.bookings, async (req, res) => {
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const headers = parseRequest(IdempotencyHeaders, req.headers, 'header');
    const body = parseRequest(BookingBody, req.body, 'body');
    await limits.consumePhone(body.phone);
    const result = await booking.book(
      clinicId,
      {
        phoneE164: body.phone,
        personalIdentityNumber: body.personalIdentityNumber ?? null,
        patientName: body.name ?? null,
        reason: body.reason ?? null,
        channel: body.channel,
        slotStart: body.slotStart ? DateTime.fromISO(body.slotStart, { setZone: true }) : null,
      },
      headers['idempotency-key'] ?? null,
    );
    const rules = await booking.clinicRules(clinicId);
    const view = callbackView(result.callback, rules.timezone);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json({
      id: view.id,
      token: result.token,
      status: view.status,
      clinicId: view.clinicId,
      slot: view.slot,
      requestedAt: view.requestedAt,
      promise: view.promise,
    });
  });

  const tokenRequest = {
    params: CallbackParams,
    headers: CallbackTokenHeaders,
  };
  const statusResponse = { description: 'The booking', content: { 'application/json': { schema: CallbackStatusView } } };

  /** A missing token is answered exactly like a wrong one (the service does the same for a malformed id). */
  function credentials(params: unknown, headers: unknown): { id: string; token: string } {
    const { id } = parseRequest(CallbackParams, params, 'params');
    const token = CallbackTokenHeaders.safeParse(headers);
    if (!token.success) throw new CallbackNotFound();
    return { id, token: token.data['x-callback-token'] };
  }

  registry.registerPath({
    method: 'get',
    path: '/api/callbacks/{id}',
    summary: 'Show a booking (status and promised slot)',
    tags: ['Patients'],
    request: tokenRequest,
    responses: { 200: statusResponse, ...errorResponses(400, { 404: ['callback_not_found'] }, 429, 503) },
  });
  router.get('/callbacks/:id', limits.publicReads, async (req, res) => {
    const { id, token } = credentials(req.params, req.headers);
    const callback = await booking.show(id, token);
    const rules = await booking.clinicRules(callback.clinicId);
    res.json(callbackView(callback, rules.timezone));
  });

  registry.registerPath({
    method: 'delete',
    path: '/api/callbacks/{id}',
    summary: 'Cancel a booking and free its place',
    description: 'Cancelling twice is harmless: the place is freed once and the cancelled booking is returned.',
    tags: ['Patients'],
    request: tokenRequest,
    responses: { 200: statusResponse, ...errorResponses(400, { 404: ['callback_not_found'], 409: ['not_cancellable'] }, 429, 503) },
  });
  router.delete('/callbacks/:id', limits.bookings, async (req, res) => {
    const { id, token } = credentials(req.params, req.headers);
    const callback = await booking.cancel(id, token);
    const rules = await booking.clinicRules(callback.clinicId);
    res.json(callbackView(callback, rules.timezone));
  });

  registry.registerPath({
    method: 'put',
    path: '/api/callbacks/{id}/slot',
    summary: 'Move a booking to another slot (rebooking)',
    description: 'Allowed until a nurse has claimed the callback. The new place is taken before the old one is freed.',
    tags: ['Patients'],
    request: { ...tokenRequest, body: { content: { 'application/json': { schema: RescheduleBody } } } },
    responses: {
      200: statusResponse,
      ...errorResponses(
        { 400: BODY_INVALID, 404: ['callback_not_found'], 409: ['not_cancellable', 'slot_full', 'slot_unavailable', 'booking_closed'] },
        413,
        429,
        503,
      ),
    },
  });
  router.put('/callbacks/:id/slot', limits.bookings, async (req, res) => {
    const { id, token } = credentials(req.params, req.headers);
    const { slotStart } = parseRequest(RescheduleBody, req.body, 'body');
    const callback = await booking.reschedule(id, token, DateTime.fromISO(slotStart, { setZone: true }));
    const rules = await booking.clinicRules(callback.clinicId);
    res.json(callbackView(callback, rules.timezone));
  });

  return router;
}
