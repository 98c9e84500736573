// SQL for the audit trail: who read or changed which patients' callbacks, clinics and staff accounts, and when; and
// what left the region (each delivery of the national file).
import type { DateTime } from 'luxon';
import type { Queryable } from './database.js';

export interface AuditEvent {
  at: DateTime;
  staffId: string | null;
  action: string;
  clinicId: string | null;
  callbackIds: string[];
  /** A refused staff request's method and path (action 'access.denied'). */
  request?: string | null;
  /**
   * An administrative change: what it touched, by name (never a phone number, token or patient datum); a national
   * delivery: its month, HSA-id and the receiver's answer.
   */
  detail?: Record<string, unknown> | null;
}

export async function recordAudit(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query(
    'INSERT INTO audit_events (at, staff_id, action, clinic_id, callback_ids, request, detail) VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7)',
    [e.at.toISO(), e.staffId, e.action, e.clinicId, e.callbackIds, e.request ?? null, e.detail ? JSON.stringify(e.detail) : null],
  );
}
