// The app on a fresh test database beside a fake 46elks, for the tests of what goes through 46elks.
import { afterAll, beforeAll } from 'vitest';
import { openTestDatabase } from './database.js';
import { startFakeElks, type FakeElks } from './fakeElks.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

/** Starts the fake and the app (placing agent-first calls through the fake when `placeCalls`) before the tests, stops both after. */
export function useFakeElksApp(
  now: string,
  options: { placeCalls?: boolean } & Omit<TestServerOptions, 'elksApiUrl'> = {},
): { fake: () => FakeElks; server: () => TestServer } {
  const { placeCalls, ...serverOptions } = options;
  let fake: FakeElks | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    fake = await startFakeElks();
    server = await startTestServer(await openTestDatabase(), now, { ...serverOptions, ...(placeCalls ? { elksApiUrl: fake.apiUrl } : {}) });
  });
  afterAll(async () => {
    await server?.close();
    await server?.db.close();
    await fake?.close();
  });
  return { fake: () => fake!, server: () => server! };
}

