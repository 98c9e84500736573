// Writes the demo history (src/demo/history.ts) for 30 clinics in bulk, then computes the report facts
// and rollups from it with the same code that keeps them fresh in production.
import { randomBytes, randomUUID } from 'node:crypto';
import { clinicRules, type ClinicRules } from '../domain/clinic.js';
import type { GuaranteeStartBasis } from '../domain/guaranteeCase.js';
import { findClinicRules, insertClinic, updateClinicProfile } from '../db/clinics.js';
import type { ClinicProfile } from '../domain/clinicProfile.js';
import type { Database, Queryable } from '../db/database.js';
import { rebuildClinicMeasures, setMeasureBasis } from '../db/measureRollup.js';
import { findStaffByName, insertStaff } from '../db/staff.js';
import { nationalDayStatus } from '../domain/calendar.js';
import { addDays } from '../domain/schedule.js';
import { slotsOnDate } from '../domain/slots.js';
import { clinicHistory, UNANSWERED_CALL_MS, type HistoryCallback } from './history.js';

/** Region Västmanland's health centres, as the demo region. The first three are `npm start`'s demo clinics. */
/** Town and municipality (kommun) of each; their HSA-ids are made up in the region's form (demoHsaId). */
export const DEMO_REGION: [id: string, name: string, town: string, municipality: string][] = [
  ['vc-kungsor', 'Vårdcentralen Kungsör', 'Kungsör', 'Kungsör'],
  ['vc-koping', 'Vårdcentralen Köping', 'Köping', 'Köping'],
  ['vc-arboga', 'Vårdcentralen Arboga', 'Arboga', 'Arboga'],
  ['vc-sala', 'Vårdcentralen Sala', 'Sala', 'Sala'],
  ['vc-sala-vasby', 'Vårdcentralen Sala Väsby', 'Sala', 'Sala'],
  ['vc-fagersta', 'Vårdcentralen Fagersta', 'Fagersta', 'Fagersta'],
  ['vc-norberg', 'Vårdcentralen Norberg', 'Norberg', 'Norberg'],
  ['vc-skinnskatteberg', 'Vårdcentralen Skinnskatteberg', 'Skinnskatteberg', 'Skinnskatteberg'],
  ['vc-hallstahammar', 'Vårdcentralen Hallstahammar', 'Hallstahammar', 'Hallstahammar'],
  ['vc-surahammar', 'Vårdcentralen Surahammar', 'Surahammar', 'Surahammar'],
  ['vc-kolback', 'Vårdcentralen Kolbäck', 'Kolbäck', 'Hallstahammar'],
  ['vc-ramnas', 'Vårdcentralen Ramnäs', 'Ramnäs', 'Surahammar'],
  ['vc-virsbo', 'Vårdcentralen Virsbo', 'Virsbo', 'Surahammar'],
  ['vc-vasteras-backby', 'Vårdcentralen Bäckby', 'Västerås', 'Västerås'],
  ['vc-vasteras-skultuna', 'Vårdcentralen Skultuna', 'Skultuna', 'Västerås'],
  ['vc-vasteras-hammarby', 'Vårdcentralen Hammarby', 'Västerås', 'Västerås'],
  ['vc-vasteras-viksang', 'Vårdcentralen Viksäng', 'Västerås', 'Västerås'],
  ['vc-vasteras-skiljebo', 'Vårdcentralen Skiljebo', 'Västerås', 'Västerås'],
  ['vc-vasteras-pettersberg', 'Vårdcentralen Pettersberg', 'Västerås', 'Västerås'],
  ['vc-vasteras-vallby', 'Vårdcentralen Vallby', 'Västerås', 'Västerås'],
  ['vc-vasteras-rocklunda', 'Vårdcentralen Rocklunda', 'Västerås', 'Västerås'],
  ['vc-vasteras-oxbacken', 'Vårdcentralen Oxbacken', 'Västerås', 'Västerås'],
  ['vc-vasteras-bjorkhagen', 'Vårdcentralen Björkhagen', 'Västerås', 'Västerås'],
  ['vc-vasteras-kungsgarden', 'Vårdcentralen Kungsgården', 'Västerås', 'Västerås'],
  ['vc-vasteras-orsta', 'Vårdcentralen Önsta', 'Västerås', 'Västerås'],
  ['vc-vasteras-malarporten', 'Vårdcentralen Mälarporten', 'Västerås', 'Västerås'],
  ['vc-vasteras-hasslo', 'Vårdcentralen Hässlö', 'Västerås', 'Västerås'],
  ['vc-vasteras-city', 'Vårdcentralen City', 'Västerås', 'Västerås'],
  ['vc-vasteras-ostermalm', 'Vårdcentralen Östermalm', 'Västerås', 'Västerås'],
  ['vc-vasteras-tillberga', 'Vårdcentralen Tillberga', 'Tillberga', 'Västerås'],
];

