// What operators and browsers need of the HTTP layer beside the API itself: security headers, CORS,
// health checks for orchestrators and per-route latency metrics (the /metrics route itself: src/ops/metricsServer.ts).
import cors from 'cors';
import { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from '../logger.js';
import { bookingRefusalsTotal, bookingsTotal, httpRequestDuration } from '../ops/metrics.js';
import { redactWebhookKey, webhookRoutePattern } from '../telephony/webhookKey.js';
import type { HttpSettings } from '../config/http.js';

export function securityHeaders(settings: HttpSettings): RequestHandler[] {
  const handlers: RequestHandler[] = [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          // Inline <style> in the server-rendered pages; no inline script anywhere.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          ...(settings.behindTls ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: settings.behindTls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
    }),
  ];
  if (settings.corsOrigins.length > 0) {
    handlers.push(cors({ origin: settings.corsOrigins, allowedHeaders: ['content-type', 'authorization', 'idempotency-key', 'x-callback-token'] }));
  }
  return handlers;
}

/** /health/live: the process answers. /health/ready: PostgreSQL and Redis answer, naming the one that does not. */
export function healthRoutes(checks: { database: () => Promise<void>; redis: () => Promise<void> }): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const ready: RequestHandler = async (_req, res) => {
    const [database, redis] = await Promise.all([settle(checks.database), settle(checks.redis)]);
    const ok = database === 'ok' && redis === 'ok';
    if (!ok) res.setHeader('Retry-After', '5');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: { database, redis } });
  };
  router.get('/health/ready', ready);
  router.get('/health', ready);
  return router;
}

const CHECK_TIMEOUT_MS = 2000;

async function settle(check: () => Promise<void>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One access line per request: method, path, status and time. Never the query string or a body (they may hold
 * patient data), and a 46elks webhook URL's key redacted. The line is made of those fields alone, so it is written
 * without the logger's redaction, which walks every redacted path per line. pino-http cost a child logger and
 * serializers per request; with the redaction they cost about a third of a cached slot listing (issue 11).
 */
export function accessLog(logger: Logger): RequestHandler {
  const access = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      access.info(
        {
          req: { method: req.method, url: redactWebhookKey(pathOf(req.originalUrl)) },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        // A client that hung up before the answer was sent leaves an aborted line, as pino-http did.
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}

/** The path of a request target, also of an absolute-form one (`GET http://host/api/…`, which Express routes too). */
function pathOf(target: string): string {
  if (target.startsWith('/')) return target.split('?')[0]!;
  try {
    return new URL(target).pathname;
  } catch {
    return '(unparsable)';
  }
}

/** Latency by route pattern (never the raw path: it holds ids), recorded when the response is sent. */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    // The base URL of a 46elks webhook holds its secret key: the label names the route, never the key.
    const route = req.route?.path ? `${webhookRoutePattern(req.baseUrl)}${String(req.route.path)}` : 'unmatched';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
};

/**
 * Counts a booking request's result: booked by channel (an idempotent replay books nothing), or refused by the
 * error code the patient got. Malformed requests (400, 413) are not refusals of a booking and are not counted.
 */
export const countBookingResult: RequestHandler = (req, res, next) => {
  res.on('finish', () => {
    if (res.statusCode === 201) {
      if (res.getHeader('Idempotent-Replayed')) return;
      bookingsTotal.inc({ channel: req.body?.channel === 'ivr' ? 'ivr' : 'web' });
    } else if ([404, 409, 422, 429].includes(res.statusCode)) {
      bookingRefusalsTotal.inc({ reason: String(res.locals.errorCode ?? res.statusCode) });
    }
  });
  next();
};
