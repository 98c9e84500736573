// The 46elks webhooks answer only under the key derived from the secret; anything else is a plain 404.
import express, { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notFoundHandler } from '../../src/http/errorHandler.js';
import { clinicWebhookKey, clinicWebhookUrl, elksWebhooks, redactWebhookKey, webhookClinicOf, webhookKey, webhookUrl } from '../../src/telephony/webhookKey.js';

const SECRET = 'a-telephony-secret-of-at-least-32-characters';
const PREVIOUS = 'the-secret-before-the-rotation-of-32-characters';

function appWith(secret: string | null) {
  const region = Router();
  region.post('/sms/:id/delivered', (req, res) => void res.json({ got: req.body.status }));
  const clinic = Router();
  clinic.post('/voice/start', (req, res) => void res.json({ got: req.body.from, clinic: webhookClinicOf(res) }));
  const app = express();
  app.use('/api', elksWebhooks(secret ? { current: secret, previous: PREVIOUS } : null, notFoundHandler, { region: [region], clinic: [clinic] }));
  app.use(notFoundHandler);
  return app;
}

describe('46elks webhook key', () => {
  let base = '';
  let baseWithoutSecret = '';
  const servers: import('node:http').Server[] = [];
  beforeAll(async () => {
    for (const secret of [SECRET, null]) {
      const server = appWith(secret).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      servers.push(server);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (secret) base = url;
      else baseWithoutSecret = url;
    }
  });
  afterAll(() => servers.forEach((s) => s.close()));

  const post = (url: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'from=%2B46701234567' });

  it('reaches a clinic’s route under that clinic’s key, and the region’s routes under the region’s, with the form fields parsed', async () => {
    const response = await post(clinicWebhookUrl(base, SECRET, 'vc-kungsor', '/voice/start'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: '+46701234567', clinic: 'vc-kungsor' });
    const report = await fetch(webhookUrl(base, SECRET, '/sms/m1/delivered'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'status=delivered' });
    expect(await report.json()).toEqual({ got: 'delivered' });
  });

  it('gives every clinic a key of its own: one clinic’s key opens no other clinic’s webhooks, nor the region’s', async () => {
    const kungsor = clinicWebhookKey(SECRET, 'vc-kungsor');
    expect(clinicWebhookKey(SECRET, 'vc-arboga')).not.toBe(kungsor);
    expect(kungsor).not.toBe(webhookKey(SECRET));
    for (const url of [
      `${base}/api/telephony/46elks/clinics/vc-arboga/${kungsor}/voice/start`,
      `${base}/api/telephony/46elks/${kungsor}/sms/m1/delivered`,
      `${base}/api/telephony/46elks/clinics/vc-kungsor/${webhookKey(SECRET)}/voice/start`,
    ]) {
      const response = await post(url);
      expect(response.status, url).toBe(404);
    }
  });

  it('accepts keys made with the previous secret during a rotation, and none made with any other', async () => {
    expect((await post(clinicWebhookUrl(base, PREVIOUS, 'vc-kungsor', '/voice/start'))).status).toBe(200);
    expect((await post(clinicWebhookUrl(base, 'some-other-secret-of-at-least-32-characters', 'vc-kungsor', '/voice/start'))).status).toBe(404);
  });

  it('answers 404 to a wrong key, the raw secret, a key of another length, or when no secret is set', async () => {
    const key = clinicWebhookKey(SECRET, 'vc-kungsor');
    const wrong = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const url of [
      `${base}/api/telephony/46elks/clinics/vc-kungsor/${wrong}/voice/start`,
      `${base}/api/telephony/46elks/clinics/vc-kungsor/${SECRET}/voice/start`,
      `${base}/api/telephony/46elks/clinics/vc-kungsor/${key}x/voice/start`,
      `${base}/api/telephony/46elks/${webhookKey(SECRET)}x/sms/m1/delivered`,
      clinicWebhookUrl(baseWithoutSecret, SECRET, 'vc-kungsor', '/voice/start'),
      webhookUrl(baseWithoutSecret, SECRET, '/sms/m1/delivered'),
    ]) {
      const response = await post(url);
      expect(response.status, url).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    }
  });

  it('keeps every key out of access-log paths', () => {
    expect(redactWebhookKey(new URL(webhookUrl('http://x', SECRET, '/calls/c1/hangup')).pathname)).toBe('/api/telephony/46elks/:key/calls/c1/hangup');
    expect(redactWebhookKey(new URL(clinicWebhookUrl('http://x', SECRET, 'vc-kungsor', '/voice/start')).pathname)).toBe(
      '/api/telephony/46elks/clinics/vc-kungsor/:key/voice/start',
    );
    expect(redactWebhookKey('/api/clinics')).toBe('/api/clinics');
  });
});