/** A made-up HSA-id in Region Västmanland's form (its organisation number), one per demo clinic. */
export const demoHsaId = (index: number) => `SE2321000172-VC${String(index + 1).padStart(3, '0')}`;

/** The profile a demo clinic is given: its town, municipality, ownership (every fourth private) and HSA-id. */
export function demoProfile(index: number): ClinicProfile {
  const [, name, town, municipality] = DEMO_REGION[index]!;
  return { name, hsaId: demoHsaId(index), town, municipality, ownership: index % 4 === 3 ? 'private' : 'public', phone: null };
}

export interface SeedOptions {
  callbacks: number;
  from: string;
  until: string;
  seed: number;
  basis: GuaranteeStartBasis;
  replace: boolean;
  /** Progress lines for the terminal. */
  log: (line: string) => void;
}

export class SeedRefused extends Error {}

/** Working days in the range by the national calendar: for sizing the clinics' daily volumes. */
function workingDaysBetween(from: string, until: string): number {
  let days = 0;
  for (let d = from; d <= until; d = addDays(d, 1)) if (nationalDayStatus(d).working) days++;
  return Math.max(1, days);
}

export async function seedDemoHistory(db: Database, o: SeedOptions): Promise<{ callbacks: number; clinics: string[] }> {
  const ids = DEMO_REGION.map(([id]) => id);
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM callbacks WHERE clinic_id = ANY($1)', [ids]);
  if (existing.rows[0]!.n > 0) {
    if (!o.replace) {
      throw new SeedRefused(`The demo clinics already have ${existing.rows[0]!.n} callbacks. Run with --replace to delete them and seed again.`);
    }
    o.log('deleting the demo clinics’ earlier history …');
    await deleteHistory(db, ids);
  }
  const rules: ClinicRules[] = [];
  for (const [index, [id, name]] of DEMO_REGION.entries()) {
    rules.push((await findClinicRules(db, id)) ?? (await createClinic(db, id, name, index)));
  }
  const recorder = await historyRecorder(db);
  // Each clinic gets patients in proportion to its places, so a small clinic is as busy as a large one.
  const places = rules.map((r) => placesOnOrdinaryDay(r, o.until));
  const totalPlaces = places.reduce((a, b) => a + b, 0);
  const workingDays = workingDaysBetween(o.from, o.until);
  let total = 0;
  const seedClinic = async (index: number) => {
    const clinic = rules[index]!;
    const meanDaily = (o.callbacks * places[index]!) / totalPlaces / workingDays;
    let batch: HistoryCallback[] = [];
    let count = 0;
    for (const day of clinicHistory(clinic, { from: o.from, until: o.until, meanDaily, seed: o.seed * 1000 + index })) {
      batch.push(...day.callbacks);
      if (batch.length >= 20_000) {
        count += await writeBatch(db, clinic, batch, recorder);
        batch = [];
      }
    }
    count += await writeBatch(db, clinic, batch, recorder);
    // The report facts and rollups, computed by the same code that keeps them fresh in production.
    await rebuildClinicMeasures(db, clinic.id, o.basis);
    total += count;
    o.log(`${clinic.id}: ${count.toLocaleString('sv-SE')} callbacks (${total.toLocaleString('sv-SE')} in all)`);
  };
  // Three clinics at a time: one generates while the database writes the others.
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < rules.length) await seedClinic(nextIndex++);
  };
  await Promise.all([worker(), worker(), worker()]);
  await setMeasureBasis(db, o.basis);
  return { callbacks: total, clinics: ids };
}

