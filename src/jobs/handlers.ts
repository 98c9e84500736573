// Every job's handler, bound to its dependencies: one per queue of the contract (src/queue/contract.ts), checked by
// the type. Handlers never import BullMQ: a handler that finds its work not yet due answers `{ delayMs }`, and the
// worker shell (workers/shell.ts) puts the job back until then.
import type { z } from 'zod';
import type { Services } from '../services/index.js';
import { refreshMeasures } from '../db/measureRollup.js';
import type { QueueKey, QUEUES } from '../queue/contract.js';
import { sendGuaranteeSummaries } from './guaranteeSummary.js';
import { callbackDueHandler } from './makeCallbackDue.js';
import { markMissedCallbacks } from './markMissedCallbacks.js';
import { deliverNationalFile, giveUpNationalDelivery } from './nationalDelivery.js';
import { maintenanceHandler } from './reconcile.js';
import { giveUpSms, sendSms } from './sendSms.js';

export interface JobHandler<K extends QueueKey> {
  /** The job's work on its (re-validated) payload: a result kept on the job, or `{ delayMs }` to run it that much later. */
  handle(payload: z.output<(typeof QUEUES)[K]['payload']>): Promise<unknown>;
  /** Called once the job's last attempt failed: what it was about is given up, visibly. */
  giveUp?(payload: z.output<(typeof QUEUES)[K]['payload']>): Promise<void>;
}

export type JobHandlers = { [K in QueueKey]: JobHandler<K> };

/** `jobs`: the worker process's own scheduler (its own Redis connection), for reconciliation. */
export function createJobHandlers(services: Services, jobs: Services['jobs']): JobHandlers {
  const { db, clock } = services;
  const smsDeps = { db, clock, sms: services.sms, tokens: services.tokens, publicBaseUrl: services.publicBaseUrl };
  const deliveryDeps = { db, clock, transfer: services.nationalTransfer };
  return {
    callbackDue: callbackDueHandler({ db, clock }),
    sms: { handle: (payload) => sendSms(smsDeps, payload), giveUp: (payload) => giveUpSms(smsDeps, payload) },
    maintenance: maintenanceHandler({ db, jobs, clock, speech: services.speech, clipFormat: services.voiceClips.format, logger: services.logger }),
    // Another process refreshing at the same moment is enough: skip rather than queue up behind it.
    measures: { handle: async () => ({ cells: await refreshMeasures(db, { wait: false }) }) },
    nationalReport: { handle: (payload) => services.national.produce(payload.month) },
    nationalDelivery: { handle: (payload) => deliverNationalFile(deliveryDeps, payload), giveUp: (payload) => giveUpNationalDelivery(deliveryDeps, payload) },
    guaranteeSummary: { handle: () => sendGuaranteeSummaries({ db, clock, cases: services.cases, notifier: services.notifier }) },
    missedCallbacks: { handle: () => markMissedCallbacks({ db, clock }) },
  };
}
