// The HTTP SMS adapter against a local fake provider: what is sent, and how answers are classified.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSms } from '../../src/sms/httpSms.js';
import { maskPhone, SmsRejected } from '../../src/sms/port.js';

let server: Server;
let url: string;
let nextStatus = 200;
const received: { headers: IncomingMessage['headers']; body: any }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) });
      res.statusCode = nextStatus;
      res.setHeader('content-type', 'application/json');
      res.end(nextStatus < 300 ? JSON.stringify({ id: 'prov-123' }) : '{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const sms = () => createHttpSms({ url, token: 'secret-token', sender: 'VCKungsor' });
const message = { to: '+46701234567', text: 'Hej', reference: 'msg-1' };

describe('HTTP SMS adapter', () => {
  it('posts the message with bearer auth and our reference as idempotency key, and returns the provider id', async () => {
    nextStatus = 200;
    received.length = 0;
    expect(await sms().send(message)).toBe('prov-123');
    expect(received[0]!.headers.authorization).toBe('Bearer secret-token');
    expect(received[0]!.headers['idempotency-key']).toBe('msg-1');
    expect(received[0]!.body).toEqual({ from: 'VCKungsor', to: '+46701234567', message: 'Hej', reference: 'msg-1' });
  });

  it.each([400, 401, 422])('treats HTTP %i as a permanent refusal', async (status) => {
    nextStatus = status;
    await expect(sms().send(message)).rejects.toBeInstanceOf(SmsRejected);
  });

  it.each([429, 500, 503])('treats HTTP %i as transient, to be retried', async (status) => {
    nextStatus = status;
    const error = await sms().send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SmsRejected);
  });

  it('masks phone numbers for logs', () => {
    expect(maskPhone('+46701234567')).toBe('+46 70 *** ** 67');
  });
});