/** Places on the Wednesday before `date`: an ordinary working day's capacity. */
function placesOnOrdinaryDay(rules: ClinicRules, date: string): number {
  let d = date;
  while (new Date(`${d}T12:00:00Z`).getUTCDay() !== 3) d = addDays(d, -1);
  return slotsOnDate(rules, d).reduce((sum, s) => sum + s.capacity, 0);
}

async function createClinic(db: Database, id: string, name: string, index: number): Promise<ClinicRules> {
  const weekdays = [1, 2, 3, 4, 5];
  // Enough nurses on the phones for an ordinary day; the overloaded days come from sick leave.
  const capacity = 8 + (index % 4);
  const rules = clinicRules({
    id,
    name,
    capacityRules: [
      { weekdays, from: '06:00', to: '17:00', capacity },
      { weekdays, from: '12:00', to: '13:00', capacity: Math.ceil(capacity / 2) },
    ],
    earlyToleranceMinutes: index % 3 === 0 ? 5 : 0,
    lateToleranceMinutes: index % 3 === 0 ? 10 : 0,
  });
  await insertClinic(db, rules);
  await updateClinicProfile(db, id, demoProfile(index));
  return rules;
}

/** The staff member the history's outcomes are recorded by; has no usable token. */
async function historyRecorder(db: Database): Promise<string> {
  const found = await findStaffByName(db, 'Demo historik');
  if (found) return found.id;
  const id = randomUUID();
  await insertStaff(db, { id, name: 'Demo historik', role: 'nurse', clinicIds: [], tokenHash: randomBytes(32).toString('hex') });
  return id;
}

async function deleteHistory(db: Database, clinicIds: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    const inClinics = 'SELECT id FROM callbacks WHERE clinic_id = ANY($1)';
    for (const sql of [
      'DELETE FROM guarantee_measures WHERE clinic_id = ANY($1)',
      'DELETE FROM callback_measures WHERE clinic_id = ANY($1)',
      'DELETE FROM daily_measures WHERE clinic_id = ANY($1)',
      'DELETE FROM guarantee_summaries WHERE clinic_id = ANY($1)',
      'DELETE FROM guarantee_cases WHERE clinic_id = ANY($1)',
      `DELETE FROM callback_outcomes WHERE callback_id IN (${inClinics})`,
      `DELETE FROM call_attempts WHERE callback_id IN (${inClinics})`,
      `DELETE FROM sms_messages WHERE callback_id IN (${inClinics})`,
      'DELETE FROM callbacks WHERE clinic_id = ANY($1)',
      'DELETE FROM slot_places WHERE clinic_id = ANY($1)',
      'DELETE FROM measure_changes WHERE clinic_id = ANY($1)',
    ]) {
      await tx.query(sql, [clinicIds]);
    }
    await tx.query('DELETE FROM national_reports');
  });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function writeBatch(db: Database, clinic: ClinicRules, batch: HistoryCallback[], recorder: string): Promise<number> {
  if (batch.length === 0) return 0;
  await db.transaction(async (tx) => {
    // Bulk loading: the triggers' change markers are skipped; the caller recomputes everything afterwards.
    await tx.query("SELECT set_config('tracker.bulk_load', 'on', true)");
    await insertCallbacks(tx, clinic, batch);
    await insertAttempts(tx, batch);
    await insertCases(tx, clinic, batch, recorder);
  });
  return batch.length;
}

async function insertCallbacks(tx: Queryable, clinic: ClinicRules, batch: HistoryCallback[]): Promise<void> {
  const closedAt = (c: HistoryCallback) => c.cancelledAt ?? c.reachedAt ?? c.attempts[c.attempts.length - 1]?.startedAt ?? null;
  await tx.query(
    `INSERT INTO callbacks (id, clinic_id, phone_e164, channel, requested_at, slot_start, slot_end, status,
       requested_before_cutoff, same_day_slot_free, patient_chose_later_day, token_hash, cancelled_at, due_at,
       attempt_count, reached_at, closed_at)
     SELECT id, $1, phone, channel, requested_at, slot_start, slot_end, status, before_cutoff, same_day_free,
            chose_later, md5(id::text), cancelled_at, slot_start, attempts, reached_at, closed_at
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::text[],
                   $9::bool[], $10::bool[], $11::bool[], $12::timestamptz[], $13::int[], $14::timestamptz[], $15::timestamptz[])
         AS t(id, phone, channel, requested_at, slot_start, slot_end, status, before_cutoff, same_day_free, chose_later,
              cancelled_at, attempts, reached_at, closed_at)`,
    [
      clinic.id,
      batch.map((c) => c.id),
      batch.map((c) => c.phone),
      batch.map((c) => (c.id.charCodeAt(0) % 3 === 0 ? 'ivr' : 'web')),
      batch.map((c) => iso(c.requestedAt)),
      batch.map((c) => iso(c.slotStart)),
      batch.map((c) => iso(c.slotEnd)),
      batch.map((c) => c.status),
      batch.map((c) => c.requestedBeforeCutoff),
      batch.map((c) => c.sameDaySlotFree),
      batch.map((c) => c.patientChoseLaterDay),
      batch.map((c) => iso(c.cancelledAt)),
      batch.map((c) => c.attempts.length),
      batch.map((c) => iso(c.reachedAt)),
      batch.map((c) => iso(closedAt(c))),
    ],
  );
}

