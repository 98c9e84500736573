// Notifier adapter that writes the managers' summary to the log: counts only, no patient data.
import type { Logger } from '../logger.js';
import type { GuaranteeSummaryMessage, ManagerNotifier } from './port.js';

export function summaryText(m: GuaranteeSummaryMessage): string {
  return `Vårdgaranti ${m.clinicName} ${m.date}: ${m.dueToday} fall måste bedömas i dag, ${m.overdue} har passerat sista dag.`;
}

export function createLogNotifier(logger: Logger): ManagerNotifier {
  return {
    async sendGuaranteeSummary(m) {
      logger.info({ clinicId: m.clinicId, date: m.date, dueToday: m.dueToday, overdue: m.overdue }, summaryText(m));
    },
  };
}
