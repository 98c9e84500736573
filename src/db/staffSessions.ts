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
    `INSERT INTO staff_sessions (id_hash, staff_id, name, role, clinic_ids, all_clinics, csrf_token, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [s.idHash, s.staff.id, s.staff.name, s.staff.role, s.staff.clinicIds, s.staff.regionWide ?? false, s.csrfToken, s.createdAt.toISOString(), s.expiresAt.toISOString()],
  );
}

/**
 * A live session whose account is not revoked and whose key has not expired since (the key's expiry can be moved
 * after sign-in); null otherwise. Accounts signing in through OpenID Connect have no key expiry here: their
 * session's own expires_at already stops at the JWT's exp. A token account's clinics are read now (an admin's change
 * applies to a live session); a sign-in through OpenID Connect keeps the clinics its token claimed; a region-wide
 * session covers every clinic there is now.
 */
export async function findLiveSession(db: Queryable, idHash: string, now: Date): Promise<StoredSession | null> {
  const { rows } = await db.query<{
    staff_id: string;
    name: string;
    role: StaffRole;
    clinic_ids: string[];
    region_wide: boolean;
    csrf_token: string;
    expires_at: Date;
  }>(
    `SELECT s.staff_id, s.name, s.role, s.csrf_token, s.expires_at, (s.all_clinics OR a.all_clinics) AS region_wide,
            CASE WHEN s.all_clinics OR a.all_clinics THEN coalesce((SELECT array_agg(c.id ORDER BY c.id) FROM clinics c), '{}')
                 WHEN a.oidc_subject IS NULL THEN coalesce((SELECT array_agg(sc.clinic_id ORDER BY sc.clinic_id) FROM staff_clinics sc WHERE sc.staff_id = a.id), '{}')
                 ELSE s.clinic_ids END AS clinic_ids
       FROM staff_sessions s JOIN staff a ON a.id = s.staff_id
      WHERE s.id_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL
        AND (a.token_expires_at IS NULL OR a.token_expires_at > $2)`,
    [idHash, now.toISOString()],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    staff: { id: r.staff_id, name: r.name, role: r.role, clinicIds: r.clinic_ids, regionWide: r.region_wide },
    csrfToken: r.csrf_token,
    expiresAt: new Date(r.expires_at),
  };
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
}
