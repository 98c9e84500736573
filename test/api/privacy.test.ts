// Patient data is sensitive: no phone number, personal identity number, name or token in the logs.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

describe('logs', () => {
  it('record requests without the patient’s phone, identity number, name or token', async () => {
    const clinicId = await server().addClinic();
    const booked = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, {
      body: { phone: '070-123 45 67', personalIdentityNumber: '19121212-1212', name: 'Tolvan Tolvansson' },
      headers: { 'Idempotency-Key': 'privacy-key-1' },
    });
    await server().request('GET', `/api/callbacks/${booked.body.id}`, { headers: { 'X-Callback-Token': booked.body.token } });
    await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-123 45 6', personalIdentityNumber: '19121212-1213' } });
    const logs = server().logLines.join('\n');
    expect(logs).toContain(`/api/clinics/${clinicId}/callbacks`);
    for (const secret of ['701234567', '1212121212', '19121212', 'Tolvan', booked.body.token, 'privacy-key-1', '070-123']) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('access lines', () => {
  it('name method, path, status and time, never the query string or a webhook URL’s key', async () => {
    const clinicId = await server().addClinic();
    const before = server().logLines.length;
    await server().request('GET', `/api/clinics/${clinicId}/slots?from=2027-03-30&to=2027-03-30&phone=0701234567`);
    await server().request('POST', '/api/telephony/46elks/not-the-key-5f3a9c/voice/start', { body: {} });
    const lines = server()
      .logLines.slice(before)
      .map((line) => JSON.parse(line) as { msg: string; req?: { method: string; url: string }; res?: { statusCode: number }; responseTime?: number })
      .filter((line) => line.msg === 'request completed');
    expect(lines.map((l) => [l.req?.method, l.req?.url, l.res?.statusCode])).toEqual([
      ['GET', `/api/clinics/${clinicId}/slots`, 200],
      ['POST', '/api/telephony/46elks/:key/voice/start', 404],
    ]);
    expect(lines.every((l) => typeof l.responseTime === 'number' && l.responseTime >= 0)).toBe(true);
    const logs = server().logLines.slice(before).join('\n');
    expect(logs).not.toContain('701234567');
    expect(logs).not.toContain('not-the-key-5f3a9c');
  });
});
