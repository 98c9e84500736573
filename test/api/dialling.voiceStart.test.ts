// voice_start of an agent-first call under failure: whatever the service does (throws, as with the database
// down, or never answers), 46elks gets a 200 with an action within the deadline, so the nurse's call ends with
// an apology instead of being dropped on a 5xx or a timeout, and the log names no phone number.
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { elksDiallingRoutes, VOICE_START_DEADLINE_MS } from '../../src/http/webhooks/elksDialling.js';
import { createLogger } from '../../src/logger.js';
import type { DiallingService, VoiceAction } from '../../src/services/dialling.js';
import { loadClipSet, SHIPPED_CLIPS_DIR } from '../../src/telephony/clips.js';
import { webhookKey } from '../../src/telephony/webhookKey.js';

const CALL = '2b1c6a52-0f0e-4a39-9c1f-1d2e3f4a5b6c';
const NURSE = '+46705550001';
let behaviour: () => Promise<VoiceAction>;
const logLines: string[] = [];
const dialling = { voiceStart: () => behaviour() } as unknown as DiallingService;
let base: string;
let close: () => Promise<void>;

function appWith(clips: ReturnType<typeof loadClipSet> | null, secret: string | null) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  app.use(
    elksDiallingRoutes({
      dialling,
      db: {} as Database,
      clock: systemClock,
      logger: createLogger('info', sink),
      clips,
      publicBaseUrl: 'https://vc.example',
      secret,
      deadlineMs: 200,
    }),
  );
  return app;
}

async function listen(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const voiceStart = async (url = base) => {
  const started = Date.now();
  const response = await fetch(`${url}/calls/${CALL}/voice-start`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ callid: 'c1', from: '+46101234567', to: NURSE }).toString(),
  });
  return { status: response.status, action: (await response.json()) as unknown, ms: Date.now() - started };
};

beforeAll(async () => {
  const server = await listen(appWith(loadClipSet(SHIPPED_CLIPS_DIR), 'secret-for-voice-start'));
  base = server.url;
  close = server.close;
});
afterAll(async () => close?.());

describe('voice_start when the service fails', () => {
  const sorryUrl = `https://vc.example/api/telephony/46elks/${webhookKey('secret-for-voice-start')}/audio/prompt.wav?clips=sorry`;

  it('answers 200 with the spoken apology when the service throws (the database down)', async () => {
    behaviour = async () => {
      throw Object.assign(new Error(`connection refused while ringing ${NURSE}`), { code: 'ECONNREFUSED' });
    };
    expect(await voiceStart()).toMatchObject({ status: 200, action: { play: sorryUrl, skippable: false } });
    const log = logLines.join('');
    expect(log).toContain('voice_start of an agent-first call failed');
    expect(log).toContain('ECONNREFUSED');
    expect(log).not.toContain('705550001');
  });

  it('answers the apology within the deadline when the service hangs', async () => {
    behaviour = () => new Promise<VoiceAction>(() => undefined);
    const answer = await voiceStart();
    expect(answer).toMatchObject({ status: 200, action: { play: sorryUrl } });
    // The service never answers: the apology came from the deadline, which the log names.
    expect(logLines.at(-1)).toContain('"type":"DeadlineExceeded"');
    // The injected 200 ms, not the default (timing slack for a busy machine: anything short of the default).
    expect(answer.ms).toBeLessThan(VOICE_START_DEADLINE_MS);
  });

  it('hangs up when there is no apology clip to play', async () => {
    const bare = await listen(appWith(null, 'secret-for-voice-start'));
    try {
      behaviour = async () => {
        throw new Error('boom');
      };
      expect(await voiceStart(bare.url)).toEqual(expect.objectContaining({ status: 200, action: { hangup: 'reject' } }));
    } finally {
      await bare.close();
    }
  });

  it('passes the service’s action through when it answers in time', async () => {
    behaviour = async () => ({ connect: '+46701234567', callerid: '+46101234567', timeout: 30 });
    expect(await voiceStart()).toMatchObject({ status: 200, action: { connect: '+46701234567', callerid: '+46101234567', timeout: 30 } });
  });
});
