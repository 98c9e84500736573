// The one composition root: builds every service once, from the configuration and the process's handles (database,
// clock, logger, job scheduler), into one Services object that the API, the workers, the CLI and the tests all use.
// The only module that chooses a concrete adapter (SMS provider, telephony provider, speech, notifier).
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { DEFAULT_HTTP_SETTINGS, DEFAULT_RATE_LIMITS, type HttpSettings, type RateLimitSettings } from './config/http.js';
import { defaultNationalMapping } from './config/nationalMapping.js';
import type { OidcConfig } from './config/oidc.js';
import { clinicRulesChangesOf, slotPlacesChangesOf, type ClinicChanges, type ClinicRulesChanges } from './db/clinicChanges.js';
import { findClinicRules } from './db/clinics.js';
import type { Database } from './db/database.js';
import { listManagerPhones } from './db/staff.js';
import type { GuaranteeStartBasis } from './domain/guaranteeCase.js';
import type { NationalMapping } from './domain/nationalReport.js';
import { createApp } from './http/app.js';
import { createRateLimits, NO_RATE_LIMITS } from './http/rateLimits.js';
import type { Logger } from './logger.js';
import { createLogNotifier } from './notify/logNotifier.js';
import type { ManagerNotifier } from './notify/port.js';
import { createSmsNotifier } from './notify/smsNotifier.js';
import type { JobScheduler } from './queue/jobScheduler.js';
import { createCallbackBookingService } from './services/callbackBooking.js';
import { createCallbackTokens } from './services/callbackTokens.js';
import { createCallQueueService } from './services/callQueue.js';
import { createClinicNames } from './services/clinicNames.js';
import { createClinicRulesCache } from './services/clinicRulesCache.js';
import { createClinicAdminService } from './services/clinicAdmin.js';
import { createClinicSettingsService } from './services/clinicSettings.js';
import { createStaffAdminService } from './services/staffAdmin.js';
import { createClinicTelephonyService } from './services/clinicTelephony.js';
import { createDiallingService } from './services/dialling.js';
import { createGuaranteeCaseService } from './services/guaranteeCases.js';
import { createOidcVerifier } from './services/oidc.js';
import { createPhoneBookingService } from './services/phoneBooking.js';
import { createNationalReportService } from './services/nationalReports.js';
import { createReportService } from './services/reports.js';
import { createSlotListingCache } from './services/slotListingCache.js';
import { createStaffAuthenticator } from './services/staffAuth.js';
import { createStaffSessions } from './services/staffSessions.js';
import { createTelephonyService } from './services/telephony.js';
import { createConsoleSms } from './sms/consoleSms.js';
import { createElksSms } from './sms/elksSms.js';
import { createHttpSms } from './sms/httpSms.js';
import type { SmsSender } from './sms/port.js';
import { clipSetIn } from './telephony/clips.js';
import type { Services } from './services/index.js';
import { createElksClient, createElksTelephony, ELKS_WEBHOOK_PATHS } from './telephony/elks.js';
import type { TelephonyProvider } from './telephony/port.js';
import { espeakSynthesizer, type SpeechSynthesizer } from './telephony/speech.js';
import { webhookUrl, type WebhookSecrets } from './telephony/webhookKey.js';
import { createHttpsTransfer } from './transfer/httpsTransfer.js';
import type { NationalTransfer } from './transfer/port.js';

