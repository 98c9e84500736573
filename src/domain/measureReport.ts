// The measures report's shape: the three measures with the turned-away callers beside them, for the whole scope,
// per period and per clinic (src/services/reports.ts computes it; the API, the pages and the CSV show it).
import type { GuaranteeStartBasis } from './guaranteeCase.js';
import type { Figures } from './measureRollup.js';
import type { ReportRange } from './reportPeriod.js';
import type { TurnedAwayFigures } from './turnedAway.js';

/** The three measures, and beside them the turned-away callers (rule 13). */
export type ReportFigures = Figures & { turnedAway: TurnedAwayFigures };

export interface MeasureReport {
  scope: { clinicIds: string[]; from: string; to: string; groupBy: ReportRange['groupBy']; today: string; guaranteeStart: GuaranteeStartBasis };
  total: ReportFigures;
  periods: ({ period: string; from: string; to: string } & ReportFigures)[];
  clinics: ({ clinicId: string; name: string } & ReportFigures)[];
}
