// The Express application: JSON in, routes, OpenAPI document and docs page, one error handler.
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { CallbackBookingService } from '../services/callbackBooking.js';
import type { CallQueueService } from '../services/callQueue.js';
import type { GuaranteeCaseService } from '../services/guaranteeCases.js';
import type { ReportService } from '../services/reports.js';
import type { StaffAuthenticator } from '../services/staffAuth.js';
import type { TelephonyService } from '../services/telephony.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';
import { assetRoutes } from './pages/assets.js';
import { staffPageErrors } from './pages/staff/errors.js';
import { staffHomeRoutes } from './pages/staff/home.js';
import { managerPageRoutes } from './pages/manager/routes.js';
import { atRiskPageRoutes } from './pages/staff/atRisk.js';
import { queuePageRoutes } from './pages/staff/queue.js';
import { signInRoutes } from './pages/staff/session.js';
import { createStaffSessions } from '../services/staffSessions.js';
import { accessLog, countBookingResult, healthRoutes, httpMetrics, metricsRoute, securityHeaders, type HttpSettings } from './operations.js';
import type { RateLimits } from './rateLimits.js';
import { createRegistry, generateDocument } from './openapi.js';
import { callbackRoutes } from './routes/callbacks.js';
import { cancelPageRoutes } from './routes/cancelPage.js';
import { patientPageRoutes } from './pages/patient/routes.js';
import { clinicRoutes } from './routes/clinics.js';
import { guaranteeCaseRoutes } from './routes/guaranteeCases.js';
import { reportRoutes } from './routes/reports.js';
import { clinicSettingsRoutes } from './routes/clinicSettings.js';
import type { ClinicSettingsService } from '../services/clinicSettings.js';
import { staffRoutes } from './routes/staff.js';
import { auditDeniedStaffRequests } from './staffAccess.js';
import { telephonyRoutes } from './routes/telephony.js';
import { elksWebhooks } from '../telephony/webhookKey.js';
import type { PhoneBookingService } from '../services/phoneBooking.js';
import type { ClipSet } from '../telephony/clips.js';
import type { ClinicNames } from '../services/clinicNames.js';
import { elksVoiceRoutes } from './routes/elksVoice.js';
import { clinicTelephonyRoutes, voiceStartUrlFor } from './routes/clinicTelephony.js';
import { createClinicTelephonyService } from '../services/clinicTelephony.js';
import type { DiallingService } from '../services/dialling.js';
import { dialRoutes } from './routes/dial.js';
import { elksDiallingRoutes } from './routes/elksDialling.js';

