// The Express application over the services (src/compose.ts builds both): JSON in, the API's endpoint definitions
// (src/http/endpoints/, each registered as an Express route and an OpenAPI path), the 46elks webhooks, the pages,
// the OpenAPI document and docs page, and the one error handler.
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Services } from '../services/index.js';
import type { HttpSettings } from '../config/http.js';
import { elksWebhooks } from '../telephony/webhookKey.js';
import { mountEndpoints } from './endpoint.js';
import { apiEndpoints } from './endpoints/index.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';
import { createRegistry, generateDocument } from './openapi.js';
import { metricsRoute } from '../ops/metricsServer.js';
import { accessLog, countBookingResult, healthRoutes, httpMetrics, securityHeaders } from './operations.js';
import { assetRoutes } from './pages/assets.js';
import { managerPageRoutes } from './pages/manager/routes.js';
import { patientPageRoutes } from './pages/patient/routes.js';
import { atRiskPageRoutes } from './pages/staff/atRisk/routes.js';
import { staffPageErrors } from './pages/staff/errors.js';
import { staffHomeRoutes } from './pages/staff/home/routes.js';
import { queuePageRoutes } from './pages/staff/queue/routes.js';
import { signInRoutes } from './pages/staff/signIn/routes.js';
import type { RateLimits } from './rateLimits.js';
import { cancelPageRoutes } from './pages/patient/routes.js';
import { auditDeniedStaffRequests } from './staffAccess.js';
import { voiceStartUrlFor } from './voiceStartUrl.js';
import { elksDiallingRoutes } from './webhooks/elksDialling.js';
import { elksVoiceRoutes } from './webhooks/elksVoice.js';

/** What the HTTP side needs beyond the services. */
export interface HttpAppDeps {
  /** Readiness: resolves when the database answers. */
  checkDatabase: () => Promise<void>;
  /** Readiness: resolves when Redis answers. */
  checkRedis: () => Promise<void>;
  limits: RateLimits;
  http: HttpSettings;
  /** How long a 46elks voice webhook may take before the caller hears the apology; default 3 s (the routes'). */
  voiceDeadlineMs?: number;
}

export function createApp(services: Services, deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: it hashed every body sent (≈ 2 % of a slot listing), and no client of this API or its pages revalidates.
  app.set('etag', false);
  // Client addresses (for rate limits) come from X-Forwarded-For only when a trusted proxy set it (TRUST_PROXY).
  app.set('trust proxy', deps.http.trustProxy);
  app.use(securityHeaders(deps.http));
  app.use(httpMetrics);
  app.use(accessLog(services.logger));
  // Keep the raw bytes: telephony signatures are computed over the body exactly as sent.
  app.use(
    express.json({
      limit: '32kb',
      verify: (req, _res, buf) => {
        (req as { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );

  const registry = createRegistry();
  const api = express.Router();
  const { limits } = deps;
  const voiceStartUrl = voiceStartUrlFor(services);
  api.post('/clinics/:clinicId/callbacks', countBookingResult);
  mountEndpoints(api, registry, apiEndpoints(services, limits), { auth: services.staffAuth });
  // 46elks webhooks: authenticated by the keys in their URLs (src/telephony/webhookKey.ts): the phone line under each
  // clinic's key; dialling and SMS delivery reports under the region's (never shown).
  const webhookDeps = { publicBaseUrl: services.publicBaseUrl, logger: services.logger, deadlineMs: deps.voiceDeadlineMs };
  const voice = elksVoiceRoutes({ ...webhookDeps, phone: services.phoneBooking, clips: services.voiceClips, clinicNameAudio: services.clinicNames.audio, secrets: services.webhookSecrets });
  const dialling = elksDiallingRoutes({
    ...webhookDeps,
    dialling: services.dialling,
    db: services.db,
    clock: services.clock,
    clips: services.voiceClips,
    secret: services.webhookSecrets?.current ?? null,
  });
  api.use(elksWebhooks(services.webhookSecrets, notFoundHandler, { clinic: [voice], region: [dialling] }));
  // After the routes: a staff member's refused (403) request is audited before the error handler answers.
  api.use(auditDeniedStaffRequests({ db: services.db, clock: services.clock, logger: services.logger }));
  const document = generateDocument(registry);

  if (deps.http.apiDocs) {
    api.get('/openapi.json', (_req, res) => {
      res.json(document);
    });
    api.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'Callback API' }));
  }
  app.use(healthRoutes({ database: deps.checkDatabase, redis: deps.checkRedis }));
  app.use(metricsRoute(deps.http.metricsToken));

  app.use('/api', api);
  app.use(assetRoutes());
  // Staff pages: sign-in with the same authenticator as the API, then a session cookie.
  const sessions = services.staffSessions;
  const listClinics = () => services.booking.listClinics();
  app.use(signInRoutes(sessions, { secureCookies: deps.http.behindTls, limit: limits.bookings }));
  app.use(staffHomeRoutes({ sessions, listClinics }));
  app.use(
    managerPageRoutes({
      sessions,
      reports: services.reports,
      national: services.national,
      settings: services.clinicSettings,
      telephony: services.clinicTelephony,
      voiceStartUrl,
      clock: services.clock,
      listClinics,
    }),
  );
  const consoleDeps = { sessions, queue: services.queue, cases: services.cases, clock: services.clock, listClinics, dialling: services.dialling };
  app.use(queuePageRoutes(consoleDeps));
  app.use(atRiskPageRoutes(consoleDeps));
  const patientPages = { booking: services.booking, limits, clock: services.clock };
  app.use(cancelPageRoutes(patientPages));
  app.use(patientPageRoutes(patientPages));
  app.use(staffPageErrors);
  app.use(notFoundHandler);
  app.use(errorHandler(services.logger));
  return app;
}
