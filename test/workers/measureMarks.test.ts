// The report rollups' change marks under batch updates (migration 015): an update marks each (clinic, local date)
// cell whose callbacks it changes in a column the measures read, a batch of many rows included; making callbacks
// due changes no measure and marks nothing; tracker.bulk_load still suppresses every mark.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database, Queryable } from '../../src/db/database.js';
import { readDailyRollups, rebuildAllMeasures, refreshMeasures } from '../../src/db/measureRollup.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { makeCallbacksDue } from '../../src/jobs/makeCallbackDue.js';
import { ALL_BACKENDS, openTestDatabase, uniqueClinicId } from '../support/database.js';

// Tuesday 30 March 2027, 09:00 in Stockholm (+02:00). Requests fall on the days before, some near midnight in one
// zone only: 22:30 UTC on the 26th is the 27th in Tokyo but still the 26th in Stockholm (+01:00 until the 28th).
const NOW = '2027-03-30T09:00:00+02:00';
const REQUEST_TIMES = ['2027-03-26T12:00:00Z', '2027-03-26T22:30:00Z', '2027-03-28T05:00:00Z', '2027-03-29T15:30:00Z'];

interface Seeded {
  id: string;
  clinicId: string;
  zone: string;
  requestedAt: string;
}

/** Callbacks booked for a slot at NOW, `perCell` per clinic and request time, written with the marks suppressed. */
async function seed(db: Database, clinics: { id: string; zone: string }[], perCell: number): Promise<Seeded[]> {
  const rows: Seeded[] = [];
  for (const c of clinics) for (const at of REQUEST_TIMES) for (let k = 0; k < perCell; k++) rows.push({ id: randomUUID(), clinicId: c.id, zone: c.zone, requestedAt: at });
  const slot = DateTime.fromISO(NOW).toUTC();
  await db.transaction(async (tx) => {
    await tx.query("SELECT set_config('tracker.bulk_load', 'on', true)");
    await tx.query(
      `INSERT INTO callbacks (id, clinic_id, phone_e164, channel, requested_at, slot_start, slot_end, status,
         requested_before_cutoff, same_day_slot_free, patient_chose_later_day, token_hash, due_at)
       SELECT u.id, u.clinic_id, '+46701234567', 'web', u.requested, $4, $5, 'booked', true, true, false, md5(u.id::text), $4
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(id, clinic_id, requested)`,
      [rows.map((r) => r.id), rows.map((r) => r.clinicId), rows.map((r) => r.requestedAt), slot.toISO(), slot.plus({ minutes: 15 }).toISO()],
    );
  });
  return rows;
}

/** The (clinic, local request date) cells of the given callbacks, computed here rather than in SQL. */
const cellsOf = (rows: Seeded[]) => [...new Set(rows.map((r) => `${r.clinicId} ${DateTime.fromISO(r.requestedAt).setZone(r.zone).toISODate()}`))].sort();

/** The marks waiting for the refresher, one entry per mark (duplicates kept), of the given clinics. */
async function marks(db: Queryable, clinicIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ cell: string }>(
    "SELECT clinic_id || ' ' || date::text AS cell FROM measure_changes WHERE clinic_id = ANY($1) ORDER BY 1",
    [clinicIds],
  );
  return rows.map((r) => r.cell);
}

async function addClinics(db: Database): Promise<{ id: string; zone: string }[]> {
  const clinics = [
    { id: uniqueClinicId('vc-marks'), zone: 'Europe/Stockholm' },
    { id: uniqueClinicId('vc-marks'), zone: 'Asia/Tokyo' },
  ];
  for (const c of clinics) await insertClinic(db, clinicRules({ id: c.id, name: `Marks ${c.id}`, timezone: c.zone, oneOpenCallbackPerCaller: false }));
  return clinics;
}

