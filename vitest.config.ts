import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CI runs the suite twice, on PostgreSQL (DATABASE_URL set) and on PGlite. The browser journeys and the
    // fault tests (which start their own PostgreSQL and Redis) do not depend on that choice: they run in the
    // pass without DATABASE_URL, which is also what a plain `npm test` is.
    exclude: process.env.DATABASE_URL ? ['test/browser/**', 'test/faults/**', 'node_modules/**'] : ['node_modules/**'],
    pool: 'forks',
    // One PGlite migrated once per run; each test file's in-memory database starts from its dump.
    globalSetup: ['test/globalSetup.ts'],
    // Two cores on the CI machine; each file may start its own embedded PostgreSQL.
    maxWorkers: 2,
    minWorkers: 1,
    // Timeouts only catch hangs: on a busy 2-core machine starting an app, migrating or a worker's lifecycle
    // once took 32–54 s. No test waits for a fixed time; waits poll until their condition holds.
    testTimeout: 180_000,
    hookTimeout: 240_000,
    env: { TZ: 'UTC' },
  },
});
