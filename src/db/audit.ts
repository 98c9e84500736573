// SQL for the audit trail: who read or changed which patients' callbacks, and when.
import type { DateTime } from 'luxon';
import type { Queryable } from './database.js';

export interface AuditEvent {
  at: DateTime;
  staffId: string | null;
  action: string;
  clinicId: string | null;
  callbackIds: string[];
}

export async function recordAudit(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query(
    'INSERT INTO audit_events (at, staff_id, action, clinic_id, callback_ids) VALUES ($1, $2, $3, $4, $5::uuid[])',
    [e.at.toISO(), e.staffId, e.action, e.clinicId, e.callbackIds],
  );
}
