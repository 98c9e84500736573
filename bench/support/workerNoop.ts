// The baseline of bench:worker and bench:soak: a BullMQ worker on the due-callback queue through the same shell
// (payload check, metrics, retry handling) and with the same concurrency as the real one, whose handler does
// nothing. Run as its own process, like the real worker: `tsx bench/support/workerNoop.ts` with REDIS_URL and
// BULLMQ_PREFIX. Prints "ready" once listening; stops on SIGTERM.
import { createLogger } from '../../src/logger.js';
import { silentOutageMonitor } from '../../src/ops/outage.js';
import { startWorker } from '../../workers/shell.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BULLMQ_PREFIX!;
const settings = { redisUrl, prefix, lockDurationMs: 30_000, logger: createLogger('warn'), redisOutage: silentOutageMonitor('redis') };
const worker = startWorker('callbackDue', settings, { handle: async () => 'made_due' });
await worker.waitUntilReady();
console.log('ready');
process.once('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
