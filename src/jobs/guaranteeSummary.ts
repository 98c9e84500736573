// Job handler: the managers' daily summary of care-guarantee cases that will miss their deadline unless
// assessed today. One per clinic and day: a retried or repeated job sends nothing twice.
import type { Queryable } from '../db/database.js';
import type { ManagerNotifier } from '../notify/port.js';
import type { GuaranteeCaseService } from '../services/guaranteeCases.js';
import type { Clock } from '../clock.js';

export async function sendGuaranteeSummaries(deps: {
  db: Queryable;
  clock: Clock;
  cases: Pick<GuaranteeCaseService, 'dailySummaries'>;
  notifier: ManagerNotifier;
}): Promise<{ sent: number }> {
  let sent = 0;
  for (const summary of await deps.cases.dailySummaries()) {
    const done = await deps.db.query('SELECT 1 FROM guarantee_summaries WHERE date = $1 AND clinic_id = $2', [summary.date, summary.clinicId]);
    if (done.rows.length > 0) continue;
    // Sent before it is recorded: a crash in between sends it again rather than never (at least once).
    await deps.notifier.sendGuaranteeSummary(summary);
    await deps.db.query(
      `INSERT INTO guarantee_summaries (date, clinic_id, due_today, overdue, sent_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (date, clinic_id) DO NOTHING`,
      [summary.date, summary.clinicId, summary.dueToday, summary.overdue, deps.clock.now().toISO()],
    );
    sent++;
  }
  return { sent };
}
