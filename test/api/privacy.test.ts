// Patient data is sensitive: no phone number, personal identity number, name or token in the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(await openTestDatabase(), '2027-03-30T08:00:00+02:00');
});
afterAll(async () => {
  await server.close();
  await server.db.close();
});

describe('logs', () => {
  it('record requests without the patient’s phone, identity number, name or token', async () => {
    const clinicId = await server.addClinic();
    const booked = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, {
      body: { phone: '070-123 45 67', personalIdentityNumber: '19121212-1212', name: 'Tolvan Tolvansson' },
      headers: { 'Idempotency-Key': 'privacy-key-1' },
    });
    await server.request('GET', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': booked.body.token } });
    await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-123 45 6', personalIdentityNumber: '19121212-1213' } });
    const logs = server.logLines.join('\n');
    expect(logs).toContain(`/api/clinics/${clinicId}/callbacks`);
    for (const secret of ['701234567', '1212121212', '19121212', 'Tolvan', booked.body.token, 'privacy-key-1', '070-123']) {
      expect(logs).not.toContain(secret);
    }
  });
});
