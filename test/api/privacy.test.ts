// Patient data is sensitive: no phone number, personal identity number, name or token in the logs.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { accessLog } from '../../src/http/operations.js';
import { useTestServer } from '../support/server.js';
import { until } from '../support/until.js';

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

/** Sends `text` as it is over a socket of its own; resolves when the server closes it (or `end` says when to hang up). */
function rawRequest(baseUrl: string, text: string, hangUpAfterWrite = false): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(text, () => {
        if (hangUpAfterWrite) setImmediate(() => (socket.destroy(), resolve('')));
      });
    });
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The first of `lines()` that `what` picks, once it has been logged. */
const untilLogged = (lines: () => string[], what: (line: string) => boolean): Promise<string> =>
  until(async () => lines().find(what), (line): line is string => line !== undefined, 'the line to be logged', 10_000) as Promise<string>;

describe('access lines, at the edges', () => {
  it('redact the webhook key in a mixed-case or absolute-form request target', async () => {
    const before = server().logLines.length;
    await rawRequest(server().baseUrl, 'POST /API/Telephony/46elks/mixed-case-key-8d1e/voice/start HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    await rawRequest(server().baseUrl, 'POST http://x/api/telephony/46elks/absolute-key-77c2/voice/start?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const logs = () => server().logLines.slice(before);
    await untilLogged(logs, (line) => line.includes('/46elks/:key/voice/start') && line.includes('"/api/'));
    const urls = logs()
      .map((line) => JSON.parse(line) as { req?: { url: string } })
      .flatMap((line) => (line.req ? [line.req.url] : []));
    expect(urls).toEqual(['/API/Telephony/46elks/:key/voice/start', '/api/telephony/46elks/:key/voice/start']);
    expect(logs().join('\n')).not.toMatch(/mixed-case-key|absolute-key/);
  });

  it('say "request aborted" when the response was never finished, and keep a half-sent body out', async () => {
    const lines: string[] = [];
    const log = accessLog(createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) })));
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: false });
    log({ method: 'GET', originalUrl: '/api/clinics/c1/slots?phone=0701234567' } as never, res as never, () => undefined);
    res.emit('close');
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([{ msg: 'request aborted', req: { method: 'GET', url: '/api/clinics/c1/slots' } }]);

    // A body cut off mid-way: body-parser answers 400, and the line names only the path.
    const clinicId = await server().addClinic();
    const before = server().logLines.length;
    await rawRequest(server().baseUrl, `POST /api/clinics/${clinicId}/callbacks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"phone":"07012`, true);
    const line = JSON.parse(await untilLogged(() => server().logLines.slice(before), (l) => l.includes(`/api/clinics/${clinicId}/callbacks`)));
    expect(line.req).toEqual({ method: 'POST', url: `/api/clinics/${clinicId}/callbacks` });
    expect(server().logLines.slice(before).join('\n')).not.toContain('07012');
  });

  it('go with answers that carry no ETag', async () => {
    const clinicId = await server().addClinic();
    const res = await fetch(`${server().baseUrl}/api/clinics/${clinicId}/slots?from=2027-03-30&to=2027-03-30`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('etag')).toBeNull();
  });
});
