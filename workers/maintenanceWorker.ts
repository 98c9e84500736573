// Worker: runs the repeatable reconciliation of PostgreSQL with Redis (see src/jobs/reconcile.ts): incremental
// passes, a full one every few, each leaving alone what the API scheduled within the grace period; and the voicing of
// clinics' names for the phone line (src/jobs/clinicNameClips.ts).
import type { Clock } from '../src/clock.js';
import type { Queryable } from '../src/db/database.js';
import { createReconciler } from '../src/jobs/reconcile.js';
import { makeClinicNameClips } from '../src/jobs/clinicNameClips.js';
import type { SpeechSynthesizer } from '../src/telephony/speech.js';
import type { WavFormat } from '../src/telephony/wav.js';
import type { JobScheduler } from '../src/queue/jobScheduler.js';
import { startWorker, type WorkerSettings } from './shell.js';

export function startMaintenanceWorker(
  settings: WorkerSettings,
  deps: { db: Queryable; jobs: JobScheduler; clock: Clock; speech: SpeechSynthesizer; clipFormat: WavFormat },
) {
  const reconciler = createReconciler(deps);
  let toldUnavailable = false;
  return startWorker('maintenance', settings, 1, async () => {
    const restored = await reconciler.run();
    if (restored.dueJobsRestored || restored.smsJobsRestored) settings.logger.warn(restored, 'reconciliation restored missing jobs');
    // Clinics created or renamed since the last pass get their name voiced for the phone line's greeting.
    const names = await makeClinicNameClips({ db: deps.db, speech: deps.speech, format: deps.clipFormat });
    if (names.unavailable && !toldUnavailable) {
      settings.logger.warn({ reason: names.unavailable }, 'clinic names cannot be voiced; the phone line greets callers without the clinic name');
    }
    toldUnavailable = names.unavailable !== null;
    return { ...restored, clinicNamesVoiced: names.made };
  });
}
