// Public clinic endpoints: the clinic list and the bookable slots.
import type { CallbackBookingService } from '../../services/callbackBooking.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { publicClinicView, slotListBody } from '../present.js';
import type { RateLimits } from '../rateLimits.js';
import { ClinicIdParams, ClinicList, SlotList, SlotsQuery } from '../schemas.js';

export function clinicEndpoints(deps: { booking: Pick<CallbackBookingService, 'listClinics' | 'listSlots'>; limits: RateLimits }): AnyEndpoint[] {
  const { booking, limits } = deps;
  return [
    endpoint({
      route: 'GET /api/clinics',
      summary: 'List the health centres, each with whether it takes callback bookings',
      access: 'public',
      rateLimit: limits.publicReads,
      responses: { 200: { description: 'The clinics', schema: ClinicList } },
      handle: async () => ({ json: { clinics: (await booking.listClinics()).map(publicClinicView) } }),
    }),
    endpoint({
      route: 'GET /api/clinics/{clinicId}/slots',
      summary: 'Callback slots between two local dates (inclusive, at most 31 days)',
      access: 'public',
      rateLimit: limits.publicReads,
      request: { params: ClinicIdParams, query: SlotsQuery },
      responses: { 200: { description: 'Slots in time order', schema: SlotList } },
      errors: { 404: ['clinic_not_found'] },
      // Serialised by hand: the listing is the booking rush's hottest answer (src/http/present.ts).
      handle: async ({ params, query }) => ({ body: slotListBody(await booking.listSlots(params.clinicId, query.from, query.to)), type: 'json' }),
    }),
  ];
}
