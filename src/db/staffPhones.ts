// SQL for staff members' own phone numbers: where agent-first dialling rings a nurse.
import type { Queryable } from './database.js';

export async function findStaffPhone(db: Queryable, staffId: string): Promise<string | null> {
  const { rows } = await db.query<{ phone_e164: string | null }>('SELECT phone_e164 FROM staff WHERE id = $1', [staffId]);
  return rows[0]?.phone_e164 ?? null;
}

/** Sets (or with null clears) a staff member's phone; false when there is no such staff member. */
export async function setStaffPhone(db: Queryable, staffId: string, phoneE164: string | null): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE staff SET phone_e164 = $2 WHERE id = $1', [staffId, phoneE164]);
  return rowCount === 1;
}

export async function listStaffPhones(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; phone_e164: string }>('SELECT id, phone_e164 FROM staff WHERE phone_e164 IS NOT NULL');
  return new Map(rows.map((r) => [r.id, r.phone_e164]));
}
