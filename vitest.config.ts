import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// CI runs the suite twice, on PostgreSQL (DATABASE_URL set) and on PGlite. The browser journeys and the
// fault tests (which start their own PostgreSQL and Redis) do not depend on that choice: they run in the
// pass without DATABASE_URL, which is also what a plain `npm test` is.
// Tests that touch no database at all (the pure domain, configuration, clip sets, webhook keys) give the same answer
// in both passes, so they too run only in the PGlite pass: CI's two passes together must stay under 10 minutes.
const NO_DATABASE = [
  'test/domain/**',
  'test/exports/**',
  'test/config.test.ts',
  'test/auth/config.test.ts',
  'test/telephony/clips.test.ts',
  'test/telephony/config.test.ts',
  'test/telephony/speech.test.ts',
  'test/telephony/webhookKey.test.ts',
];
// Tests of the edge (the fuzz, every endpoint's error codes, rate limits, the OpenAPI document) and of deadlines that
// wait real seconds (the phone line's and the dialling provider's) answer the same on either engine. In CI they run
// once, in the PostgreSQL pass (the production engine); a plain `npm test` still runs them.
const EDGE_AND_DEADLINES = [
  'test/fuzz/**',
  'test/api/errorCodes.test.ts',
  'test/api/abuse.test.ts',
  'test/api/openapi.test.ts',
  'test/api/ivr.faults.test.ts',
  'test/api/dialling.placement.test.ts',
];
const EXCLUDE = process.env.DATABASE_URL
  ? ['test/browser/**', 'test/faults/**', ...NO_DATABASE, 'node_modules/**']
  : process.env.CI
    ? [...EDGE_AND_DEADLINES, 'node_modules/**']
    : ['node_modules/**'];

// Files that only talk to an app in their own process (HTTP, PGlite, Redis) share worker threads and the modules
// they loaded: importing the app again for every file cost seconds each. Each still gets its own database and
// server. Everything else (child processes, signals, socket counts, browsers, outages) keeps a fresh process per
// file, and runs first: those are the longest files, and a worker left alone with one at the end idles the other.
const SHARED = [
  'test/api/**/*.test.ts', 'test/auth/**/*.test.ts', 'test/domain/**/*.test.ts', 'test/exports/**/*.test.ts', 'test/telephony/**/*.test.ts', 'test/sms/**/*.test.ts',
  'test/fuzz/**/*.test.ts', 'test/queue/**/*.test.ts', 'test/workers/handlers.test.ts', 'test/workers/scheduling.test.ts', 'test/workers/nationalDelivery.test.ts',
  'test/ops/outage.test.ts', 'test/config.test.ts', 'test/database.test.ts', 'test/redis.test.ts', 'test/db/appSecrets.test.ts',
];

// Longest first within a group (a fresh clone has no timing cache to sort by).
const SLOW_FIRST = [
  'test/demo/seedHistory.test.ts',
  'test/browser/nurse.test.ts',
  'test/startup.test.ts',
  'test/browser/patient.test.ts',
  'test/browser/manager.test.ts',
  'test/ops/pgliteLock.test.ts',
  'test/faults/redisOutage.test.ts',
  'test/browser/staffSession.test.ts',
  'test/workers/lifecycle.test.ts',
  'test/fuzz/api.fuzz.test.ts',
  'test/api/rollups.test.ts',
  'test/api/concurrency.test.ts',
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOW_FIRST.indexOf(path.relative(import.meta.dirname, file.moduleId));
      return index < 0 ? SLOW_FIRST.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// Tests run in UTC. Worker threads take the zone of the process that starts them (`env` below reaches only their
// copy of process.env), and this config runs in that process.
process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    // One PGlite migrated once per run; each test file's in-memory database starts from its dump.
    globalSetup: ['test/globalSetup.ts'],
    // Two cores on the CI machine; each file may start its own embedded PostgreSQL.
    maxWorkers: 2,
    minWorkers: 1,
    poolOptions: { forks: { isolate: true }, threads: { isolate: false } },
    sequence: { sequencer: SlowFirstSequencer },
    // include and exclude only here: a project's arrays would be added to the root's, not replace them.
    projects: [
      {
        extends: true,
        test: { name: 'own-process', include: ['test/**/*.test.ts'], exclude: [...EXCLUDE, ...SHARED], pool: 'forks', sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'shared', include: SHARED, exclude: EXCLUDE, pool: 'threads', sequence: { groupOrder: 1 } } },
    ],
    // Timeouts only catch hangs: on a busy 2-core machine starting an app, migrating or a worker's lifecycle
    // once took 32–54 s. No test waits for a fixed time; waits poll until their condition holds.
    testTimeout: 180_000,
    hookTimeout: 240_000,
    // expect.poll (the browser tests' wait for a page to show something) by default gives up after 1 s, which a
    // page's fetch and render can take on a busy machine; like the timeouts above, it should only catch what never comes.
    expect: { poll: { timeout: 30_000 } },
    env: { TZ: 'UTC' },
  },
});
