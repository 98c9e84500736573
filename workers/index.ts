// The worker process: runs the due, SMS and maintenance workers. `npm run worker` starts one; several may
// run side by side against the same Redis and PostgreSQL. `npm start` runs them inside the API process.
import { pathToFileURL } from 'node:url';
import express from 'express';
import { metricsRoute } from '../src/http/operations.js';
import { createOutageMonitor } from '../src/ops/outage.js';
import type { Queue } from 'bullmq';
import { shiftedClock, systemClock, type Clock } from '../src/clock.js';
import { ConfigError, parseConfig, type Config } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { ensureMeasureBasis } from '../src/db/measureRollup.js';
import { migrate } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { markMissedCallbacks } from '../src/jobs/markMissedCallbacks.js';
import { reconcile } from '../src/jobs/reconcile.js';
import { createLogger, type Logger } from '../src/logger.js';
import { QUEUES, RECONCILE_SCHEDULER_ID, schedules, type QueueKey, type Schedule } from '../src/queue/contract.js';
import { createBullJobScheduler, createQueue } from '../src/queue/jobScheduler.js';
import { assertRedisReachable, createRedisConnection, RedisUnavailable } from '../src/queue/redis.js';
import { callbackTokenSecretOf, createCallbackTokens } from '../src/services/callbackTokens.js';
import { createConsoleSms } from '../src/sms/consoleSms.js';
import { createHttpSms } from '../src/sms/httpSms.js';
import { createElksSms } from '../src/sms/elksSms.js';
import { createElksClient, ELKS_WEBHOOK_PATHS } from '../src/telephony/elks.js';
import { webhookUrl } from '../src/telephony/webhookKey.js';
import { clipSetIn } from '../src/telephony/clips.js';
import { espeakSynthesizer, type SpeechSynthesizer } from '../src/telephony/speech.js';
import type { SmsSender } from '../src/sms/port.js';
import { createLogNotifier } from '../src/notify/logNotifier.js';
import type { ManagerNotifier } from '../src/notify/port.js';
import { createSmsNotifier } from '../src/notify/smsNotifier.js';
import { createGuaranteeCaseService } from '../src/services/guaranteeCases.js';
import { createReportService } from '../src/services/reports.js';
import { startCallbackDueWorker } from './callbackDueWorker.js';
import { startTrackerWorkers } from './trackerWorkers.js';
import { startMaintenanceWorker } from './maintenanceWorker.js';
import { startSmsWorker } from './smsWorker.js';

export interface RunningWorkers {
  /** Runs reconciliation now (also what the repeatable job does). */
  reconcileNow(): Promise<{ dueJobsRestored: number; smsJobsRestored: number }>;
  /** Finishes the jobs in flight, then closes every connection. */
  close(): Promise<void>;
}

export interface WorkerDeps {
  db: Database;
  clock: Clock;
  /** Tests pass a fake provider; otherwise chosen by SMS_PROVIDER. */
  sms?: SmsSender;
  /** Tests pass a fake; otherwise managers get the summary by SMS (or, without a phone number, in the log). */
  notifier?: ManagerNotifier;
  /** Voices clinics' names for the phone line; default Debian's espeak-ng. */
  speech?: SpeechSynthesizer;
}

