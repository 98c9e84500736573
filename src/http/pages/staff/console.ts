// What the nurse console's sections (queue, call card, care-guarantee list) share: the services they call and the
// clinic's name for their titles. app.ts builds ConsoleDeps once; the queue router mounts the call card's.
import type { Clock } from '../../../clock.js';
import type { ClinicSummary } from '../../../db/clinics.js';
import type { CallQueueService } from '../../../services/callQueue.js';
import type { DiallingService } from '../../../services/dialling.js';
import type { GuaranteeCaseService } from '../../../services/guaranteeCases.js';
import type { StaffSessions } from '../../../services/staffSessions.js';

export interface ConsoleDeps {
  sessions: StaffSessions;
  queue: CallQueueService;
  cases: GuaranteeCaseService;
  clock: Clock;
  listClinics: () => Promise<ClinicSummary[]>;
  /** Agent-first dialling (the call card's Ring button), where the app has it. */
  dialling?: DiallingService;
}

/** Who may open the queue and the call card. */
export const QUEUE_PAGE_ROLES = ['nurse', 'admin'] as const;

export async function clinicName(deps: Pick<ConsoleDeps, 'listClinics'>, clinicId: string): Promise<string> {
  return (await deps.listClinics()).find((c) => c.id === clinicId)?.name ?? clinicId;
}