async function insertAttempts(tx: Queryable, batch: HistoryCallback[]): Promise<void> {
  const attempts = batch.flatMap((c) => c.attempts.map((a) => ({ ...a, callbackId: c.id })));
  if (attempts.length === 0) return;
  await tx.query(
    `INSERT INTO call_attempts (id, callback_id, source, started_at, answered_at, ended_at, outcome)
     SELECT id, callback_id, 'telephony', started_at, CASE WHEN answered THEN started_at END,
            started_at + CASE WHEN answered THEN interval '4 minutes' ELSE $5 * interval '1 millisecond' END,
            CASE WHEN answered THEN 'answered' ELSE 'no_answer' END
       FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::bool[]) AS t(id, callback_id, started_at, answered)`,
    [attempts.map((a) => a.id), attempts.map((a) => a.callbackId), attempts.map((a) => iso(a.startedAt)), attempts.map((a) => a.answered), UNANSWERED_CALL_MS],
  );
}

async function insertCases(tx: Queryable, clinic: ClinicRules, batch: HistoryCallback[], recorder: string): Promise<void> {
  const covered = batch.filter((c) => c.guarantee);
  if (covered.length === 0) return;
  const g = covered.map((c) => ({ ...c.guarantee!, id: c.id, reachedAt: c.reachedAt! }));
  await tx.query(
    `INSERT INTO callback_outcomes (callback_id, recorded_by, recorded_at, resolution, guarantee_covered, guarantee_reason,
       was_medical_assessment, assessment_profession)
     SELECT id, $1, reached_at + interval '5 minutes', CASE WHEN in_call THEN 'advice' ELSE 'appointment' END, true, reason,
            in_call, CASE WHEN in_call THEN 'nurse' END
       FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::bool[]) AS t(id, reached_at, reason, in_call)`,
    [recorder, g.map((c) => c.id), g.map((c) => iso(c.reachedAt)), g.map((c) => c.reason), g.map((c) => c.assessedAt === c.reachedAt)],
  );
  await tx.query(
    `INSERT INTO guarantee_cases (callback_id, clinic_id, reason, contact_date, decision_date, status, assessed_at, assessment_date,
       assessment_profession, assessment_mode, exclusion_reason, opened_at, updated_by, updated_at)
     SELECT id, $1, reason, contact_date, decision_date, status, assessed_at, assessment_date, profession, mode, exclusion,
            reached_at + interval '5 minutes', $2, coalesce(assessed_at, reached_at + interval '5 minutes')
       FROM unnest($3::uuid[], $4::text[], $5::date[], $6::date[], $7::text[], $8::timestamptz[], $9::date[], $10::text[], $11::text[],
                   $12::text[], $13::timestamptz[])
         AS t(id, reason, contact_date, decision_date, status, assessed_at, assessment_date, profession, mode, exclusion, reached_at)`,
    [
      clinic.id,
      recorder,
      g.map((c) => c.id),
      g.map((c) => c.reason),
      g.map((c) => c.contactDate),
      g.map((c) => c.decisionDate),
      g.map((c) => c.status),
      g.map((c) => iso(c.assessedAt)),
      g.map((c) => c.assessmentDate),
      g.map((c) => c.profession),
      g.map((c) => c.mode),
      g.map((c) => c.exclusionReason),
      g.map((c) => iso(c.reachedAt)),
    ],
  );
}
