// The layers of src/ and workers/, checked in CI (`npm run check:layers`). Each rule names what a layer may not
// import; docs/development.md draws the layers. Type-only imports count too: a type couples modules as much as a value.
const layer = (dir) => `^src/${dir}/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A circle of imports is one module split in two: neither can change without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'The rules (src/domain) import nothing of the project but each other, the errors and the clock: no I/O, no framework.',
      severity: 'error',
      from: { path: layer('domain') },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/errors\\.ts$', '^src/clock\\.ts$'] },
    },
    {
      name: 'db-below-services',
      comment: 'Data access (src/db) knows SQL and the domain (and reports outages to src/ops), not the services, queues, adapters or HTTP above it.',
      severity: 'error',
      from: { path: layer('db') },
      to: { path: ['^src/(services|http|jobs|queue|sms|telephony|notify|transfer|cli|demo)/', '^src/compose\\.ts$', '^workers/'] },
    },
    {
      name: 'queue-below-services',
      comment: 'The queue contract and its BullMQ adapter know the domain, not the services, data access or handlers.',
      severity: 'error',
      from: { path: layer('queue') },
      to: { path: ['^src/(services|http|jobs|db|sms|telephony|notify|transfer|cli|demo)/', '^src/compose\\.ts$', '^workers/'] },
    },
    {
      name: 'adapters-below-services',
      comment: 'Providers (SMS, telephony, notifiers, the national transfer) and file formats (exports) are adapters: they know the domain, never the services or the database.',
      severity: 'error',
      from: { path: '^src/(sms|telephony|notify|transfer|exports)/' },
      to: { path: ['^src/(services|http|jobs|db|queue|cli|demo)/', '^src/compose\\.ts$', '^workers/'] },
    },
    {
      name: 'services-below-http',
      comment: 'Use cases (src/services) do not know HTTP, the job handlers or the worker process.',
      severity: 'error',
      from: { path: layer('services') },
      to: { path: ['^src/(http|jobs|cli|demo)/', '^src/compose\\.ts$', '^workers/'] },
    },
    {
      name: 'jobs-without-bullmq',
      comment: 'Job handlers get their payload and dependencies; BullMQ lives in src/queue and workers/ only.',
      severity: 'error',
      from: { path: layer('jobs') },
      to: { path: ['^src/(http|cli|demo)/', '^workers/', 'node_modules/bullmq/'] },
    },
    {
      name: 'pages-not-endpoints',
      comment: 'Pages call the same services as the API endpoints, never the endpoints or webhooks themselves.',
      severity: 'error',
      from: { path: '^src/http/pages/' },
      to: { path: '^src/http/(endpoints|webhooks)/' },
    },
    {
      name: 'http-not-workers',
      comment: 'The API does not reach into the worker process or the command line.',
      severity: 'error',
      from: { path: layer('http') },
      to: { path: ['^workers/', '^src/(jobs|cli|demo)/', '^src/compose\\.ts$'] },
    },
    {
      name: 'config-at-the-bottom',
      comment: 'Configuration is parsed once at start-up from the environment; it knows the domain and the errors, nothing above.',
      severity: 'error',
      from: { path: '^src/config(\\.ts$|/)' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/errors\\.ts$', '^src/config(\\.ts$|/)'] },
    },
    {
      name: 'workers-from-entry-points-only',
      comment: 'Only the start-up (src/main.ts runs the workers in the API process) may start the worker process.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main\\.ts$' },
      to: { path: '^workers/' },
    },
    {
      name: 'ops-at-the-bottom',
      comment: 'Operations (metrics, outage logging) are used by every layer, so they use none of them.',
      severity: 'error',
      from: { path: layer('ops') },
      to: { path: '^src/', pathNot: ['^src/ops/', '^src/logger\\.ts$', '^src/errors\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