/** What the services are built from: the process's handles and the settings (src/config.ts) they need. */
export interface ServiceDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  jobs: JobScheduler;
  callbackTokenSecret: string;
  dueLeadMinutes: number;
  claimTimeoutMinutes: number;
  /** TELEPHONY_WEBHOOK_SECRET and, during a rotation, the previous one; null: telephony is off. */
  webhookSecrets: WebhookSecrets | null;
  /** Where patients and the telephony provider reach this app (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  guaranteeStart: GuaranteeStartBasis;
  /** Places agent-first calls (TELEPHONY_PROVIDER); null or omitted: dialling through the app is unavailable. */
  telephonyProvider?: TelephonyProvider | null;
  /** Sends the patients' and managers' SMS; default the console (development). */
  sms?: SmsSender;
  /** Tells managers of cases at risk; default by SMS to those with a phone, else the log. */
  notifier?: ManagerNotifier;
  /** Voices clinics' names for the phone line; default Debian's espeak-ng. */
  speech?: SpeechSynthesizer;
  /** The voice clips' folder (VOICE_CLIPS_DIR); null or omitted: the shipped Swedish set. */
  voiceClipsDir?: string | null;
  /** Staff may also sign in with the issuer's JWTs; null or omitted: bearer tokens only. */
  oidc?: OidcConfig | null;
  /** Days a staff token made by an admin is valid unless they say otherwise (STAFF_TOKEN_DAYS); default 90. */
  staffTokenDays?: number;
  /** Open callbacks one phone number may hold across clinics; default DEFAULT_MAX_OPEN_PER_PHONE. */
  maxOpenCallbacksPerPhone?: number;
  /** Where the rules cache hears of changes; default the database's (LISTEN clinic_rules_changed). Tests inject. */
  clinicRulesChanges?: ClinicRulesChanges;
  /** Where the slot listings cache hears of places taken or freed; default the database's (LISTEN slot_places_changed). */
  slotPlacesChanges?: ClinicChanges;
  /** The national file's columns and codes (NATIONAL_MAPPING_FILE); default the shipped mapping. */
  nationalMapping?: NationalMapping;
  /** Where the national file is delivered (NATIONAL_TRANSFER_URL); null or omitted: nowhere. */
  nationalTransfer?: NationalTransfer | null;
}

export function createServices(deps: ServiceDeps): Services {
  const { db, clock, logger, jobs } = deps;
  const tokens = createCallbackTokens(deps.callbackTokenSecret);
  // Clinic rules read and validated once per change, forgotten in every process when any writer changes them.
  const clinicRules = createClinicRulesCache({ load: (clinicId) => findClinicRules(db, clinicId), changes: deps.clinicRulesChanges ?? clinicRulesChangesOf(db) });
  const booking = createCallbackBookingService({
    db,
    rules: clinicRules.get,
    // Listings kept until a place at the clinic is taken or freed, anywhere: the rush asks the same few again and again.
    slotListings: createSlotListingCache(deps.slotPlacesChanges ?? slotPlacesChangesOf(db)),
    clock,
    tokens,
    jobs,
    logger,
    dueLeadMinutes: deps.dueLeadMinutes,
    maxOpenPerPhone: deps.maxOpenCallbacksPerPhone,
  });
  const telephony = createTelephonyService({ db, clock, jobs, logger });
  // Loaded (and checked complete) once per folder: a bad folder stops start-up naming the missing clips.
  const voiceClips = clipSetIn(deps.voiceClipsDir ?? undefined);
  const clinicNames = createClinicNames({ db, clips: voiceClips });
  const staffAuth = createStaffAuthenticator({ db, clock, oidc: deps.oidc ? createOidcVerifier(deps.oidc, { clock, logger }) : null });
  const sms = deps.sms ?? createConsoleSms(logger);
  return {
    db,
    clock,
    logger,
    jobs,
    publicBaseUrl: deps.publicBaseUrl,
    webhookSecrets: deps.webhookSecrets,
    tokens,
    booking,
    phoneBooking: createPhoneBookingService({ db, clock, booking, logger, maxOpenPerPhone: deps.maxOpenCallbacksPerPhone, hasNameClip: clinicNames.has }),
    queue: createCallQueueService({ db, clock, jobs, logger, claimTimeoutMinutes: deps.claimTimeoutMinutes }),
    telephony,
    dialling: createDiallingService({
      db,
      clock,
      logger,
      telephony,
      provider: deps.telephonyProvider ?? null,
      webhookSecret: deps.webhookSecrets?.current ?? null,
      publicBaseUrl: deps.publicBaseUrl,
      claimTimeoutMinutes: deps.claimTimeoutMinutes,
    }),
    cases: createGuaranteeCaseService({ db, clock, basis: deps.guaranteeStart }),
    reports: createReportService({ db, clock, basis: deps.guaranteeStart }),
    national: createNationalReportService({
      db,
      clock,
      jobs,
      mapping: deps.nationalMapping ?? defaultNationalMapping(),
      transferTarget: deps.nationalTransfer?.target ?? null,
    }),
    nationalTransfer: deps.nationalTransfer ?? null,
    staffAuth,
    staffSessions: createStaffSessions({ db, clock, auth: staffAuth }),
    clinicSettings: createClinicSettingsService({ db, clock, onRulesChanged: clinicRules.forget }),
    clinicAdmin: createClinicAdminService({ db, clock, onRulesChanged: clinicRules.forget }),
    staffAdmin: createStaffAdminService({ db, clock, tokenDays: deps.staffTokenDays ?? 90, oidc: deps.oidc ?? null }),
    clinicTelephony: createClinicTelephonyService({ db, clock }),
    clinicNames,
    voiceClips,
    sms,
    notifier: deps.notifier ?? createSmsNotifier({ managerPhones: (clinicId) => listManagerPhones(db, clinicId), sms, fallback: createLogNotifier(logger) }),
    speech: deps.speech ?? espeakSynthesizer(),
  };
}