/** Creates the repeatable jobs that are missing (Redis flushed or restarted without persistence); returns their ids. */
async function ensureSchedules(queues: Map<QueueKey, Queue>, wanted: Schedule[]): Promise<string[]> {
  const created: string[] = [];
  for (const s of wanted) {
    const queue = queues.get(s.queue)!;
    if (await queue.getJobScheduler(s.id)) continue;
    await queue.upsertJobScheduler(s.id, s.repeat, { name: QUEUES[s.queue].job, data: {} });
    created.push(s.id);
  }
  return created;
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

export async function startWorkers(config: Config, logger: Logger, deps: WorkerDeps): Promise<RunningWorkers> {
  await assertRedisReachable(config.redisUrl);
  const redisOutage = createOutageMonitor(logger, 'redis');
  const settings = { redisUrl: config.redisUrl, prefix: config.queuePrefix, lockDurationMs: config.workerLockDurationMs, logger, redisOutage };
  const producer = createRedisConnection(config.redisUrl, 'worker', redisOutage);
  const jobs = createBullJobScheduler({ connection: producer, prefix: config.queuePrefix, clock: deps.clock });
  const wanted = schedules({
    reconcileSeconds: config.reconcileIntervalSeconds,
    measureRefreshSeconds: config.measureRefreshSeconds,
    summaryAt: config.guaranteeSummaryAt,
  });
  const queues = new Map(wanted.map((s) => [s.queue, createQueue(s.queue, producer, config.queuePrefix)]));
  const reports = createReportService({ db: deps.db, clock: deps.clock, basis: config.guaranteeStart });
  const cases = createGuaranteeCaseService({ db: deps.db, clock: deps.clock, basis: config.guaranteeStart });
  const sms = deps.sms ?? smsSenderOf(config, logger);

  const workers = [
    startCallbackDueWorker(settings, deps),
    startSmsWorker(settings, {
      db: deps.db,
      clock: deps.clock,
      sms,
      tokens: createCallbackTokens(await callbackTokenSecretOf(deps.db, config.callbackTokenSecret)),
      publicBaseUrl: config.publicBaseUrl,
    }),
    startMaintenanceWorker(settings, {
      db: deps.db,
      jobs,
      clock: deps.clock,
      speech: deps.speech ?? espeakSynthesizer(),
      clipFormat: clipSetIn(config.voiceClipsDir ?? undefined).format,
    }),
    ...startTrackerWorkers(settings, {
      db: deps.db,
      clock: deps.clock,
      reports,
      cases,
      notifier: deps.notifier ?? createSmsNotifier({ db: deps.db, sms, fallback: createLogNotifier(logger) }),
    }),
  ];
  const reconcileNow = () => reconcile({ db: deps.db, jobs, clock: deps.clock });

  // The check at start, then a watchdog: the repeatable jobs live in Redis and vanish with a flush.
  await ensureSchedules(queues, wanted);
  // Workers that were down over a midnight catch up on rule 12 at once, not at the first repeat.
  const missed = await markMissedCallbacks({ db: deps.db, clock: deps.clock });
  const restored = await reconcileNow();
  // Catch up on a national file whose 1st passed while no worker ran.
  const national = await reports.produceNationalReport();
  logger.info({ ...restored, missedMarked: missed.marked, nationalReport: national }, 'workers started; reconciliation done');
  const watchdog = setInterval(() => {
    ensureSchedules(queues, wanted)
      .then(async (recreated) => {
        if (recreated.length === 0) return;
        logger.warn({ recreated }, 'repeatable jobs were missing in Redis; re-created them');
        if (recreated.includes(RECONCILE_SCHEDULER_ID)) await reconcileNow();
      })
      .catch((error: Error) => logger.warn({ err: { type: error.name } }, 'watchdog could not reach Redis'));
  }, Math.max(1000, (config.reconcileIntervalSeconds * 1000) / 2));

  return {
    reconcileNow,
    async close() {
      clearInterval(watchdog);
      // Lets the jobs in flight finish. But BullMQ's Worker.close() never resolves while a connection is
      // reconnecting (Redis down: taskforcesh/bullmq#4656), and a stop (SIGTERM) must end the process all the
      // same: after one lock duration, at least 10 s, we stop waiting. A job cut short returns to the queue
      // through the stalled check, as after a crash; every handler is idempotent.
      const deadlineMs = Math.max(config.workerLockDurationMs, 10_000);
      let timer: NodeJS.Timeout | undefined;
      const closedInTime = await Promise.race([
        Promise.all(workers.map((w) => w.close())).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(resolve, deadlineMs, false))),
      ]);
      clearTimeout(timer);
      if (!closedInTime) {
        logger.warn({ waitedMs: deadlineMs }, 'workers did not close in time (Redis unreachable?); the stalled check returns their jobs to the queue');
      }
      await Promise.all([jobs.close(), ...[...queues.values()].map((q) => q.close())]);
      // QUIT waits for Redis to answer; while it cannot, the connection is dropped instead.
      if (producer.status === 'ready') await producer.quit();
      else producer.disconnect();
    },
  };
}

async function main(): Promise<void> {
  const config = parseConfig();
  const logger = createLogger(config.logLevel);
  if (config.database.kind === 'pglite') {
    throw new ConfigError(
      'A separate worker process needs PostgreSQL: set DATABASE_URL. (The embedded PGlite belongs to one process; `npm start` runs the workers inside it.)',
    );
  }
  const clock = config.appNow ? shiftedClock(config.appNow) : systemClock;
  const db = await openDatabase(config.database, logger);
  await migrate(db);
  await ensureMeasureBasis(db, config.guaranteeStart);
  const workers = await startWorkers(config, logger, { db, clock });
  // A worker process has no API; with WORKER_METRICS_PORT and METRICS_TOKEN it serves its own /metrics.
  const metrics =
    config.workerMetricsPort !== null && config.http.metricsToken
      ? express().use(metricsRoute(config.http.metricsToken)).listen(config.workerMetricsPort, config.host)
      : null;
  // A port already taken must not take the workers down with it: they run on, unscraped.
  metrics?.on('error', (error: NodeJS.ErrnoException) => logger.error({ err: { type: error.name, code: error.code } }, 'worker metrics server failed'));
  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down: finishing jobs in flight');
    metrics?.close();
    await workers.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof RedisUnavailable ? `\n${error.message}\n` : error);
    process.exit(1);
  });
}
