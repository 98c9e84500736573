// The worker process: connects to Redis and runs the background jobs. `npm run worker` starts one;
// several may run side by side against the same Redis and PostgreSQL.
import { pathToFileURL } from 'node:url';
import { parseConfig, type Config } from '../src/config.js';
import { createLogger, type Logger } from '../src/logger.js';
import { assertRedisReachable, createRedisConnection } from '../src/queue/redis.js';

export interface RunningWorkers {
  close(): Promise<void>;
}

export async function startWorkers(config: Config, logger: Logger): Promise<RunningWorkers> {
  await assertRedisReachable(config.redisUrl);
  const connection = createRedisConnection(config.redisUrl, 'worker');
  connection.on('error', (err) => logger.warn({ err: { code: (err as { code?: string }).code } }, 'redis connection error'));
  await connection.ping();
  logger.info('worker connected to Redis');
  return {
    async close() {
      await connection.quit();
    },
  };
}

async function main(): Promise<void> {
  const config = parseConfig();
  const logger = createLogger(config.logLevel);
  const workers = await startWorkers(config, logger);
  const stop = async () => {
    logger.info('worker shutting down');
    await workers.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
