// The 46elks client and the provider port on it, against the local fake: what POST /calls sends, and how
// answers are classified (a refusal for good vs a fault worth retrying, a provider that hangs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElksClient, createElksTelephony, ElksRefused } from '../../src/telephony/elks.js';
import { CallRefused } from '../../src/telephony/port.js';
import { FAKE_ELKS_PASSWORD, FAKE_ELKS_USERNAME, startFakeElks, type FakeElks } from '../support/fakeElks.js';

let fake: FakeElks;
beforeAll(async () => {
  fake = await startFakeElks();
});
afterAll(async () => fake?.close());

const telephony = (options: { password?: string; timeoutMs?: number } = {}) =>
  createElksTelephony(
    createElksClient({ apiUrl: `${fake.apiUrl}/`, username: FAKE_ELKS_USERNAME, password: options.password ?? FAKE_ELKS_PASSWORD, timeoutMs: options.timeoutMs }),
  );
const call = {
  from: '+46101234567',
  to: '+46705550001',
  voiceStartUrl: 'https://vard.example.se/api/telephony/46elks/k/calls/1/voice-start',
  whenHangupUrl: 'https://vard.example.se/api/telephony/46elks/k/calls/1/hangup',
  timeoutSeconds: 30,
};

describe('46elks calls', () => {
  it('posts from, to, voice_start, whenhangup and timeout as a form with basic auth, and returns the call id', async () => {
    const before = fake.calls.length;
    const { providerCallId } = await telephony().placeCall(call);
    const placed = fake.calls.slice(before);
    expect(placed).toHaveLength(1);
    expect(providerCallId).toBe(placed[0]!.id);
    expect(placed[0]!.fields).toEqual({ from: call.from, to: call.to, voice_start: call.voiceStartUrl, whenhangup: call.whenHangupUrl, timeout: '30' });
  });

  it('treats wrong credentials and a refused call as permanent, 5xx and 429 as transient', async () => {
    await expect(telephony({ password: 'wrong' }).placeCall(call)).rejects.toBeInstanceOf(CallRefused);
    fake.failNext('/calls', 402, 1, 'Insufficient credits');
    await expect(telephony().placeCall(call)).rejects.toBeInstanceOf(CallRefused);
    for (const status of [429, 500, 502, 503]) {
      fake.failNext('/calls', status);
      const error = await telephony().placeCall(call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(CallRefused);
    }
  });

  it('gives up on a provider that does not answer within the timeout, as a transient fault', async () => {
    const release = fake.holdNext('/calls');
    try {
      const error = await telephony({ timeoutMs: 300 }).placeCall(call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(CallRefused);
    } finally {
      release();
    }
  });

  it('keeps phone numbers out of a refusal’s message', async () => {
    fake.failNext('/sms', 400, 1, 'Invalid to number +46705550001');
    const error = await createElksClient({ apiUrl: fake.apiUrl, username: FAKE_ELKS_USERNAME, password: FAKE_ELKS_PASSWORD })
      .post('/sms', { from: 'VC', to: '+46705550001', message: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElksRefused);
    expect((error as ElksRefused).status).toBe(400);
    expect((error as Error).message).not.toContain('705550001');
  });
});
