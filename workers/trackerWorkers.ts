// Workers for the tracker: folding new calls into the report rollups, the monthly national file, the
// managers' daily summary of guarantee cases at risk, and marking missed callbacks (rule 12). Thin shells
// around the handlers in src/.
import type { Clock } from '../src/clock.js';
import type { Database } from '../src/db/database.js';
import { refreshMeasures } from '../src/db/measureRollup.js';
import { sendGuaranteeSummaries } from '../src/jobs/guaranteeSummary.js';
import { markMissedCallbacks } from '../src/jobs/markMissedCallbacks.js';
import type { ManagerNotifier } from '../src/notify/port.js';
import type { GuaranteeCaseService } from '../src/services/guaranteeCases.js';
import type { ReportService } from '../src/services/reports.js';
import { startWorker, type WorkerSettings } from './shell.js';

export function startTrackerWorkers(
  settings: WorkerSettings,
  deps: { db: Database; clock: Clock; reports: ReportService; cases: GuaranteeCaseService; notifier: ManagerNotifier },
) {
  return [
    // Another process refreshing at the same moment is enough: skip rather than queue up behind it.
    startWorker('measures', settings, 1, async () => ({ cells: await refreshMeasures(deps.db, { wait: false }) })),
    startWorker('nationalReport', settings, 1, async (payload) => deps.reports.produceNationalReport(payload.month)),
    startWorker('guaranteeSummary', settings, 1, async () =>
      sendGuaranteeSummaries({ db: deps.db, clock: deps.clock, cases: deps.cases, notifier: deps.notifier }),
    ),
    startWorker('missedCallbacks', settings, 1, async () => markMissedCallbacks({ db: deps.db, clock: deps.clock })),
  ];
}
