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
  staff: StaffMember & { tokenHash: string; phoneE164?: string | null },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO staff (id, name, role, token_hash, phone_e164) VALUES ($1, $2, $3, $4, $5)', [
      staff.id,
      staff.name,
      staff.role,
      staff.tokenHash,
      staff.phoneE164 ?? null,
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

/** Active managers of a clinic who get the daily summary by SMS. */
export async function listManagerPhones(db: Queryable, clinicId: string): Promise<{ staffId: string; phoneE164: string }[]> {
  const { rows } = await db.query<{ id: string; phone_e164: string }>(
    `SELECT s.id, s.phone_e164 FROM staff s JOIN staff_clinics sc ON sc.staff_id = s.id
      WHERE sc.clinic_id = $1 AND s.role = 'manager' AND s.disabled_at IS NULL AND s.phone_e164 IS NOT NULL
      ORDER BY s.id`,
    [clinicId],
  );
  return rows.map((r) => ({ staffId: r.id, phoneE164: r.phone_e164 }));
}
