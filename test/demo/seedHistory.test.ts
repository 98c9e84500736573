// The demo history: deterministic, within every slot's capacity, and with the variety the reports need.
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { readDailyRollups, rebuildAllMeasures } from '../../src/db/measureRollup.js';
import { seedDemoHistory, SeedRefused } from '../../src/demo/seedHistory.js';
import { openTestDatabase } from '../support/database.js';

const OPTIONS = { callbacks: 6_000, from: '2026-02-02', until: '2026-03-01', seed: 7, basis: 'contact' as const, replace: false, log: () => undefined };

async function fingerprint(db: Database) {
  const { rows } = await db.query<any>(
    `SELECT count(*)::int AS callbacks, md5(string_agg(id::text || requested_at::text || slot_start::text || status, ',' ORDER BY id)) AS digest
       FROM callbacks`,
  );
  return rows[0];
}

describe('npm run seed:demo', () => {
  it('writes the same history for the same seed, and fills every figure the reports show', async () => {
    const [a, b] = [await openTestDatabase(), await openTestDatabase()];
    try {
      const seeded = await seedDemoHistory(a, OPTIONS);
      await seedDemoHistory(b, OPTIONS);
      expect(seeded.clinics).toHaveLength(30);
      expect(seeded.callbacks).toBeGreaterThan(4_800);
      expect(await fingerprint(a)).toEqual(await fingerprint(b));

      // Never more bookings in a slot than its capacity (the clinics' rules, as booking enforces them).
      const overfull = await a.query<any>(
        `SELECT c.clinic_id, c.slot_start, count(*)::int AS n FROM callbacks c GROUP BY 1, 2
          HAVING count(*) > (SELECT max((r->>'capacity')::int) FROM clinics k, jsonb_array_elements(k.capacity_rules) r WHERE k.id = c.clinic_id)`,
      );
      expect(overfull.rows).toEqual([]);

      const classes = await a.query<any>('SELECT same_day, count(*)::int AS n FROM callback_measures GROUP BY 1');
      const sameDay = Object.fromEntries(classes.rows.map((r) => [r.same_day, r.n]));
      for (const c of ['reached', 'no_same_day_slot', 'attempted_unanswered', 'after_cutoff', 'cancelled_before_slot', 'chose_later_day']) {
        expect(sameDay[c], c).toBeGreaterThan(0);
      }
      const punctual = await a.query<any>('SELECT punctuality, count(*)::int AS n FROM callback_measures WHERE punctuality IS NOT NULL GROUP BY 1');
      expect(punctual.rows.map((r) => r.punctuality).sort()).toEqual(['early', 'late', 'on_time']);
      const days = await a.query<any>("SELECT DISTINCT days_to_assessment AS d FROM guarantee_measures WHERE result IN ('within', 'late') ORDER BY 1");
      expect(days.rows.map((r) => r.d)).toEqual([0, 1, 2, 3, 4, 5, 6]);

      // What the seed stored equals a recomputation from its raw records.
      const clinics = seeded.clinics;
      const stored = await readDailyRollups(a, clinics);
      await rebuildAllMeasures(a, 'contact');
      expect(await readDailyRollups(a, clinics)).toEqual(stored);

      await expect(seedDemoHistory(a, OPTIONS)).rejects.toBeInstanceOf(SeedRefused);
      const again = await seedDemoHistory(a, { ...OPTIONS, replace: true });
      expect(again.callbacks).toBe(seeded.callbacks);
      expect(await fingerprint(a)).toEqual(await fingerprint(b));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 400_000);
});
