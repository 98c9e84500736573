// What operators and browsers see beside the API: health checks, metrics behind a token, security headers,
// CORS closed unless allowed, the docs only when enabled.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../src/http/operations.js';
import { clinicWebhookKey, clinicWebhookUrl } from '../../src/telephony/webhookKey.js';
import { TEST_TELEPHONY_SECRET, useTestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-test-token-0123456789';
const server = useTestServer('2027-03-30T08:00:00+02:00', undefined, {
  http: { metricsToken: METRICS_TOKEN, corsOrigins: ['https://vard.example.se'], behindTls: true },
});

describe('health', () => {
  it('answers /health/live and /health/ready with each dependency checked', async () => {
    expect((await server().request('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await server().request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });

  describe('when a dependency is down', () => {
    let baseUrl: string;
    let close: () => void;
    beforeAll(async () => {
      const app = express().use(
        healthRoutes({
          database: async () => undefined,
          redis: () => Promise.reject(new Error('Connection is closed.')),
        }),
      );
      const s = app.listen(0, '127.0.0.1');
      await new Promise((r) => s.once('listening', r));
      baseUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      close = () => s.close();
    });
    afterAll(() => close());

    it('answers ready 503 with Retry-After, naming Redis, while live still answers 200', async () => {
      const ready = await fetch(`${baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('5');
      expect(await ready.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'down' } });
      expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    });
  });
});

describe('metrics', () => {
  it('serves Prometheus metrics only with the token: bookings, refusals by reason and latency by route pattern', async () => {
    const s = server();
    const clinicId = await s.addClinic({ oneOpenCallbackPerCaller: true });
    expect((await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701112233' } })).status).toBe(201);
    expect((await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701112233' } })).status).toBe(409);

    expect((await s.request('GET', '/metrics')).status).toBe(401);
    expect((await s.request('GET', '/metrics', { headers: { Authorization: 'Bearer wrong-token-wrong-token-xx' } })).status).toBe(401);
    const res = await s.request('GET', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = String(res.body);
    expect(text).toMatch(/callback_bookings_total\{channel="web"\} [1-9]/);
    expect(text).toMatch(/callback_booking_refusals_total\{reason="already_booked"\} [1-9]/);
    expect(text).toContain('http_request_duration_seconds_count{method="POST",route="/api/clinics/:clinicId/callbacks",status="201"}');
    expect(text).toContain('queue_jobs');
    expect(text).not.toContain(clinicId);
    expect(text).not.toContain('0701112233');
  });

  it('labels 46elks webhook latency by route without the secret key or the clinic in the URL', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const start = await fetch(clinicWebhookUrl(s.baseUrl, TEST_TELEPHONY_SECRET, clinicId, '/voice/start'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ direction: 'incoming', callid: 'metrics-call-1', from: '+46701112233' }).toString(),
    });
    expect(start.status).toBe(200);
    const text = String((await s.request('GET', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).body);
    expect(text).toContain('route="/api/telephony/46elks/clinics/:clinicId/:key/voice/start"');
    expect(text).not.toContain(clinicWebhookKey(TEST_TELEPHONY_SECRET, clinicId));
    expect(text).not.toContain(clinicId);
  });
});

describe('security headers', () => {
  it('sends a content security policy that forbids framing, nosniff, no referrer and HSTS behind TLS', async () => {
    const res = await server().request('GET', '/api/clinics');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=31536000');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('allows only the configured origins across sites', async () => {
    const allowed = await server().request('GET', '/api/clinics', { headers: { Origin: 'https://vard.example.se' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://vard.example.se');
    const other = await server().request('GET', '/api/clinics', { headers: { Origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('defaults of a server with nothing configured', () => {
  const plain = useTestServer('2027-03-30T08:00:00+02:00', undefined, { http: { apiDocs: false } });

  it('keeps CORS closed, sends no HSTS over plain HTTP, and serves neither /metrics nor the docs when disabled', async () => {
    const res = await plain().request('GET', '/api/clinics', { headers: { Origin: 'https://vard.example.se' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect((await plain().request('GET', '/metrics')).status).toBe(404);
    expect((await plain().request('GET', '/api/docs/')).status).toBe(404);
    expect((await plain().request('GET', '/api/openapi.json')).status).toBe(404);
  });
});
