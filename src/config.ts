// Configuration, parsed once from the environment at start-up. A bad value stops start-up naming the variable.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { DEFAULT_MAX_OPEN_PER_PHONE } from './domain/callerPolicy.js';
import { elksProblems } from './config/elks.js';
import { DEFAULT_RATE_LIMITS, isTrustProxyValue, type HttpSettings, type RateLimitSettings } from './config/http.js';
import { defaultNationalMapping, loadNationalMapping } from './config/nationalMapping.js';
import { nationalTransferProblems, type NationalTransferSettings } from './config/nationalTransfer.js';
import { oidcConfig, oidcProblems, type OidcConfig } from './config/oidc.js';
import type { NationalMapping } from './domain/nationalReport.js';
import { publicSecretProblem } from './config/secrets.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number({ error: 'must be a port number 0–65535' }).int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** PostgreSQL connection string. Unset: the embedded PGlite under PGLITE_DATA_DIR. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    PGLITE_DATA_DIR: z.string().min(1).default('./data/pglite'),
    DATABASE_POOL_SIZE: z.coerce.number({ error: 'must be a whole number 1–200' }).int().min(1).max(200).default(10),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    /** Start the clock at this instant (demos, black-box tests). Refused in production. */
    APP_NOW: z
      .string()
      .refine((s) => DateTime.fromISO(s, { setZone: true }).isValid, 'must be an ISO 8601 instant, e.g. 2027-03-29T07:30:00+02:00')
      .optional(),
    /**
     * Secret from which callback cancel tokens are derived (HMAC). Required in production; elsewhere, unset means a
     * random one generated on the first start and kept in the database.
     */
    CALLBACK_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Redis key prefix for all queues; tests use their own. */
    BULLMQ_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _').default('callbacks'),
    /** A callback enters the nurses' queue this many minutes before its slot starts. */
    CALLBACK_DUE_LEAD_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int().min(0).max(60).default(0),
    /** A claim not renewed and without a logged attempt returns the callback to the queue after this long. */
    CLAIM_TIMEOUT_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int().min(1).max(120).default(10),
    SMS_PROVIDER: z.enum(['console', 'http', '46elks']).default('console'),
    SMS_HTTP_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
    SMS_HTTP_TOKEN: z.string().min(1).optional(),
    /** Alphanumeric sender shown on the patient's phone (at most 11 characters). */
    SMS_SENDER: z.string().regex(/^[A-Za-z0-9 ]{1,11}$/, 'must be 1–11 letters or digits').default('Vardcentral'),
    /** Where patients reach this service; used in the cancel link sent by SMS. */
    PUBLIC_BASE_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
    /** Shared secret for HMAC-SHA256 signatures on telephony events. Unset: the endpoint refuses every event. */
    TELEPHONY_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * The secret before a rotation of TELEPHONY_WEBHOOK_SECRET: 46elks URLs (keys) and call states made with it are
     * still accepted, so calls in progress go on and numbers can be re-pointed at leisure. Unset once that is done.
     */
    TELEPHONY_WEBHOOK_SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Who places agent-first calls (dialling callbacks): none, or 46elks (needs the ELKS_API_* credentials). */
    TELEPHONY_PROVIDER: z.enum(['none', '46elks']).default('none'),
    ELKS_API_URL: z.url({ error: 'must be an http(s) URL' }).regex(/^https?:\/\//, 'must be an http(s) URL').default('https://api.46elks.com/a1'),
    ELKS_API_USERNAME: z.string().min(1).optional(),
    ELKS_API_PASSWORD: z.string().min(1).optional(),
    /** Folder of the phone line's voice clips (<name>.wav, one format); unset: the shipped Swedish set. */
    VOICE_CLIPS_DIR: z.string().min(1).optional(),
    RECONCILE_INTERVAL_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(5).max(3600).default(30),
    WORKER_LOCK_DURATION_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(1000).max(600_000).default(30_000),
    /** Day 0 of the three-day care guarantee, region-wide: the patient's contact, or the triage decision. */
    GUARANTEE_START: z.enum(['contact', 'triage_decision']).default('contact'),
    /** Local time (HH:MM, Europe/Stockholm) when managers get the daily summary of cases at risk. */
    GUARANTEE_SUMMARY_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM').default('07:00'),
    /** How often a worker folds new calls into the report rollups (reports also do it on every read). */
    MEASURE_REFRESH_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(5).max(3600).default(60),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Days a new staff bearer token is valid (`npm run staff -- create --days N` overrides). */
    STAFF_TOKEN_DAYS: z.coerce.number({ error: 'must be a whole number of days 1–3650' }).int().min(1).max(3650).default(90),
    /** OpenID Connect for staff (optional): set OIDC_ISSUER and OIDC_AUDIENCE to accept the issuer's JWTs. */
    OIDC_ISSUER: z.url({ error: 'must be an http(s) URL' }).regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    /** Unset: the jwks_uri of the issuer's /.well-known/openid-configuration. */
    OIDC_JWKS_URL: z.url({ error: 'must be an http(s) URL' }).regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
    OIDC_ROLE_CLAIM: z.string().min(1).max(200).optional(),
    OIDC_CLINICS_CLAIM: z.string().min(1).max(200).optional(),
    /** `idp-value=role,…`; when set, only mapped values give a role. */
    OIDC_ROLE_MAP: z.string().optional(),
    OIDC_ALGORITHMS: z.string().optional(),
    OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number({ error: 'must be a whole number of seconds 0–300' }).int().min(0).max(300).optional(),
    OIDC_TIMEOUT_MS: z.coerce.number({ error: 'must be a whole number of milliseconds 100–30000' }).int().min(100).max(30_000).optional(),
    /** Create the demo clinics and staff when there are none. Default: on, except in production (refused there). */
    SEED_DEMO: booleanFlag.optional(),
    /** Open callbacks one phone number may hold across all clinics (rule 11; one per clinic is a clinic setting). */
    MAX_OPEN_CALLBACKS_PER_PHONE: z.coerce.number({ error: 'must be a whole number 1–50' }).int().min(1).max(50).default(DEFAULT_MAX_OPEN_PER_PHONE),
    /** Rate limits on the public endpoints, per client address and per phone number (counted in Redis). */
    RATE_LIMIT_READS_PER_MINUTE: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(1_000_000).default(DEFAULT_RATE_LIMITS.publicReadsPerMinute),
    RATE_LIMIT_BOOKINGS_PER_ADDRESS_PER_HOUR: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(1_000_000).default(DEFAULT_RATE_LIMITS.bookingsPerAddressPerHour),
    RATE_LIMIT_BOOKINGS_PER_PHONE_PER_HOUR: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(10_000).default(DEFAULT_RATE_LIMITS.bookingsPerPhonePerHour),
    /** Browser origins allowed to call the API (comma-separated); unset: CORS closed. */
    CORS_ORIGINS: z
      .string()
      .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins like https://vard.example.se (no path)')))
      .optional(),
    /** Serve the OpenAPI document and /api/docs. Default: on, except in production. */
    API_DOCS: booleanFlag.optional(),
    /** Bearer token for GET /metrics; unset: /metrics is not served. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Which proxies' X-Forwarded-For to believe for the client address (rate limits): Express's "trust proxy"
     * value, e.g. `loopback` (default), `1` (one hop, a load balancer in front), or a list of addresses/CIDRs.
     */
    TRUST_PROXY: z
      .string()
      .refine(isTrustProxyValue, 'must be loopback, a hop count like 1, or addresses/CIDRs separated by commas')
      .default('loopback'),
    /** A separate worker process (`npm run worker`) serves /metrics on this port when METRICS_TOKEN is set. */
    WORKER_METRICS_PORT: z.coerce.number({ error: 'must be a port number 1–65535' }).int().min(1).max(65535).optional(),
    /** The region's mapping of the national file's columns and codes (JSON); unset: the shipped default. */
    NATIONAL_MAPPING_FILE: z.string().min(1).optional(),
    /** Where each unit's monthly national file is delivered (POST); unset: nothing is sent. */
    NATIONAL_TRANSFER_URL: z.url({ error: 'must be an http(s) URL' }).regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
    /** The receiver's bearer token; required with NATIONAL_TRANSFER_URL. */
    NATIONAL_TRANSFER_TOKEN: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    for (const issue of oidcProblems(env)) ctx.addIssue({ code: 'custom', ...issue });
    if (env.NODE_ENV === 'production' && env.APP_NOW) {
      ctx.addIssue({ code: 'custom', path: ['APP_NOW'], message: 'must not be set when NODE_ENV=production' });
    }
    for (const issue of elksProblems(env)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of nationalTransferProblems(env)) ctx.addIssue({ code: 'custom', ...issue });
    if (env.TELEPHONY_WEBHOOK_SECRET_PREVIOUS && !env.TELEPHONY_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEPHONY_WEBHOOK_SECRET_PREVIOUS'], message: 'is only used beside TELEPHONY_WEBHOOK_SECRET (the new secret)' });
    }
    if (env.SMS_PROVIDER === 'http' && !env.SMS_HTTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMS_HTTP_URL'], message: 'is required when SMS_PROVIDER=http' });
    }
    if (env.NODE_ENV === 'production' && !env.PUBLIC_BASE_URL) {
      // Every SMS link is built from it; a localhost default would send patients nowhere.
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is required when NODE_ENV=production (the address patients reach, used in SMS links)' });
    }
    if (env.NODE_ENV === 'production' && !env.CALLBACK_TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['CALLBACK_TOKEN_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production') {
      for (const name of ['CALLBACK_TOKEN_SECRET', 'TELEPHONY_WEBHOOK_SECRET', 'TELEPHONY_WEBHOOK_SECRET_PREVIOUS'] as const) {
        const problem = env[name] === undefined ? null : publicSecretProblem(env[name]);
        if (problem) ctx.addIssue({ code: 'custom', path: [name], message: `${problem} (NODE_ENV=production)` });
      }
      // Demo staff include an all-clinic admin whose token is printed to the log.
      if (env.SEED_DEMO) {
        ctx.addIssue({ code: 'custom', path: ['SEED_DEMO'], message: 'must not be true when NODE_ENV=production: it creates demo staff and prints their tokens' });
      }
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  redisUrl: string;
  appNow: DateTime | null;
  /** null: generated once and kept in the database (never in production, where it is required). */
  callbackTokenSecret: string | null;
  logLevel: Env['LOG_LEVEL'];
  seedDemo: boolean;
  queuePrefix: string;
  dueLeadMinutes: number;
  claimTimeoutMinutes: number;
  sms:
    | { provider: 'console' }
    | { provider: 'http'; url: string; token: string | null; sender: string }
    | { provider: '46elks'; sender: string };
  /** Who places agent-first calls; null: nobody (TELEPHONY_PROVIDER=none). */
  telephonyProvider: '46elks' | null;
  /** 46elks' API and credentials; null unless 46elks places calls or sends SMS. */
  elks: { apiUrl: string; username: string; password: string } | null;
  publicBaseUrl: string;
  telephonyWebhookSecret: string | null;
  /** Still accepted for 46elks webhooks during a rotation; null: none. */
  telephonyPreviousSecret: string | null;
  /** null: the shipped clips (src/telephony/clips/sv). */
  voiceClipsDir: string | null;
  reconcileIntervalSeconds: number;
  workerLockDurationMs: number;
  guaranteeStart: Env['GUARANTEE_START'];
  guaranteeSummaryAt: string;
  measureRefreshSeconds: number;
  staffTokenDays: number;
  /** null: staff sign in with bearer tokens only. */
  oidc: OidcConfig | null;
  maxOpenCallbacksPerPhone: number;
  rateLimits: RateLimitSettings;
  http: HttpSettings;
  workerMetricsPort: number | null;
  /** The national file: its mapping (NATIONAL_MAPPING_FILE or the shipped one), and where it is delivered (null: nowhere). */
  national: { mapping: NationalMapping; transfer: NationalTransferSettings | null };
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings (e.g. `DATABASE_URL=` in a compose file) mean "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: e.PGLITE_DATA_DIR },
    redisUrl: e.REDIS_URL,
    appNow: e.APP_NOW ? DateTime.fromISO(e.APP_NOW, { setZone: true }).toUTC() : null,
    callbackTokenSecret: e.CALLBACK_TOKEN_SECRET ?? null,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV !== 'production',
    queuePrefix: e.BULLMQ_PREFIX,
    dueLeadMinutes: e.CALLBACK_DUE_LEAD_MINUTES,
    claimTimeoutMinutes: e.CLAIM_TIMEOUT_MINUTES,
    sms:
      e.SMS_PROVIDER === 'http'
        ? { provider: 'http', url: e.SMS_HTTP_URL!, token: e.SMS_HTTP_TOKEN ?? null, sender: e.SMS_SENDER }
        : e.SMS_PROVIDER === '46elks'
          ? { provider: '46elks', sender: e.SMS_SENDER }
          : { provider: 'console' },
    telephonyProvider: e.TELEPHONY_PROVIDER === '46elks' ? '46elks' : null,
    elks:
      e.TELEPHONY_PROVIDER === '46elks' || e.SMS_PROVIDER === '46elks'
        ? { apiUrl: e.ELKS_API_URL.replace(/\/$/, ''), username: e.ELKS_API_USERNAME!, password: e.ELKS_API_PASSWORD! }
        : null,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    telephonyWebhookSecret: e.TELEPHONY_WEBHOOK_SECRET ?? null,
    telephonyPreviousSecret: e.TELEPHONY_WEBHOOK_SECRET ? (e.TELEPHONY_WEBHOOK_SECRET_PREVIOUS ?? null) : null,
    voiceClipsDir: e.VOICE_CLIPS_DIR ?? null,
    reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS,
    workerLockDurationMs: e.WORKER_LOCK_DURATION_MS,
    guaranteeStart: e.GUARANTEE_START,
    guaranteeSummaryAt: e.GUARANTEE_SUMMARY_AT,
    measureRefreshSeconds: e.MEASURE_REFRESH_SECONDS,
    staffTokenDays: e.STAFF_TOKEN_DAYS,
    oidc: oidcConfig(e),
    maxOpenCallbacksPerPhone: e.MAX_OPEN_CALLBACKS_PER_PHONE,
    rateLimits: {
      publicReadsPerMinute: e.RATE_LIMIT_READS_PER_MINUTE,
      bookingsPerAddressPerHour: e.RATE_LIMIT_BOOKINGS_PER_ADDRESS_PER_HOUR,
      bookingsPerPhonePerHour: e.RATE_LIMIT_BOOKINGS_PER_PHONE_PER_HOUR,
    },
    workerMetricsPort: e.WORKER_METRICS_PORT ?? null,
    national: {
      mapping: e.NATIONAL_MAPPING_FILE ? loadNationalMapping(e.NATIONAL_MAPPING_FILE) : defaultNationalMapping(),
      transfer: e.NATIONAL_TRANSFER_URL ? { url: e.NATIONAL_TRANSFER_URL, token: e.NATIONAL_TRANSFER_TOKEN! } : null,
    },
    http: {
      corsOrigins: e.CORS_ORIGINS ?? [],
      apiDocs: e.API_DOCS ?? e.NODE_ENV !== 'production',
      metricsToken: e.METRICS_TOKEN ?? null,
      behindTls: (e.PUBLIC_BASE_URL ?? '').startsWith('https://'),
      trustProxy: /^\d{1,2}$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    },
  };
}

