// Start-up: config, Redis check, database and migrations, demo seed, then the API (and workers unless --api-only).
import type { Server } from 'node:http';
import { shiftedClock, systemClock } from './clock.js';
import { ConfigError, parseConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { seedDemoClinicsIfEmpty } from './db/seedDemo.js';
import { createApp } from './http/app.js';
import { createLogger } from './logger.js';
import { assertRedisReachable, RedisUnavailable } from './queue/redis.js';
import { createCallbackBookingService } from './services/callbackBooking.js';
import { createCallbackTokens } from './services/callbackTokens.js';
import { startWorkers, type RunningWorkers } from '../workers/index.js';

async function main(): Promise<void> {
  const apiOnly = process.argv.includes('--api-only');
  const config = parseConfig();
  const logger = createLogger(config.logLevel);
  const clock = config.appNow ? shiftedClock(config.appNow) : systemClock;
  if (config.appNow) logger.warn({ appNow: config.appNow.toISO() }, 'APP_NOW set: the clock starts at that instant');

  await assertRedisReachable(config.redisUrl);
  const db = await openDatabase(config.database);
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (config.seedDemo) {
    const seeded = await seedDemoClinicsIfEmpty(db);
    if (seeded.length) logger.info({ clinics: seeded }, 'demo clinics created');
  }

  const booking = createCallbackBookingService({ db, clock, tokens: createCallbackTokens(config.callbackTokenSecret) });
  const app = createApp({ booking, logger, checkDatabase: async () => void (await db.query('SELECT 1')) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  const workers: RunningWorkers | null = apiOnly ? null : await startWorkers(config, logger);

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
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RedisUnavailable) {
    console.error(`\n${error.message}\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
