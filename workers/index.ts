// The worker process: one BullMQ worker per queue of the contract (src/queue/contract.ts), each running that queue's
// handler (src/jobs/handlers.ts) over the one set of services (src/compose.ts). `npm run worker` starts one; several
// may run side by side against the same Redis and PostgreSQL. `npm start` runs them inside the API process.
import { pathToFileURL } from 'node:url';
import type { Queue } from 'bullmq';
import { shiftedClock, systemClock, type Clock } from '../src/clock.js';
import { servicesFromConfig } from '../src/compose.js';
import type { Services } from '../src/services/index.js';
import { parseConfig, type Config } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { ensureMeasureBasis } from '../src/db/measureRollup.js';
import { migrate } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { ConfigError } from '../src/errors.js';
import { createJobHandlers } from '../src/jobs/handlers.js';
import { markMissedCallbacks } from '../src/jobs/markMissedCallbacks.js';
import { reconcile } from '../src/jobs/reconcile.js';
import { createLogger, type Logger } from '../src/logger.js';
import type { ManagerNotifier } from '../src/notify/port.js';
import { startMetricsServer } from '../src/ops/metricsServer.js';
import { createOutageMonitor } from '../src/ops/outage.js';
import { QUEUE_KEYS, QUEUES, RECONCILE_SCHEDULER_ID, schedules, type QueueKey, type Schedule } from '../src/queue/contract.js';
import { createBullJobScheduler, createQueue } from '../src/queue/jobScheduler.js';
import { assertRedisReachable, createRedisConnection, RedisUnavailable } from '../src/queue/redis.js';
import { callbackTokenSecretOf } from '../src/services/callbackTokens.js';
import type { SmsSender } from '../src/sms/port.js';
import type { SpeechSynthesizer } from '../src/telephony/speech.js';
import { startWorker } from './shell.js';

export interface RunningWorkers {
  /** Runs reconciliation now (also what the repeatable job does). */
  reconcileNow(): Promise<{ dueJobsRestored: number; smsJobsRestored: number }>;
  /** Finishes the jobs in flight, then closes every connection. */
  close(): Promise<void>;
}

export interface WorkerDeps {
  db: Database;
  clock: Clock;
  /** The process's services when it has them already (`npm start`: the API's); otherwise built from the config. */
  services?: Services;
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
  const services =
    deps.services ??
    servicesFromConfig(
      config,
      { db: deps.db, clock: deps.clock, logger, jobs, callbackTokenSecret: await callbackTokenSecretOf(deps.db, config.callbackTokenSecret) },
      { sms: deps.sms, notifier: deps.notifier, speech: deps.speech },
    );
  const handlers = createJobHandlers(services, jobs);
  // One worker per queue, each from the contract's definition and its handler.
  const workers = QUEUE_KEYS.map(<K extends QueueKey>(key: K) => startWorker(key, settings, handlers[key]));
  const reconcileNow = () => reconcile({ db: deps.db, jobs, clock: deps.clock });

  // The check at start, then a watchdog: the repeatable jobs live in Redis and vanish with a flush.
  await ensureSchedules(queues, wanted);
  // Workers that were down over a midnight catch up on rule 12 at once, not at the first repeat.
  const missed = await markMissedCallbacks({ db: deps.db, clock: deps.clock });
  const restored = await reconcileNow();
  // Catch up on a national file whose 1st passed while no worker ran.
  const national = await services.national.produce();
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
  const metrics = config.workerMetricsPort !== null && config.http.metricsToken ? startMetricsServer(config.http.metricsToken, config.workerMetricsPort, config.host) : null;
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
