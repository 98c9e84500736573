// Worker: sends SMS with retries and backoff (see src/jobs/sendSms.ts).
import { giveUpSms, sendSms, type SendSmsDeps } from '../src/jobs/sendSms.js';
import { startWorker, type WorkerSettings } from './shell.js';

export function startSmsWorker(settings: WorkerSettings, deps: SendSmsDeps) {
  const worker = startWorker('sms', settings, 5, (payload) => sendSms(deps, payload));
  worker.on('failed', (job) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void giveUpSms(deps, job.data as { messageId: string }).catch(() => undefined);
    }
  });
  return worker;
}