/** The SMS provider SMS_PROVIDER names. 46elks reports delivery to our webhook when its secret is set. */
export function smsSenderOf(config: Config, logger: Logger): SmsSender {
  if (config.sms.provider === 'http') return createHttpSms({ url: config.sms.url, token: config.sms.token, sender: config.sms.sender });
  if (config.sms.provider === '46elks' && config.elks) {
    const secret = config.telephonyWebhookSecret;
    return createElksSms({
      client: createElksClient(config.elks),
      sender: config.sms.sender,
      deliveryReportUrl: secret ? (reference) => webhookUrl(config.publicBaseUrl, secret, ELKS_WEBHOOK_PATHS.smsDelivered(reference)) : null,
    });
  }
  return createConsoleSms(logger);
}

/** The services as the configuration says, for a process (the API, a worker) with its handles. */
export function servicesFromConfig(
  config: Config,
  handles: { db: Database; clock: Clock; logger: Logger; jobs: JobScheduler; callbackTokenSecret: string },
  overrides: Partial<Pick<ServiceDeps, 'sms' | 'notifier' | 'speech'>> = {},
): Services {
  return createServices({
    ...handles,
    dueLeadMinutes: config.dueLeadMinutes,
    claimTimeoutMinutes: config.claimTimeoutMinutes,
    webhookSecrets: config.telephonyWebhookSecret ? { current: config.telephonyWebhookSecret, previous: config.telephonyPreviousSecret } : null,
    publicBaseUrl: config.publicBaseUrl,
    guaranteeStart: config.guaranteeStart,
    telephonyProvider: config.telephonyProvider === '46elks' && config.elks ? createElksTelephony(createElksClient(config.elks)) : null,
    sms: overrides.sms ?? smsSenderOf(config, handles.logger),
    notifier: overrides.notifier,
    speech: overrides.speech,
    voiceClipsDir: config.voiceClipsDir,
    oidc: config.oidc,
    staffTokenDays: config.staffTokenDays,
    maxOpenCallbacksPerPhone: config.maxOpenCallbacksPerPhone,
    nationalMapping: config.national.mapping,
    nationalTransfer: config.national.transfer ? createHttpsTransfer(config.national.transfer) : null,
  });
}

/** What the HTTP side adds: Redis (rate limits, readiness), limits and HTTP settings, the voice webhooks' deadline. */
export interface HttpDeps {
  /** The API's Redis connection: rate-limit counters and the readiness check. */
  redis: Redis;
  /** Prefix of this deployment's Redis keys (the BullMQ prefix). */
  redisPrefix: string;
  /** Limits on public endpoints; null: none (tests about other things). Default DEFAULT_RATE_LIMITS. */
  rateLimits?: RateLimitSettings | null;
  http?: Partial<HttpSettings>;
  /** How long a 46elks voice webhook may take; default 3 s (46elks's own patience). Tests of other things lengthen it. */
  voiceDeadlineMs?: number;
  /** The secret rate-limit keys are hashed under (the phone numbers counted); default the cancel-token secret. */
  rateLimitSecret: string;
}

/** The Express app over the services. */
export function composeHttp(services: Services, deps: HttpDeps): Express {
  return createApp(services, {
    checkDatabase: async () => void (await services.db.query('SELECT 1')),
    checkRedis: async () => void (await deps.redis.ping()),
    limits:
      deps.rateLimits === null
        ? NO_RATE_LIMITS
        : createRateLimits(deps.redis, deps.redisPrefix, deps.rateLimits ?? DEFAULT_RATE_LIMITS, deps.rateLimitSecret),
    http: { ...DEFAULT_HTTP_SETTINGS, ...deps.http },
    voiceDeadlineMs: deps.voiceDeadlineMs,
  });
}

/** The services and the app in one call: what the tests and benches start. */
export function composeApi(deps: ServiceDeps & Omit<HttpDeps, 'rateLimitSecret'>): Express {
  return composeHttp(createServices(deps), { ...deps, rateLimitSecret: deps.callbackTokenSecret });
}
