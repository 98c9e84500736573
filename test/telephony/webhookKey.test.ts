// The 46elks webhooks answer only under the key derived from the secret; anything else is a plain 404.
import express, { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notFoundHandler } from '../../src/http/errorHandler.js';
import { elksWebhooks, redactWebhookKey, webhookKey, webhookUrl } from '../../src/telephony/webhookKey.js';

const SECRET = 'a-telephony-secret-of-at-least-32-characters';

function appWith(secret: string | null) {
  const routes = Router();
  routes.post('/voice/start', (req, res) => void res.json({ got: req.body.from }));
  const app = express();
  app.use('/api', elksWebhooks(secret, notFoundHandler, routes));
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

  it('reaches the route under the derived key, with the form fields parsed', async () => {
    const response = await post(webhookUrl(base, SECRET, '/voice/start'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: '+46701234567' });
  });

  it('answers 404 to a wrong key, the raw secret, a key of another length, or when no secret is set', async () => {
    const key = webhookKey(SECRET);
    const wrong = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const url of [
      `${base}/api/telephony/46elks/${wrong}/voice/start`,
      `${base}/api/telephony/46elks/${SECRET}/voice/start`,
      `${base}/api/telephony/46elks/${key}x/voice/start`,
      webhookUrl(baseWithoutSecret, SECRET, '/voice/start'),
    ]) {
      const response = await post(url);
      expect(response.status, url).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    }
  });

  it('keeps the key out of access-log paths', () => {
    const path = new URL(webhookUrl('http://x', SECRET, '/voice/start')).pathname;
    expect(redactWebhookKey(path)).toBe('/api/telephony/46elks/:key/voice/start');
    expect(redactWebhookKey('/api/clinics')).toBe('/api/clinics');
  });
});
