// The app on a fresh test database beside a fake 46elks, for the tests of what goes through 46elks.
import { afterAll, beforeAll } from 'vitest';
import { parseConfig, type Config } from '../../src/config.js';
import { openTestDatabase } from './database.js';
import { FAKE_ELKS_PASSWORD, FAKE_ELKS_USERNAME, startFakeElks, type FakeElks } from './fakeElks.js';
import { startTestServer, TEST_TELEPHONY_SECRET, type TestServer, type TestServerOptions } from './server.js';

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


/** The configuration a worker runs with SMS_PROVIDER=46elks, sending through the fake, its links to `publicBaseUrl`. */
export function elksSmsConfig(fake: FakeElks, publicBaseUrl: string): Config {
  return parseConfig({
    SMS_PROVIDER: '46elks',
    ELKS_API_URL: fake.apiUrl,
    ELKS_API_USERNAME: FAKE_ELKS_USERNAME,
    ELKS_API_PASSWORD: FAKE_ELKS_PASSWORD,
    TELEPHONY_WEBHOOK_SECRET: TEST_TELEPHONY_SECRET,
    PUBLIC_BASE_URL: publicBaseUrl,
  });
}
