// The Prometheus scrape endpoint, /metrics behind its own bearer token (METRICS_TOKEN): mounted by the API, and
// served on a port of its own by a worker process (WORKER_METRICS_PORT).
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express, { Router } from 'express';
import { metricsRegistry } from './metrics.js';

/** GET /metrics for Prometheus, only with the configured bearer token; not served at all without one. */
export function metricsRoute(token: string | null): Router {
  const router = Router();
  if (!token) return router;
  const expected = Buffer.from(`Bearer ${token}`);
  router.get('/metrics', async (req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).json({ error: { code: 'unauthenticated', message: 'Metrics need the bearer token set in METRICS_TOKEN.' } });
      return;
    }
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  return router;
}


/** A server of its own for /metrics (a worker process has no API). */
export function startMetricsServer(token: string, port: number, host: string): Server {
  return express().use(metricsRoute(token)).listen(port, host);
}
