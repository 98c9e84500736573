// Job handler: deliver one unit's national file of one month to the national receiver (rule 10), accepted once. An
// accepted delivery is final in the database, so a retry, a second job or a second production of the month sends
// nothing; every attempt carries the same Idempotency-Key, so a receiver that took a copy whose answer was lost can
// refuse the next. Each attempt is audited. A refusal or no answer is thrown, and the queue retries with backoff.
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import type { Queryable } from '../db/database.js';
import { findNationalDelivery, markDeliveryFailed, recordDeliveryAccepted, recordDeliveryFailure } from '../db/nationalDeliveries.js';
import { findNationalReport } from '../db/nationalReports.js';
import { nationalDeliveryKey, nationalUnitCsv } from '../domain/nationalReport.js';
import type { NationalTransfer } from '../transfer/port.js';
import { PermanentJobFailure } from './failures.js';

export interface NationalDeliveryDeps {
  db: Queryable;
  clock: Clock;
  /** The receiver; null: none is configured and nothing is sent. */
  transfer: NationalTransfer | null;
}

/** The receiver did not accept the file this time: retried with the job's backoff. */
export class DeliveryNotAccepted extends Error {}

export async function deliverNationalFile(
  deps: NationalDeliveryDeps,
  payload: { month: string; hsaId: string },
): Promise<'accepted' | 'already_accepted' | 'not_configured'> {
  const { db, clock, transfer } = deps;
  const { month, hsaId } = payload;
  if (!transfer) return 'not_configured';
  const delivery = await findNationalDelivery(db, month, hsaId);
  if (!delivery) throw new PermanentJobFailure(`no national delivery ${month} ${hsaId}`);
  if (delivery.status === 'accepted') return 'already_accepted';
  const stored = await findNationalReport(db, month);
  if (!stored?.file) throw new PermanentJobFailure(`no national file in the national shape for ${month}`);

  const result = await transfer.deliver({ month, hsaId, idempotencyKey: nationalDeliveryKey(month, hsaId), csv: nationalUnitCsv(stored.file, hsaId) });
  const at = clock.now();
  const audit = (action: string, details: Record<string, unknown>) =>
    recordAudit(db, { at, staffId: null, action, clinicId: delivery.clinicId, callbackIds: [], detail: { month, hsaId, target: transfer.target, ...details } });
  if (result.accepted) {
    // Only the first acceptance counts; a second one (two runs at once) changes nothing and is audited as such.
    const first = await recordDeliveryAccepted(db, month, hsaId, at, result.status);
    await audit(first ? 'national.delivery.accepted' : 'national.delivery.accepted_again', { status: result.status, attempt: delivery.attempts + 1 });
    return first ? 'accepted' : 'already_accepted';
  }
  await recordDeliveryFailure(db, month, hsaId, at, result.error, result.status);
  await audit('national.delivery.refused', { status: result.status, error: result.error, attempt: delivery.attempts + 1 });
  throw new DeliveryNotAccepted(`national file ${month} ${hsaId} not accepted: ${result.error}`);
}

/** Every retry was used: the delivery shows as failed until the next worker start or monthly run adds it again. */
export async function giveUpNationalDelivery(deps: Pick<NationalDeliveryDeps, 'db' | 'clock'>, payload: { month: string; hsaId: string }): Promise<void> {
  const delivery = await findNationalDelivery(deps.db, payload.month, payload.hsaId);
  if (!delivery || !(await markDeliveryFailed(deps.db, payload.month, payload.hsaId))) return;
  await recordAudit(deps.db, {
    at: deps.clock.now(),
    staffId: null,
    action: 'national.delivery.failed',
    clinicId: delivery.clinicId,
    callbackIds: [],
    detail: { month: payload.month, hsaId: payload.hsaId, attempts: delivery.attempts, lastError: delivery.lastError },
  });
}
