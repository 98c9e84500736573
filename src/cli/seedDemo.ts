// `npm run seed:demo`: a year of realistic history for 30 clinics (about 2 million callbacks), the same
// every time for the same end date. Options: --callbacks N, --until YYYY-MM-DD (default yesterday),
// --days N (default 365), --seed N, --replace (delete the demo clinics' earlier history first).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { shiftedClock, systemClock } from '../clock.js';
import { parseConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { DatabaseInUse } from '../db/dataDirLock.js';
import { ensureMeasureBasis } from '../db/measureRollup.js';
import { migrate } from '../db/migrate.js';
import { deleteNationalReports } from '../db/nationalReports.js';
import { openDatabase } from '../db/open.js';
import { seedDemoClinicsIfEmpty, seedDemoStaffIfEmpty } from '../demo/seedDemo.js';
import { findStaffByName } from '../db/staff.js';
import { seedDemoHistory, SeedRefused, DEMO_REGION } from '../demo/seedHistory.js';
import { addDays, regionDate } from '../domain/schedule.js';
import { createNationalReportService } from '../services/nationalReports.js';
import { createStaffMember } from '../services/staffAuth.js';
import { monthRange, periodsOf } from '../domain/reportPeriod.js';

const REGION_MANAGER = 'Demo Regionens uppföljning';

const SeedArgs = z.object({
  callbacks: z.coerce.number().int().min(1000).max(20_000_000),
  days: z.coerce.number().int().min(28).max(3 * 366),
  seed: z.coerce.number().int(),
  until: z.iso.date().optional(),
  replace: z.boolean(),
});

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      callbacks: { type: 'string', default: '2000000' },
      until: { type: 'string' },
      days: { type: 'string', default: '365' },
      seed: { type: 'string', default: '2026' },
      replace: { type: 'boolean', default: false },
    },
  });
  const parsed = SeedArgs.safeParse(values);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  const { callbacks, days, seed } = parsed.data;
  const config = parseConfig();
  // Demo history, a region-wide manager and a printed token have no place in a production database.
  if (config.nodeEnv === 'production') throw new ConfigError('seed:demo refuses to run with NODE_ENV=production.');
  const clock = config.appNow ? shiftedClock(config.appNow) : systemClock;
  const until = parsed.data.until ?? addDays(regionDate(clock.now()), -1);
  const from = addDays(until, -(days - 1));

  const started = Date.now();
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    await ensureMeasureBasis(db, config.guaranteeStart);
    // The same starting point as `npm start` on an empty database: its demo clinics and staff.
    if (config.seedDemo) {
      await seedDemoClinicsIfEmpty(db);
      const staff = await seedDemoStaffIfEmpty(db);
      if (staff.length) console.log(`Demo staff (bearer tokens, shown only now):\n${staff.map((x) => `  ${x.role.padEnd(7)} ${x.token}`).join('\n')}`);
    }
    console.log(`Seeding ${callbacks.toLocaleString('sv-SE')} callbacks for ${DEMO_REGION.length} clinics, ${from} – ${until} (seed ${seed}) …`);
    const result = await seedDemoHistory(db, { callbacks, from, until, seed, basis: config.guaranteeStart, replace: values.replace, log: (l) => console.log(`  ${l}`) });

    // The national files for every complete month of the history, as the monthly job would have made them (none
    // delivered: the demo's history is not the region's).
    const national = createNationalReportService({ db, clock, mapping: config.national.mapping });
    const complete = periodsOf({ from, to: until, groupBy: 'month' }).filter((p) => {
      const month = monthRange(p.label);
      return p.from === month.from && p.to === month.to;
    });
    // A file made before the seed (npm start makes last month's at once) describes history that is now replaced.
    await deleteNationalReports(db, complete.map((p) => p.label));
    for (const p of complete) await national.produce(p.label);

    let token: string | null = null;
    if (!(await findStaffByName(db, REGION_MANAGER))) {
      token = (await createStaffMember(db, { name: REGION_MANAGER, role: 'manager', clinicIds: result.clinics })).token;
    }
    console.log(`\nDone: ${result.callbacks.toLocaleString('sv-SE')} callbacks in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (token) console.log(`Region-wide manager (all ${result.clinics.length} clinics), bearer token shown only now:\n${token}`);
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof SeedRefused || error instanceof DatabaseInUse ? error.message : error);
  process.exit(1);
});
