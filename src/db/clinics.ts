// SQL for clinics and their date exceptions.
import { ClinicRulesSchema, type ClinicRules } from '../domain/clinic.js';
import type { ClinicOwnership, ClinicProfile, ClinicStatus } from '../domain/clinicProfile.js';
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
  /** The national unit id; null until the region sets it. */
  hsaId: string | null;
  town: string | null;
  /** Kommun. */
  municipality: string | null;
  /** Driftsform: run by the region ('public') or privately under its contract ('private'); null until set. */
  ownership: ClinicOwnership | null;
  /** The clinic's own number as patients are shown it. */
  publicPhoneE164: string | null;
  /** Whether it takes bookings: 'paused' is open but taking none (before going live); 'closed' sends patients elsewhere. */
  status: ClinicStatus;
  /** Where a closed clinic sends its patients; null unless closed. */
  closedReferral: string | null;
}

interface SummaryRow {
  id: string;
  name: string;
  timezone: string;
  hsa_id: string | null;
  town: string | null;
  municipality: string | null;
  ownership: ClinicOwnership | null;
  public_phone_e164: string | null;
  accepts_bookings: boolean;
  closed_at: Date | null;
  closed_referral: string | null;
}

const SUMMARY_COLUMNS = 'id, name, timezone, hsa_id, town, municipality, ownership, public_phone_e164, accepts_bookings, closed_at, closed_referral';

function summaryOf(r: SummaryRow): ClinicSummary {
  return {
    id: r.id,
    name: r.name,
    timezone: r.timezone,
    hsaId: r.hsa_id,
    town: r.town,
    municipality: r.municipality,
    ownership: r.ownership,
    publicPhoneE164: r.public_phone_e164,
    status: r.closed_at ? 'closed' : r.accepts_bookings ? 'open' : 'paused',
    closedReferral: r.closed_at ? r.closed_referral : null,
  };
}

/** Every clinic, closed ones included (their history stays reported), by name. */
export async function listClinics(db: Queryable): Promise<ClinicSummary[]> {
  const { rows } = await db.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM clinics ORDER BY name, id`);
  return rows.map(summaryOf);
}

export async function findClinicSummary(db: Queryable, clinicId: string): Promise<ClinicSummary | null> {
  const { rows } = await db.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM clinics WHERE id = $1`, [clinicId]);
  return rows[0] ? summaryOf(rows[0]) : null;
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
  await db.transaction((tx) => insertClinicIn(tx, rules));
}

/** The same inside the caller's transaction. */
export async function insertClinicIn(tx: Queryable, rules: ClinicRules): Promise<void> {
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
}

/** The clinic's settings a manager may change (src/services/clinicSettings.ts); id, name and zone stay. */
export type EditableClinicSettings = Pick<
  ClinicRules,
  'bookingWindow' | 'slotMinutes' | 'capacityRules' | 'dateExceptions' | 'earlyToleranceMinutes' | 'lateToleranceMinutes' | 'oneOpenCallbackPerCaller'
>;

/**
 * Writes a clinic's settings and replaces its date exceptions, inside the caller's transaction. Exceptions
 * are changed row by row (delete the dropped, upsert the rest), so the measure triggers of migration 003 mark
 * exactly the dates whose status changed, and the clinic row's tolerance columns mark every reported day.
 */
export async function updateClinicSettings(tx: Queryable, clinicId: string, s: EditableClinicSettings): Promise<void> {
  await tx.query(
    `UPDATE clinics SET booking_window = $2, slot_minutes = $3, capacity_rules = $4, early_tolerance_minutes = $5,
            late_tolerance_minutes = $6, one_open_callback_per_caller = $7
      WHERE id = $1`,
    [
      clinicId,
      JSON.stringify(s.bookingWindow),
      s.slotMinutes,
      JSON.stringify(s.capacityRules),
      s.earlyToleranceMinutes,
      s.lateToleranceMinutes,
      s.oneOpenCallbackPerCaller,
    ],
  );
  const dates = s.dateExceptions.map((e) => e.date);
  await tx.query('DELETE FROM clinic_date_exceptions WHERE clinic_id = $1 AND NOT (date = ANY($2::date[]))', [clinicId, dates]);
  for (const e of s.dateExceptions) {
    await tx.query(
      `INSERT INTO clinic_date_exceptions AS x (clinic_id, date, closed, capacity, note) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (clinic_id, date) DO UPDATE SET closed = EXCLUDED.closed, capacity = EXCLUDED.capacity, note = EXCLUDED.note
        WHERE (x.closed, x.capacity, x.note) IS DISTINCT FROM (EXCLUDED.closed, EXCLUDED.capacity, EXCLUDED.note)`,
      [clinicId, e.date, e.closed, e.capacity, e.note ?? null],
    );
  }
}

/** Slots from `from` on that hold bookings, for the check that a settings change keeps every booked place. */
export async function bookedSlotsFrom(db: Queryable, clinicId: string, from: string): Promise<{ start: Date; end: Date; booked: number }[]> {
  const { rows } = await db.query<{ slot_start: Date; slot_end: Date; booked: number }>(
    'SELECT slot_start, slot_end, booked FROM slot_places WHERE clinic_id = $1 AND slot_end > $2 AND booked > 0 ORDER BY slot_start FOR UPDATE',
    [clinicId, from],
  );
  return rows.map((r) => ({ start: r.slot_start, end: r.slot_end, booked: r.booked }));
}

/** A clinic's profile (the region's record of it), inside the caller's transaction; false when there is no such clinic. */
export async function updateClinicProfile(tx: Queryable, clinicId: string, p: ClinicProfile): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE clinics SET name = $2, hsa_id = $3, town = $4, municipality = $5, ownership = $6, public_phone_e164 = $7
      WHERE id = $1`,
    [clinicId, p.name, p.hsaId, p.town, p.municipality, p.ownership, p.phone],
  );
  return (rowCount ?? 0) > 0;
}

/** Opens, pauses or closes a clinic; a closed one keeps when it closed and where its patients should turn. */
export async function setClinicStatus(tx: Queryable, clinicId: string, status: ClinicStatus, referral: string | null, at: Date): Promise<void> {
  await tx.query(
    `UPDATE clinics SET accepts_bookings = $2, closed_at = CASE WHEN $3 THEN coalesce(closed_at, $4::timestamptz) END,
            closed_referral = CASE WHEN $3 THEN $5 END
      WHERE id = $1`,
    [clinicId, status === 'open', status === 'closed', at.toISOString(), referral],
  );
}

/** The clinic whose HSA-id this is, if any. */
export async function findClinicIdByHsaId(db: Queryable, hsaId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM clinics WHERE hsa_id = $1', [hsaId]);
  return rows[0]?.id ?? null;
}
