// The OpenAPI document is generated from the same zod schemas that validate requests.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

describe('API documentation', () => {
  it('serves an OpenAPI 3.1 document with every public route', async () => {
    const res = await server().request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths).sort()).toEqual([
      '/api/admin/clinics',
      '/api/admin/clinics/import',
      '/api/admin/clinics/{clinicId}',
      '/api/admin/staff',
      '/api/admin/staff/import',
      '/api/admin/staff/{staffId}',
      '/api/callbacks/{id}',
      '/api/callbacks/{id}/slot',
      '/api/clinics',
      '/api/clinics/{clinicId}/callbacks',
      '/api/clinics/{clinicId}/slots',
      '/api/reports/drilldown',
      '/api/reports/measures',
      '/api/reports/measures.csv',
      '/api/reports/national',
      '/api/reports/national/{month}',
      '/api/reports/national/{month}.xlsx',
      '/api/reports/national/{month}/deliveries',
      '/api/staff/callbacks/{id}',
      '/api/staff/callbacks/{id}/attempts',
      '/api/staff/callbacks/{id}/claim',
      '/api/staff/callbacks/{id}/claim/release',
      '/api/staff/callbacks/{id}/claim/renew',
      '/api/staff/callbacks/{id}/dial',
      '/api/staff/callbacks/{id}/follow-up',
      '/api/staff/callbacks/{id}/outcome',
      '/api/staff/clinics/{clinicId}/guarantee-cases/at-risk',
      '/api/staff/clinics/{clinicId}/missed',
      '/api/staff/clinics/{clinicId}/queue',
      '/api/staff/clinics/{clinicId}/queue/claim',
      '/api/staff/clinics/{clinicId}/settings',
      '/api/staff/clinics/{clinicId}/telephony',
      '/api/staff/guarantee-cases/{id}',
      '/api/staff/guarantee-cases/{id}/assessment',
      '/api/staff/guarantee-cases/{id}/exclusion',
      '/api/staff/me',
      '/api/telephony/events',
    ]);
    expect(res.body.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(res.body.paths['/api/callbacks/{id}']).sort()).toEqual(['delete', 'get']);
    // The reports document their figures, not just their paths.
    const report = res.body.components.schemas.MeasureReport;
    expect(Object.keys(report.properties.total.properties)).toEqual(['contactSameDay', 'timeDeviation', 'medicalAssessment', 'turnedAway']);
    expect(res.body.components.schemas.MedicalAssessmentWithin3Days.properties.referenceLines).toBeDefined();
    const booking = res.body.components.schemas.BookingRequest;
    expect(booking.required).toEqual(['phone']);
    expect(Object.keys(booking.properties)).toEqual(['phone', 'personalIdentityNumber', 'name', 'reason', 'slotStart', 'channel']);
  });

  it('serves a browsable page at /api/docs', async () => {
    const res = await fetch(`${server().baseUrl}/api/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});
