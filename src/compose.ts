// Wires the services into the HTTP app: the one place that knows every concrete dependency of the API.
import type { Express } from 'express';
import type { Clock } from './clock.js';
import type { Database } from './db/database.js';
import type { Redis } from 'ioredis';
import { createApp } from './http/app.js';
import { DEFAULT_HTTP_SETTINGS, type HttpSettings } from './http/operations.js';
import { createRateLimits, DEFAULT_RATE_LIMITS, NO_RATE_LIMITS, type RateLimitSettings } from './http/rateLimits.js';
import type { Logger } from './logger.js';
import type { JobScheduler } from './queue/jobScheduler.js';
import { createCallbackBookingService } from './services/callbackBooking.js';
import { createClinicRulesCache } from './services/clinicRulesCache.js';
import { clinicRulesChangesOf, slotPlacesChangesOf, type ClinicChanges, type ClinicRulesChanges } from './db/clinicChanges.js';
import { createSlotListingCache } from './services/slotListingCache.js';
import { createClinicSettingsService } from './services/clinicSettings.js';
import { findClinicRules } from './db/clinics.js';
import { createCallbackTokens } from './services/callbackTokens.js';
import { createCallQueueService } from './services/callQueue.js';
import { createGuaranteeCaseService } from './services/guaranteeCases.js';
import { createReportService } from './services/reports.js';
import { createOidcVerifier } from './services/oidc.js';
import { createStaffAuthenticator } from './services/staffAuth.js';
import type { OidcConfig } from './config.js';
import type { GuaranteeStartBasis } from './domain/guaranteeCase.js';
import { createTelephonyService } from './services/telephony.js';
import { createPhoneBookingService } from './services/phoneBooking.js';
import { clipSetIn } from './telephony/clips.js';
import { createClinicNames } from './services/clinicNames.js';
import { createDiallingService } from './services/dialling.js';
import type { TelephonyProvider } from './telephony/port.js';

export interface ApiDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  jobs: JobScheduler;
  callbackTokenSecret: string;
  dueLeadMinutes: number;
  claimTimeoutMinutes: number;
  telephonySecret: string | null;
  /** TELEPHONY_WEBHOOK_SECRET_PREVIOUS: still accepted during a rotation. */
  telephonyPreviousSecret?: string | null;
  /** Where patients and the telephony provider reach this app (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  /** Places agent-first calls (TELEPHONY_PROVIDER); null or omitted: dialling through the app is unavailable. */
  telephonyProvider?: TelephonyProvider | null;
  /** The voice clips' folder (VOICE_CLIPS_DIR); null or omitted: the shipped Swedish set. */
  voiceClipsDir?: string | null;
  guaranteeStart: GuaranteeStartBasis;
  /** Staff may also sign in with the issuer's JWTs; null or omitted: bearer tokens only. */
  oidc?: OidcConfig | null;
  /** Open callbacks one phone number may hold across clinics; default DEFAULT_MAX_OPEN_PER_PHONE. */
  maxOpenCallbacksPerPhone?: number;
  /** The API's Redis connection: rate-limit counters and the readiness check. */
  redis: Redis;
  /** Prefix of this deployment's Redis keys (the BullMQ prefix). */
  redisPrefix: string;
  /** Limits on public endpoints; null: none (tests about other things). Default DEFAULT_RATE_LIMITS. */
  rateLimits?: RateLimitSettings | null;
  http?: Partial<HttpSettings>;
  /** Where the rules cache hears of changes; default the database's (LISTEN clinic_rules_changed). Tests inject. */
  clinicRulesChanges?: ClinicRulesChanges;
  /** Where the slot listings cache hears of places taken or freed; default the database's (LISTEN slot_places_changed). */
  slotPlacesChanges?: ClinicChanges;
  /** How long a 46elks voice webhook may take; default 3 s (46elks's own patience). Tests of other things lengthen it. */
  voiceDeadlineMs?: number;
}

export function composeApi(deps: ApiDeps): Express {
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
  return createApp({
    db,
    clock,
    logger,
    booking,
    phoneBooking: createPhoneBookingService({ db, clock, booking, logger, maxOpenPerPhone: deps.maxOpenCallbacksPerPhone, hasNameClip: clinicNames.has }),
    voiceClips,
    clinicNames,
    queue: createCallQueueService({ db, clock, jobs, logger, claimTimeoutMinutes: deps.claimTimeoutMinutes }),
    telephony,
    dialling: createDiallingService({
      db,
      clock,
      logger,
      telephony,
      provider: deps.telephonyProvider ?? null,
      webhookSecret: deps.telephonySecret,
      publicBaseUrl: deps.publicBaseUrl,
      claimTimeoutMinutes: deps.claimTimeoutMinutes,
    }),
    cases: createGuaranteeCaseService({ db, clock, basis: deps.guaranteeStart }),
    reports: createReportService({ db, clock, basis: deps.guaranteeStart }),
    staffAuth: createStaffAuthenticator({ db, clock, oidc: deps.oidc ? createOidcVerifier(deps.oidc, { clock, logger }) : null }),
    telephonySecret: deps.telephonySecret,
    telephonyPreviousSecret: deps.telephonyPreviousSecret ?? null,
    publicBaseUrl: deps.publicBaseUrl,
    clinicSettings: createClinicSettingsService({ db, clock, onRulesChanged: clinicRules.forget }),
    checkDatabase: async () => void (await db.query('SELECT 1')),
    checkRedis: async () => void (await deps.redis.ping()),
    limits:
      deps.rateLimits === null
        ? NO_RATE_LIMITS
        : createRateLimits(deps.redis, deps.redisPrefix, deps.rateLimits ?? DEFAULT_RATE_LIMITS, deps.callbackTokenSecret),
    http: { ...DEFAULT_HTTP_SETTINGS, ...deps.http },
    voiceDeadlineMs: deps.voiceDeadlineMs,
  });
}
