// The application's services as one object (built once per process by src/compose.ts): what the API, the workers,
// the CLI and the tests are given, each taking the services it needs from it.
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { ManagerNotifier } from '../notify/port.js';
import type { JobScheduler } from '../queue/jobScheduler.js';
import type { SmsSender } from '../sms/port.js';
import type { ClipSet } from '../telephony/clips.js';
import type { SpeechSynthesizer } from '../telephony/speech.js';
import type { WebhookSecrets } from '../telephony/webhookKey.js';
import type { NationalTransfer } from '../transfer/port.js';
import type { CallbackBookingService } from './callbackBooking.js';
import type { CallbackTokens } from './callbackTokens.js';
import type { CallQueueService } from './callQueue.js';
import type { ClinicNames } from './clinicNames.js';
import type { ClinicAdminService } from './clinicAdmin.js';
import type { ClinicSettingsService } from './clinicSettings.js';
import type { ClinicTelephonyService } from './clinicTelephony.js';
import type { DiallingService } from './dialling.js';
import type { GuaranteeCaseService } from './guaranteeCases.js';
import type { PhoneBookingService } from './phoneBooking.js';
import type { NationalReportService } from './nationalReports.js';
import type { ReportService } from './reports.js';
import type { StaffAdminService } from './staffAdmin.js';
import type { StaffAuthenticator } from './staffAuth.js';
import type { StaffSessions } from './staffSessions.js';
import type { TelephonyService } from './telephony.js';

/** Every service of the application, built once per process. */
export interface Services {
  db: Database;
  clock: Clock;
  logger: Logger;
  jobs: JobScheduler;
  publicBaseUrl: string;
  webhookSecrets: WebhookSecrets | null;
  tokens: CallbackTokens;
  booking: CallbackBookingService;
  phoneBooking: PhoneBookingService;
  queue: CallQueueService;
  telephony: TelephonyService;
  dialling: DiallingService;
  cases: GuaranteeCaseService;
  reports: ReportService;
  national: NationalReportService;
  /** The national receiver the monthly file is delivered to; null: none is configured and nothing is sent. */
  nationalTransfer: NationalTransfer | null;
  staffAuth: StaffAuthenticator;
  staffSessions: StaffSessions;
  clinicSettings: ClinicSettingsService;
  clinicAdmin: ClinicAdminService;
  staffAdmin: StaffAdminService;
  clinicTelephony: ClinicTelephonyService;
  clinicNames: ClinicNames;
  voiceClips: ClipSet;
  sms: SmsSender;
  notifier: ManagerNotifier;
  speech: SpeechSynthesizer;
}
