// SQL for staff accounts and the clinics each may work for.
import type { Database, Queryable } from './database.js';

export const STAFF_ROLES = ['nurse', 'manager', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffMember {
  id: string;
  name: string;
  role: StaffRole;
  clinicIds: string[];
}

export async function insertStaff(
  db: Database,
  staff: StaffMember & { tokenHash: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO staff (id, name, role, token_hash) VALUES ($1, $2, $3, $4)', [
      staff.id,
      staff.name,
      staff.role,
      staff.tokenHash,
    ]);
    for (const clinicId of staff.clinicIds) {
      await tx.query('INSERT INTO staff_clinics (staff_id, clinic_id) VALUES ($1, $2)', [staff.id, clinicId]);
    }
  });
}

/** The active staff member holding a token (by its hash), with their clinics; null when none. */
export async function findStaffByTokenHash(db: Queryable, tokenHash: string): Promise<StaffMember | null> {
  const { rows } = await db.query<{ id: string; name: string; role: StaffRole; clinic_ids: string[] | null }>(
    `SELECT s.id, s.name, s.role, array_remove(array_agg(sc.clinic_id ORDER BY sc.clinic_id), NULL) AS clinic_ids
       FROM staff s LEFT JOIN staff_clinics sc ON sc.staff_id = s.id
      WHERE s.token_hash = $1 AND s.disabled_at IS NULL
      GROUP BY s.id`,
    [tokenHash],
  );
  const row = rows[0];
  return row ? { id: row.id, name: row.name, role: row.role, clinicIds: row.clinic_ids ?? [] } : null;
}

export async function countStaff(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM staff');
  return rows[0]?.n ?? 0;
}

export async function findStaffByName(db: Queryable, name: string): Promise<{ id: string } | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM staff WHERE name = $1 LIMIT 1', [name]);
  return rows[0] ?? null;
}
