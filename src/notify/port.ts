// The port through which managers hear about care-guarantee cases at risk, and its log adapter.
import type { Logger } from '../logger.js';

export interface GuaranteeSummaryMessage {
  date: string;
  clinicId: string;
  clinicName: string;
  /** Open cases whose last day is today: they fail unless assessed today. */
  dueToday: number;
  overdue: number;
}

export interface ManagerNotifier {
  sendGuaranteeSummary(message: GuaranteeSummaryMessage): Promise<void>;
}

/** Writes the summary to the log (counts only, no patient data); a mail or SMS adapter can replace it. */
export function createLogNotifier(logger: Logger): ManagerNotifier {
  return {
    async sendGuaranteeSummary(m) {
      logger.info(
        { clinicId: m.clinicId, date: m.date, dueToday: m.dueToday, overdue: m.overdue },
        `Vårdgaranti ${m.clinicName}: ${m.dueToday} case(s) must be assessed today, ${m.overdue} already past the deadline`,
      );
    },
  };
}
