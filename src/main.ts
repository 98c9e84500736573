// Start-up: config, Redis check, database and migrations, demo seed, then the API (and workers unless --api-only).
import type { Server } from 'node:http';
import { shiftedClock, systemClock } from './clock.js';
import { composeHttp, servicesFromConfig } from './compose.js';
import { parseConfig } from './config.js';
import { ConfigError } from './errors.js';
import { DatabaseInUse } from './db/dataDirLock.js';
import { ensureMeasureBasis } from './db/measureRollup.js';
import { migrate } from './db/migrate.js';
import { flushPrivilegeProblem } from './db/database.js';
import { openDatabase } from './db/open.js';
import { seedDemoClinicsIfEmpty, seedDemoStaffIfEmpty } from './demo/seedDemo.js';
import { createLogger } from './logger.js';
import { createQueueDepthReader } from './queue/depths.js';
import { createBullJobScheduler } from './queue/jobScheduler.js';
import { setQueueDepthSource } from './ops/metrics.js';
import { createOutageMonitor } from './ops/outage.js';
import { assertRedisReachable, createRedisConnection, RedisUnavailable, waitUntilReady } from './queue/redis.js';
import { startWorkers, type RunningWorkers } from '../workers/index.js';
import { callbackTokenSecretOf } from './services/callbackTokens.js';

async function main(): Promise<void> {
  const apiOnly = process.argv.includes('--api-only');
  const config = parseConfig();
  const logger = createLogger(config.logLevel);
  const clock = config.appNow ? shiftedClock(config.appNow) : systemClock;
  if (config.appNow) logger.warn({ appNow: config.appNow.toISO() }, 'APP_NOW set: the clock starts at that instant');

  await assertRedisReachable(config.redisUrl);
  const db = await openDatabase(config.database, logger);
  const flushProblem = await flushPrivilegeProblem(db);
  if (flushProblem) {
    await db.close();
    throw new ConfigError(flushProblem);
  }
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (await ensureMeasureBasis(db, config.guaranteeStart)) {
    logger.info({ guaranteeStart: config.guaranteeStart }, 'report figures will be recomputed for this guarantee start');
  }
  // parseConfig already refuses SEED_DEMO in production; demo staff and printed tokens must never get there.
  if (config.seedDemo && config.nodeEnv !== 'production') {
    const clinics = await seedDemoClinicsIfEmpty(db);
    if (clinics.length) logger.info({ clinics }, 'demo clinics created');
    const staff = await seedDemoStaffIfEmpty(db);
    if (staff.length) {
      // Printed once, to the terminal only: tokens are stored as hashes and cannot be shown again.
      console.log('\nDemo staff (bearer tokens, shown only now):');
      for (const s of staff) console.log(`  ${s.role.padEnd(7)} ${(s.allClinics ? 'all' : s.clinicIds.join(',')).padEnd(32)} ${s.token}`);
    }
  }

  const callbackTokenSecret = await callbackTokenSecretOf(db, config.callbackTokenSecret);
  const redis = createRedisConnection(config.redisUrl, 'api', createOutageMonitor(logger, 'redis'));
  await waitUntilReady(redis);
  const jobs = createBullJobScheduler({ connection: redis, prefix: config.queuePrefix, clock });
  const depths = createQueueDepthReader(redis, config.queuePrefix);
  setQueueDepthSource(depths.read);
  // One set of services for the API and, in this process, the workers.
  const services = servicesFromConfig(config, { db, clock, logger, jobs, callbackTokenSecret });
  const app = composeHttp(services, { redis, redisPrefix: config.queuePrefix, rateLimits: config.rateLimits, http: config.http, rateLimitSecret: callbackTokenSecret });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  const workers: RunningWorkers | null = apiOnly ? null : await startWorkers(config, logger, { db, clock, services });

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const database = config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.database.dataDir}`;
  console.log(`\nCallback API listening on http://localhost:${port}/api  (docs: http://localhost:${port}/api/docs)`);
  console.log(`Database: ${database}. Workers: ${workers ? 'running in this process' : 'not started (--api-only)'}.\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await workers?.close();
    await jobs.close();
    await depths.close();
    redis.disconnect();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RedisUnavailable || error instanceof DatabaseInUse) {
    console.error(`\n${error.message}\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
