// Notifier adapter that texts the summary to each manager of the clinic who has a phone number, through
// the SMS port; a clinic whose managers have none gets the log instead, so no summary is lost silently.
import type { SmsSender } from '../sms/port.js';
import { summaryText } from './logNotifier.js';
import type { ManagerNotifier } from './port.js';

export function createSmsNotifier(deps: {
  /** The clinic's managers with a phone number (the composition root reads them from the staff table). */
  managerPhones: (clinicId: string) => Promise<{ staffId: string; phoneE164: string }[]>;
  sms: SmsSender;
  fallback: ManagerNotifier;
}): ManagerNotifier {
  return {
    async sendGuaranteeSummary(m) {
      const managers = await deps.managerPhones(m.clinicId);
      if (managers.length === 0) return deps.fallback.sendGuaranteeSummary(m);
      for (const manager of managers) {
        // The reference is the same on a retry, so a provider that deduplicates sends it once.
        await deps.sms.send({ to: manager.phoneE164, text: summaryText(m), reference: `guarantee-summary-${m.date}-${m.clinicId}-${manager.staffId}` });
      }
    },
  };
}
