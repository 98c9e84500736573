// The report rollups are kept correct as calls happen: after a seeded-random mix of bookings, cancellations,
// calls, outcomes, assessments, exclusions and rule changes, some of them concurrent with report reads,
// the incrementally maintained rollups and facts equal a full recomputation from the raw records.
import { describe, expect, it } from 'vitest';
import { rebuildAllMeasures, readDailyRollups } from '../../src/db/measureRollup.js';
import type { Database } from '../../src/db/database.js';
import { seededRandom } from '../../src/demo/history.js';
import { ALL_BACKENDS } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { trackerClinic, type TrackerClinic } from '../support/tracker.js';

async function snapshot(db: Database, clinicIds: string[]) {
  const facts = await db.query('SELECT * FROM callback_measures WHERE clinic_id = ANY($1) ORDER BY callback_id', [clinicIds]);
  const cases = await db.query('SELECT * FROM guarantee_measures WHERE clinic_id = ANY($1) ORDER BY callback_id', [clinicIds]);
  return { daily: Object.fromEntries(await readDailyRollups(db, clinicIds)), facts: facts.rows, cases: cases.rows };
}

// Week of Monday 19 April 2027 (+02:00).
const DAYS = ['2027-04-19', '2027-04-20', '2027-04-21', '2027-04-22'];

describe.each(ALL_BACKENDS)('rollups on %s', (backend) => {
  const server = useTestServer(`${DAYS[0]}T06:00:00+02:00`, backend);

  it('equal a full recomputation after a random week of work, with reports read concurrently', async () => {
    const s = server();
    const next = seededRandom(20270419); // deterministic, so a failure reproduces
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const clinics: TrackerClinic[] = [await trackerClinic(s), await trackerClinic(s, { lateToleranceMinutes: 5 })];
    const ids = clinics.map((c) => c.clinicId);
    const report = (c: TrackerClinic) => c.report(`from=${DAYS[0]}&to=${DAYS[DAYS.length - 1]}&groupBy=day`);
    const open: { clinic: TrackerClinic; id: string; token: string; slot: string; bookedAt: number }[] = [];
    const reached: { clinic: TrackerClinic; id: string }[] = [];
    const cases: { clinic: TrackerClinic; id: string }[] = [];

    for (const day of DAYS) {
      for (const time of ['06:05', '07:30', '09:10', '11:40', '15:50', '16:10']) {
        s.clock.set(`${day}T${time}:00+02:00`);
        // Several patients at once, while a manager reads the report.
        const clinic = pick(clinics);
        const burst = await Promise.all([
          ...Array.from({ length: 6 }, () => clinic.book()),
          report(clinic).then(() => null),
        ]);
        for (const b of burst) if (b) open.push({ clinic, id: b.id, token: b.token, slot: b.slot.start, bookedAt: s.clock.now().toMillis() });
        if (next() < 0.3 && open.length) {
          const victim = open.splice(Math.floor(next() * open.length), 1)[0]!;
          if (new Date(victim.slot) > new Date(s.clock.now().toISO()!)) await victim.clinic.cancel(victim);
        }
      }
      // The nurses call everyone due that day: some early, some late, some not answering.
      s.clock.set(`${day}T17:30:00+02:00`);
      for (const c of open.splice(0)) {
        if (!c.slot.startsWith(day)) {
          open.push(c);
          continue;
        }
        const offsetMinutes = Math.floor(next() * 70) - 20;
        // Never before the booking: the API refuses a call time before the patient booked.
        const at = new Date(Math.max(new Date(c.slot).getTime() + offsetMinutes * 60_000, c.bookedAt)).toISOString();
        const answered = next() < 0.75;
        await c.clinic.call(c.id, at, answered);
        if (answered) reached.push(c);
      }
      for (const r of reached.splice(0)) {
        const covered = next() < 0.6;
        await r.clinic.outcome(r.id, covered ? 'new_problem' : false, covered && next() < 0.2 ? 'nurse' : undefined);
        if (covered) cases.push(r);
      }
      await Promise.all([report(clinics[0]!), report(clinics[1]!)]);
      for (const c of cases.splice(0)) {
        const roll = next();
        if (roll < 0.5) await c.clinic.assess(c.id, { assessedAt: s.clock.now().toISO()!, profession: 'doctor', mode: pick(['visit', 'video', 'phone']) });
        else if (roll < 0.6) await c.clinic.exclude(c.id, 'medically_motivated_wait');
        else cases.push(c);
      }
    }
    // Rules changing afterwards reach the cells they touch: a tolerance and a newly closed date.
    await s.db.query('UPDATE clinics SET early_tolerance_minutes = 10 WHERE id = $1', [ids[0]]);
    await s.db.query("INSERT INTO clinic_date_exceptions (clinic_id, date, closed) VALUES ($1, '2027-04-20', true)", [ids[1]]);

    const final = await report(clinics[0]!);
    expect(final.total.contactSameDay.requests).toBeGreaterThan(50);
    await report(clinics[1]!);
    expect((await s.db.query('SELECT count(*)::int AS n FROM measure_changes')).rows[0]).toEqual({ n: 0 });
    const incremental = await snapshot(s.db, ids);
    expect(Object.keys(incremental.daily)).toHaveLength(DAYS.length * 2);

    await rebuildAllMeasures(s.db, 'contact');
    expect(await snapshot(s.db, ids)).toEqual(incremental);
  });

  it('lose no booking in the 06:00 rush: 120 simultaneous bookings while reports refresh', async () => {
    const s = server();
    s.clock.set('2027-04-26T06:00:00+02:00');
    const clinic = await trackerClinic(s, { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 10 }] });
    const report = () => clinic.report('from=2027-04-26&to=2027-04-26&groupBy=day');
    const results = await Promise.all([
      ...Array.from({ length: 120 }, () => clinic.book().then(() => 'booked' as const)),
      ...Array.from({ length: 8 }, () => report().then(() => 'read' as const)),
    ]);
    expect(results.filter((r) => r === 'booked')).toHaveLength(120);
    const after = await report();
    // That morning every request waits for its time: pending, not yet a failure.
    expect(after.total.contactSameDay).toMatchObject({ requests: 120, pending: 120, denominator: 0 });
    const incremental = await snapshot(s.db, [clinic.clinicId]);
    await rebuildAllMeasures(s.db, 'contact');
    expect(await snapshot(s.db, [clinic.clinicId])).toEqual(incremental);
    // The next day, none of them having been called, all 120 count and fail.
    s.clock.set('2027-04-27T08:00:00+02:00');
    expect((await report()).total.contactSameDay).toMatchObject({ requests: 120, pending: 0, denominator: 120, numerator: 0 });
  });
});
