// Wires the services into the HTTP app: the one place that knows every concrete dependency of the API.
import type { Express } from 'express';
import type { Clock } from './clock.js';
import type { Database } from './db/database.js';
import { createApp } from './http/app.js';
import type { Logger } from './logger.js';
import type { JobScheduler } from './queue/jobScheduler.js';
import { createCallbackBookingService } from './services/callbackBooking.js';
import { createCallbackTokens } from './services/callbackTokens.js';
import { createCallQueueService } from './services/callQueue.js';
import { createGuaranteeCaseService } from './services/guaranteeCases.js';
import { createReportService } from './services/reports.js';
import type { GuaranteeStartBasis } from './domain/guaranteeCase.js';
import { createTelephonyService } from './services/telephony.js';

export interface ApiDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  jobs: JobScheduler;
  callbackTokenSecret: string;
  dueLeadMinutes: number;
  claimTimeoutMinutes: number;
  telephonySecret: string | null;
  guaranteeStart: GuaranteeStartBasis;
}

export function composeApi(deps: ApiDeps): Express {
  const { db, clock, logger, jobs } = deps;
  const tokens = createCallbackTokens(deps.callbackTokenSecret);
  return createApp({
    db,
    clock,
    logger,
    booking: createCallbackBookingService({ db, clock, tokens, jobs, logger, dueLeadMinutes: deps.dueLeadMinutes }),
    queue: createCallQueueService({ db, clock, jobs, logger, claimTimeoutMinutes: deps.claimTimeoutMinutes }),
    telephony: createTelephonyService({ db, jobs, logger }),
    cases: createGuaranteeCaseService({ db, clock, basis: deps.guaranteeStart }),
    reports: createReportService({ db, clock, basis: deps.guaranteeStart }),
    telephonySecret: deps.telephonySecret,
    checkDatabase: async () => void (await db.query('SELECT 1')),
  });
}
