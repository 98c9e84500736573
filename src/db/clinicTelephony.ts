// SQL for a clinic's telephony settings: its booking numbers, the fallback number read out when phone booking
// fails, agent-first dialling and the caller id patients see.
import { isUniqueViolation, type Database, type Queryable } from './database.js';

export interface ClinicTelephony {
  clinicId: string;
  /** Numbers patients call to book by keypad (E.164), sorted. */
  bookingNumbers: string[];
  /** A number that reaches staff; read out when the phone booking cannot help. Null: none configured. */
  fallbackPhone: string | null;
  /** "Call" on a claimed callback rings the nurse's phone first, then connects the patient. */
  dialAgentFirst: boolean;
  /** Shown to the patient when the clinic calls; null: the first of its booking numbers. */
  callerId: string | null;
}

/** The number the patient sees when the clinic calls back, or null when the clinic has none. */
export function shownCallerId(settings: ClinicTelephony): string | null {
  return settings.callerId ?? settings.bookingNumbers[0] ?? null;
}

export async function findClinicTelephony(db: Queryable, clinicId: string): Promise<ClinicTelephony | null> {
  const { rows } = await db.query<{
    id: string;
    fallback_phone_e164: string | null;
    dial_agent_first: boolean;
    caller_id_e164: string | null;
    numbers: string[] | null;
  }>(
    `SELECT c.id, c.fallback_phone_e164, c.dial_agent_first, c.caller_id_e164,
            (SELECT array_agg(n.phone_e164 ORDER BY n.phone_e164) FROM clinic_phone_numbers n WHERE n.clinic_id = c.id) AS numbers
       FROM clinics c WHERE c.id = $1`,
    [clinicId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    clinicId: row.id,
    bookingNumbers: row.numbers ?? [],
    fallbackPhone: row.fallback_phone_e164,
    dialAgentFirst: row.dial_agent_first,
    callerId: row.caller_id_e164,
  };
}

/** The clinic a booking number (E.164) belongs to, or null. */
export async function clinicOfBookingNumber(db: Queryable, number: string): Promise<string | null> {
  const { rows } = await db.query<{ clinic_id: string }>('SELECT clinic_id FROM clinic_phone_numbers WHERE phone_e164 = $1', [number]);
  return rows[0]?.clinic_id ?? null;
}

export type ClinicTelephonyUpdate = Omit<ClinicTelephony, 'clinicId'>;

/** The given numbers that belong to a clinic other than `clinicId`. */
async function numbersOfOthers(db: Queryable, clinicId: string, numbers: string[]): Promise<string[]> {
  const { rows } = await db.query<{ phone_e164: string }>(
    'SELECT phone_e164 FROM clinic_phone_numbers WHERE phone_e164 = ANY($1::text[]) AND clinic_id <> $2 ORDER BY phone_e164',
    [numbers, clinicId],
  );
  return rows.map((r) => r.phone_e164);
}

/**
 * Replaces the clinic's telephony settings in one transaction. Returns the numbers that already belong to
 * another clinic (nothing is changed then). Two saves racing for one number both pass the check; the loser's
 * insert hits the primary key, and is answered as the number being taken (or, when the winner was this same
 * clinic, simply run again).
 */
export async function replaceClinicTelephony(db: Database, clinicId: string, update: ClinicTelephonyUpdate): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const taken = await numbersOfOthers(tx, clinicId, update.bookingNumbers);
        if (taken.length) return taken;
        await tx.query(
          'UPDATE clinics SET fallback_phone_e164 = $2, dial_agent_first = $3, caller_id_e164 = $4 WHERE id = $1',
          [clinicId, update.fallbackPhone, update.dialAgentFirst, update.callerId],
        );
        await tx.query('DELETE FROM clinic_phone_numbers WHERE clinic_id = $1', [clinicId]);
        for (const number of update.bookingNumbers) {
          await tx.query('INSERT INTO clinic_phone_numbers (phone_e164, clinic_id) VALUES ($1, $2)', [number, clinicId]);
        }
        return [];
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'clinic_phone_numbers_pkey') || attempt >= 3) throw error;
      const taken = await numbersOfOthers(db, clinicId, update.bookingNumbers);
      if (taken.length) return taken;
    }
  }
}
