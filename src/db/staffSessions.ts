// SQL for staff page sessions (the cookie's id is stored only as a hash).
import type { StaffMember, StaffRole } from './staff.js';
import type { Queryable } from './database.js';

export interface StoredSession {
  staff: StaffMember;
  csrfToken: string;
  expiresAt: Date;
}

export async function insertSession(
  db: Queryable,
  s: { idHash: string; staff: StaffMember; csrfToken: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO staff_sessions (id_hash, staff_id, name, role, clinic_ids, csrf_token, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [s.idHash, s.staff.id, s.staff.name, s.staff.role, s.staff.clinicIds, s.csrfToken, s.createdAt.toISOString(), s.expiresAt.toISOString()],
  );
}

/**
 * A live session whose account is not revoked and whose key has not expired since (the key's expiry can be moved
 * after sign-in); null otherwise. Accounts signing in through OpenID Connect have no key expiry here: their
 * session's own expires_at already stops at the JWT's exp.
 */
export async function findLiveSession(db: Queryable, idHash: string, now: Date): Promise<StoredSession | null> {
  const { rows } = await db.query<{
    staff_id: string;
    name: string;
    role: StaffRole;
    clinic_ids: string[];
    csrf_token: string;
    expires_at: Date;
  }>(
    `SELECT s.staff_id, s.name, s.role, s.clinic_ids, s.csrf_token, s.expires_at
       FROM staff_sessions s JOIN staff a ON a.id = s.staff_id
      WHERE s.id_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL
        AND (a.token_expires_at IS NULL OR a.token_expires_at > $2)`,
    [idHash, now.toISOString()],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    staff: { id: r.staff_id, name: r.name, role: r.role, clinicIds: r.clinic_ids },
    csrfToken: r.csrf_token,
    expiresAt: new Date(r.expires_at),
  };
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
}