export interface AppDeps {
  db: Database;
  clock: Clock;
  booking: CallbackBookingService;
  queue: CallQueueService;
  telephony: TelephonyService;
  /** Agent-first dialling of callbacks through the telephony provider. */
  dialling: DiallingService;
  cases: GuaranteeCaseService;
  reports: ReportService;
  /** The one way staff routes learn who is asking (bearer token or OpenID Connect). */
  staffAuth: StaffAuthenticator;
  telephonySecret: string | null;
  /** The secret before the last rotation: webhook keys and call states made with it are still accepted. */
  telephonyPreviousSecret?: string | null;
  /** Where the provider reaches this app: the base of every webhook URL handed to it. */
  publicBaseUrl: string;
  /** Booking by phone keypad (IVR), and the voice clips its prompts are made of. */
  phoneBooking: PhoneBookingService;
  voiceClips: ClipSet;
  /** Clinics' names as the phone line says them. */
  clinicNames: ClinicNames;
  logger: Logger;
  /** Managers' clinic settings (composed with this process's rules cache: src/compose.ts). */
  clinicSettings: ClinicSettingsService;
  /** Readiness: resolves when the database answers. */
  checkDatabase: () => Promise<void>;
  /** Readiness: resolves when Redis answers. */
  checkRedis: () => Promise<void>;
  limits: RateLimits;
  http: HttpSettings;
  /** How long a 46elks voice webhook may take before the caller hears the apology; default 3 s (the routes'). */
  voiceDeadlineMs?: number;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: it hashed every body sent (≈ 2 % of a slot listing), and no client of this API or its pages revalidates.
  app.set('etag', false);
  // Client addresses (for rate limits) come from X-Forwarded-For only when a trusted proxy set it (TRUST_PROXY).
  app.set('trust proxy', deps.http.trustProxy);
  app.use(securityHeaders(deps.http));
  app.use(httpMetrics);
  app.use(accessLog(deps.logger));
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
  api.use(clinicRoutes(deps.booking, registry, deps.limits));
  api.post('/clinics/:clinicId/callbacks', countBookingResult);
  api.use(callbackRoutes(deps.booking, registry, deps.limits));
  api.use(staffRoutes({ auth: deps.staffAuth, queue: deps.queue, clock: deps.clock }, registry));
  api.use(guaranteeCaseRoutes({ auth: deps.staffAuth, cases: deps.cases }, registry));
  api.use(reportRoutes({ auth: deps.staffAuth, reports: deps.reports }, registry));
  const clinicTelephony = createClinicTelephonyService({ db: deps.db, clock: deps.clock });
  api.use(clinicSettingsRoutes({ auth: deps.staffAuth, settings: deps.clinicSettings }, registry));
  api.use(telephonyRoutes({ telephony: deps.telephony, secret: deps.telephonySecret }, registry));
  // 46elks webhooks: authenticated by the key in their URLs (src/telephony/webhookKey.ts).
  const webhookSecrets = deps.telephonySecret ? { current: deps.telephonySecret, previous: deps.telephonyPreviousSecret ?? null } : null;
  const voice = elksVoiceRoutes({
    phone: deps.phoneBooking,
    clips: deps.voiceClips,
    clinicNameAudio: deps.clinicNames.audio,
    publicBaseUrl: deps.publicBaseUrl,
    secrets: webhookSecrets,
    logger: deps.logger,
    deadlineMs: deps.voiceDeadlineMs,
  });
  api.use(dialRoutes({ auth: deps.staffAuth, dialling: deps.dialling }, registry));
  const dialling = elksDiallingRoutes({
    dialling: deps.dialling,
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    clips: deps.voiceClips,
    publicBaseUrl: deps.publicBaseUrl,
    secret: deps.telephonySecret,
    deadlineMs: deps.voiceDeadlineMs,
  });
  // The phone line under each clinic's key; dialling and SMS delivery reports under the region's (never shown).
  api.use(elksWebhooks(webhookSecrets, notFoundHandler, { clinic: [voice], region: [dialling] }));
  api.use(clinicTelephonyRoutes({ auth: deps.staffAuth, telephony: clinicTelephony, publicBaseUrl: deps.publicBaseUrl, secret: deps.telephonySecret }, registry));
  // After the routes: a staff member's refused (403) request is audited before the error handler answers.
  api.use(auditDeniedStaffRequests({ db: deps.db, clock: deps.clock, logger: deps.logger }));
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
  const sessions = createStaffSessions({ db: deps.db, clock: deps.clock, auth: deps.staffAuth });
  app.use(signInRoutes(sessions, { secureCookies: deps.http.behindTls, limit: deps.limits.bookings }));
  app.use(staffHomeRoutes({ sessions, listClinics: () => deps.booking.listClinics() }));
  app.use(
    managerPageRoutes({
      sessions,
      reports: deps.reports,
      settings: deps.clinicSettings,
      telephony: clinicTelephony,
      voiceStartUrl: (staff, clinicId) => voiceStartUrlFor(staff, clinicId, { publicBaseUrl: deps.publicBaseUrl, secret: deps.telephonySecret }),
      clock: deps.clock,
      listClinics: () => deps.booking.listClinics(),
    }),
  );
  const consoleDeps = { sessions, queue: deps.queue, cases: deps.cases, clock: deps.clock, listClinics: () => deps.booking.listClinics(), dialling: deps.dialling };
  app.use(queuePageRoutes(consoleDeps));
  app.use(atRiskPageRoutes(consoleDeps));
  const patientPages = { booking: deps.booking, limits: deps.limits, clock: deps.clock };
  app.use(cancelPageRoutes(patientPages));
  app.use(patientPageRoutes(patientPages));
  app.use(staffPageErrors);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
