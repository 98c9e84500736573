// SQL for clinics and their date exceptions.
import { ClinicRulesSchema, type ClinicRules } from '../domain/clinic.js';
import type { Database, Queryable } from './database.js';

interface ClinicRow {
  id: string;
  name: string;
  timezone: string;
  booking_window: unknown;
  same_day_cutoff: string;
  slot_minutes: number;
  capacity_rules: unknown;
  min_notice_minutes: number;
  booking_horizon_days: number;
  early_tolerance_minutes: number;
  late_tolerance_minutes: number;
  max_attempts: number;
  retry_delay_minutes: number;
  one_open_callback_per_caller: boolean;
}

interface ExceptionRow {
  clinic_id: string;
  date: string;
  closed: boolean;
  capacity: number | null;
  note: string | null;
}

export interface ClinicSummary {
  id: string;
  name: string;
  timezone: string;
}

export async function listClinics(db: Queryable): Promise<ClinicSummary[]> {
  const { rows } = await db.query<ClinicSummary>('SELECT id, name, timezone FROM clinics ORDER BY name, id');
  return rows;
}

export async function countClinics(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM clinics');
  return rows[0]?.n ?? 0;
}

/** The clinic's full rules, validated; null when there is no such clinic. */
export async function findClinicRules(db: Queryable, clinicId: string): Promise<ClinicRules | null> {
  const { rows } = await db.query<ClinicRow>('SELECT * FROM clinics WHERE id = $1', [clinicId]);
  const row = rows[0];
  if (!row) return null;
  const exceptions = await db.query<ExceptionRow>(
    'SELECT * FROM clinic_date_exceptions WHERE clinic_id = $1 ORDER BY date',
    [clinicId],
  );
  return ClinicRulesSchema.parse({
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    bookingWindow: row.booking_window,
    sameDayCutoff: row.same_day_cutoff,
    slotMinutes: row.slot_minutes,
    capacityRules: row.capacity_rules,
    dateExceptions: exceptions.rows.map((e) => ({
      date: e.date,
      closed: e.closed,
      capacity: e.capacity,
      ...(e.note ? { note: e.note } : {}),
    })),
    minNoticeMinutes: row.min_notice_minutes,
    bookingHorizonDays: row.booking_horizon_days,
    maxAttempts: row.max_attempts,
    retryDelayMinutes: row.retry_delay_minutes,
    earlyToleranceMinutes: row.early_tolerance_minutes,
    lateToleranceMinutes: row.late_tolerance_minutes,
    oneOpenCallbackPerCaller: row.one_open_callback_per_caller,
  });
}

/** Creates a clinic with its date exceptions in one transaction. */
export async function insertClinic(db: Database, rules: ClinicRules): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO clinics (id, name, timezone, booking_window, same_day_cutoff, slot_minutes, capacity_rules,
         min_notice_minutes, booking_horizon_days, early_tolerance_minutes, late_tolerance_minutes,
         max_attempts, retry_delay_minutes, one_open_callback_per_caller)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        rules.id,
        rules.name,
        rules.timezone,
        JSON.stringify(rules.bookingWindow),
        rules.sameDayCutoff,
        rules.slotMinutes,
        JSON.stringify(rules.capacityRules),
        rules.minNoticeMinutes,
        rules.bookingHorizonDays,
        rules.earlyToleranceMinutes,
        rules.lateToleranceMinutes,
        rules.maxAttempts,
        rules.retryDelayMinutes,
        rules.oneOpenCallbackPerCaller,
      ],
    );
    for (const e of rules.dateExceptions) {
      await tx.query(
        'INSERT INTO clinic_date_exceptions (clinic_id, date, closed, capacity, note) VALUES ($1, $2, $3, $4, $5)',
        [rules.id, e.date, e.closed, e.capacity, e.note ?? null],
      );
    }
  });
}
