import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
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
