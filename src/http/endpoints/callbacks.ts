// Public callback endpoints: book, look up, move and cancel (the patient holds the booking's token).
import { DateTime } from 'luxon';
import { CallbackNotFound } from '../../errors.js';
import type { CallbackBookingService } from '../../services/callbackBooking.js';
import { endpoint, type AnyEndpoint, type Reply } from '../endpoint.js';
import { callbackView } from '../present.js';
import type { RateLimits } from '../rateLimits.js';
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
import type { StoredCallback } from '../../db/callbacks.js';

type Booking = Pick<CallbackBookingService, 'book' | 'show' | 'cancel' | 'reschedule' | 'clinicRules'>;

export function callbackEndpoints(deps: { booking: Booking; limits: RateLimits }): AnyEndpoint[] {
  const { booking, limits } = deps;

  /** A missing or malformed token is answered exactly like a wrong one (the service does the same for a malformed id). */
  const tokenOf = (headers: unknown): string => {
    const token = CallbackTokenHeaders.safeParse(headers);
    if (!token.success) throw new CallbackNotFound();
    return token.data['x-callback-token'];
  };
  const statusReply = async (callback: StoredCallback): Promise<Reply> => ({ json: callbackView(callback, (await booking.clinicRules(callback.clinicId)).timezone) });
  const statusResponse = { 200: { description: 'The booking', schema: CallbackStatusView } };

  return [
    endpoint({
      route: 'POST /api/clinics/{clinicId}/callbacks',
      summary: 'Book a phone callback',
      description:
        'Without slotStart the patient gets the earliest free slot, which is the same day whenever one is free. ' +
        'Send an Idempotency-Key to retry safely: the same key and body return the same booking.',
      access: 'public',
      rateLimit: limits.bookings,
      request: { params: ClinicIdParams, headers: IdempotencyHeaders, body: BookingBody },
      responses: { 201: { description: 'Booked', schema: BookingCreated } },
      errors: {
        404: ['clinic_not_found'],
        409: ['slot_full', 'slot_unavailable', 'no_free_slot', 'booking_closed', 'already_booked', 'too_many_bookings'],
        422: ['idempotency_key_reused'],
      },
      async handle({ params, headers, body }) {
        await limits.consumePhone(body.phone);
        const result = await booking.book(
          params.clinicId,
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
        const rules = await booking.clinicRules(params.clinicId);
        const view = callbackView(result.callback, rules.timezone);
        return {
          status: 201,
          headers: result.replayed ? { 'Idempotent-Replayed': 'true' } : undefined,
          json: { id: view.id, token: result.token, status: view.status, clinicId: view.clinicId, slot: view.slot, requestedAt: view.requestedAt, promise: view.promise },
        };
      },
    }),
    endpoint({
      route: 'GET /api/callbacks/{id}',
      summary: 'Show a booking (status and promised slot)',
      access: 'public',
      rateLimit: limits.publicReads,
      // The token header is documented, and read by the handler: a missing one is a 404 like a wrong one.
      request: { params: CallbackParams },
      documentedHeaders: CallbackTokenHeaders,
      responses: statusResponse,
      errors: { 404: ['callback_not_found'] },
      handle: async ({ params, req }) => statusReply(await booking.show(params.id, tokenOf(req.headers))),
    }),
    endpoint({
      route: 'DELETE /api/callbacks/{id}',
      summary: 'Cancel a booking and free its place',
      description: 'Cancelling twice is harmless: the place is freed once and the cancelled booking is returned.',
      access: 'public',
      rateLimit: limits.bookings,
      request: { params: CallbackParams },
      documentedHeaders: CallbackTokenHeaders,
      responses: statusResponse,
      errors: { 404: ['callback_not_found'], 409: ['not_cancellable'] },
      handle: async ({ params, req }) => statusReply(await booking.cancel(params.id, tokenOf(req.headers))),
    }),
    endpoint({
      route: 'PUT /api/callbacks/{id}/slot',
      summary: 'Move a booking to another slot (rebooking)',
      description: 'Allowed until a nurse has claimed the callback. The new place is taken before the old one is freed.',
      access: 'public',
      rateLimit: limits.bookings,
      request: { params: CallbackParams, body: RescheduleBody },
      documentedHeaders: CallbackTokenHeaders,
      responses: statusResponse,
      errors: { 404: ['callback_not_found'], 409: ['not_cancellable', 'slot_full', 'slot_unavailable', 'booking_closed'] },
      async handle({ params, body, req }) {
        const token = tokenOf(req.headers);
        return statusReply(await booking.reschedule(params.id, token, DateTime.fromISO(body.slotStart, { setZone: true })));
      },
    }),
  ];
}