describe.each(ALL_BACKENDS)('measure change marks on %s', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('a batch update of a measured column marks every (clinic, local date) cell it touches, in the clinic’s zone', async () => {
    const clinics = await addClinics(db);
    const ids = clinics.map((c) => c.id);
    const rows = await seed(db, clinics, 25);
    expect(await marks(db, ids)).toEqual([]);
    // 200 callbacks in one statement: the missed sweep's kind of update.
    await db.query("UPDATE callbacks SET status = 'missed', missed_at = $2 WHERE id = ANY($1::uuid[])", [rows.map((r) => r.id), NOW]);
    const marked = await marks(db, ids);
    expect(marked).toHaveLength(rows.length);
    expect([...new Set(marked)]).toEqual(cellsOf(rows));
    // The zone matters: in Tokyo the four request times fall on four dates, in Stockholm on three.
    expect(cellsOf(rows).filter((c) => c.startsWith(`${clinics[1]!.id} `))).toEqual([
      `${clinics[1]!.id} 2027-03-26`,
      `${clinics[1]!.id} 2027-03-27`,
      `${clinics[1]!.id} 2027-03-28`,
      `${clinics[1]!.id} 2027-03-30`,
    ]);
    expect(cellsOf(rows).filter((c) => c.startsWith(`${clinics[0]!.id} `))).toHaveLength(3);
  });

  it('a batch insert marks every cell, as before', async () => {
    const clinics = await addClinics(db);
    const rows = [...REQUEST_TIMES.keys()].map((i) => ({ id: randomUUID(), clinicId: clinics[i % 2]!.id, zone: clinics[i % 2]!.zone, requestedAt: REQUEST_TIMES[i]! }));
    await db.query(
      `INSERT INTO callbacks (id, clinic_id, phone_e164, channel, requested_at, slot_start, slot_end, status,
         requested_before_cutoff, same_day_slot_free, patient_chose_later_day, token_hash, due_at)
       SELECT u.id, u.clinic_id, '+46701234567', 'web', u.requested, $4, $4::timestamptz + interval '15 minutes', 'booked', true, true, false, 'x', $4
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(id, clinic_id, requested)`,
      [rows.map((r) => r.id), rows.map((r) => r.clinicId), rows.map((r) => r.requestedAt), NOW],
    );
    expect(await marks(db, clinics.map((c) => c.id))).toEqual(cellsOf(rows));
  });

  it('making callbacks due marks nothing, and the measures still equal a full recomputation', async () => {
    const clinics = await addClinics(db);
    const ids = clinics.map((c) => c.id);
    const rows = await seed(db, clinics, 25);
    await rebuildAllMeasures(db, 'contact');
    const before = await readDailyRollups(db, ids);
    expect(before.size).toBe(cellsOf(rows).length);

    const results = await makeCallbacksDue({ db, clock: manualClock(NOW) }, rows.map((r) => r.id));
    expect(results.every((r) => r.result === 'made_due')).toBe(true);
    expect(await marks(db, ids)).toEqual([]);

    // Nothing to refresh, and nothing was missed: a recomputation from the raw records agrees with the stored one.
    await refreshMeasures(db);
    const facts = async () => (await db.query('SELECT * FROM callback_measures WHERE clinic_id = ANY($1) ORDER BY callback_id', [ids])).rows;
    const incremental = { daily: await readDailyRollups(db, ids), facts: await facts() };
    expect(incremental.daily).toEqual(before);
    await rebuildAllMeasures(db, 'contact');
    expect({ daily: await readDailyRollups(db, ids), facts: await facts() }).toEqual(incremental);
  });

  it('tracker.bulk_load still suppresses the marks of a batch update', async () => {
    const clinics = await addClinics(db);
    const rows = await seed(db, clinics, 10);
    await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('tracker.bulk_load', 'on', true)");
      await tx.query("UPDATE callbacks SET status = 'cancelled', cancelled_at = $2 WHERE id = ANY($1::uuid[])", [rows.map((r) => r.id), NOW]);
    });
    expect(await marks(db, clinics.map((c) => c.id))).toEqual([]);
  });

  it('a callback moved to another request date marks its old cell and its new one', async () => {
    const clinics = await addClinics(db);
    const [row] = await seed(db, clinics.slice(0, 1), 1);
    await db.query("UPDATE callbacks SET requested_at = requested_at + interval '1 day' WHERE id = $1", [row!.id]);
    expect(await marks(db, [row!.clinicId])).toEqual([`${row!.clinicId} 2027-03-26`, `${row!.clinicId} 2027-03-27`]);
  });

  it('an update of unmeasured columns only (a claim) marks nothing', async () => {
    const clinics = await addClinics(db);
    const rows = await seed(db, clinics, 5);
    await db.query("UPDATE callbacks SET status = 'claimed', claim_expires_at = $2 WHERE id = ANY($1::uuid[])", [rows.map((r) => r.id), NOW]);
    expect(await marks(db, clinics.map((c) => c.id))).toEqual([]);
  });

  // Every column the refresher reads about a callback (recomputeCells' SELECT) marks alone; the others do not.
  const MEASURED: [string, string][] = [
    ['slot_start', "slot_start = slot_start + interval '15 minutes'"],
    ['slot_end', "slot_end = slot_end + interval '15 minutes'"],
    ['requested_before_cutoff', 'requested_before_cutoff = NOT requested_before_cutoff'],
    ['same_day_slot_free', 'same_day_slot_free = NOT same_day_slot_free'],
    ['patient_chose_later_day', 'patient_chose_later_day = NOT patient_chose_later_day'],
    ['cancelled_at', 'cancelled_at = requested_at'],
    ['missed_at', "status = 'missed', missed_at = requested_at"], // (a check ties missed_at to the status)
  ];
  it.each(MEASURED)('an update of %s alone marks the cell', async (_column, set) => {
    const clinics = await addClinics(db);
    const [row] = await seed(db, clinics.slice(0, 1), 1);
    await db.query(`UPDATE callbacks SET ${set} WHERE id = $1`, [row!.id]);
    expect(await marks(db, [row!.clinicId])).toEqual(cellsOf([row!]));
  });

  it('an update that moves a callback to another clinic marks its old cell and its new one', async () => {
    const clinics = await addClinics(db);
    const [row] = await seed(db, clinics.slice(0, 1), 1);
    await db.query('UPDATE callbacks SET clinic_id = $2 WHERE id = $1', [row!.id, clinics[1]!.id]);
    expect(await marks(db, clinics.map((c) => c.id))).toEqual([...cellsOf([row!]), ...cellsOf([{ ...row!, clinicId: clinics[1]!.id, zone: clinics[1]!.zone }])].sort());
  });

  const UNMEASURED: [string, string][] = [
    ['status', "status = 'due'"],
    ['due_at', "due_at = due_at + interval '1 hour'"],
    ['attempt_count', 'attempt_count = attempt_count + 1'],
    ['made_due_at', 'made_due_at = requested_at'],
  ];
  it.each(UNMEASURED)('an update of %s alone marks nothing', async (_column, set) => {
    const clinics = await addClinics(db);
    const [row] = await seed(db, clinics.slice(0, 1), 1);
    await db.query(`UPDATE callbacks SET ${set} WHERE id = $1`, [row!.id]);
    expect(await marks(db, [row!.clinicId])).toEqual([]);
  });
});
