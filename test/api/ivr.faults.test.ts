// A live caller never hears silence: when the database fails or hangs, every voice webhook still answers 200 in
// time with an apology and the clinic's fallback number, and the call is recorded as failed when it can be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SLOW_STEP_RETRIES, VOICE_DEADLINE_MS } from '../../src/http/webhooks/elksVoice.js';
import { FakeElksCall } from '../support/fakeElksCaller.js';
import { ivrClinic } from '../support/ivrClinic.js';
import { openTestDatabase } from '../support/database.js';
import { faultyDatabase } from '../support/faultyDatabase.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { until } from '../support/until.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const APOLOGY = 'Tyvärr gick något fel. Ring i stället noll åtta ett två tre fyra fem sex sju noll. Tack för samtalet. Hej då.';
const GREETING = 'Välkommen till vårdcentralens telefonbokning. Vid livshotande tillstånd, ring 1 1 2. För sjukvårdsrådgivning, ring 1 1 7 7.';

let server: TestServer;
let fault: ReturnType<typeof faultyDatabase>['fault'];
beforeAll(async () => {
  const faulty = faultyDatabase(await openTestDatabase());
  fault = faulty.fault;
  server = await startTestServer(faulty.db, TUESDAY_0800, { voiceDeadlineMs: VOICE_DEADLINE_MS });
});
afterAll(async () => {
  fault.matches = null;
  await server?.close();
  await server?.db.close();
});


async function outcomeOf(callId: string): Promise<string | undefined> {
  const { rows } = await server.db.query<{ outcome: string }>('SELECT outcome FROM incoming_calls WHERE call_id = $1', [callId]);
  return rows[0]?.outcome;
}

/**
 * The failure is recorded after the caller's answer (never holding it up): poll for it, as long as a busy machine
 * may take (not a deadline of the app's).
 */
const eventually = (check: () => Promise<boolean>, what: string) => until(check, (met) => met, what, 60_000);

/** The log lines of the deadline passing, written by the voice routes (DeadlinePassed). */
const deadlinesPassed = () => server.logLines.filter((line) => line.includes(`no answer within ${VOICE_DEADLINE_MS} ms`)).length;
const slowStepsAskedAgain = () => server.logLines.filter((line) => line.includes('phone booking step slower than the deadline')).length;

describe('phone booking when the database fails', () => {
  it('a failing query mid-call: apology with the fallback number read digit by digit, 200, outcome failed', async () => {
    const { bookingNumber } = await ivrClinic(server);
    fault.matches = /FROM callbacks/;
    fault.mode = 'fail';
    try {
      const call = await FakeElksCall.dial(server, { from: '+46701234567', to: bookingNumber });
      expect(call.heard).toEqual([APOLOGY]);
      expect(call.ended).toBe(true);
      await eventually(async () => (await outcomeOf(call.callId)) === 'failed', 'the call to be recorded failed');
    } finally {
      fault.matches = null;
    }
    expect(server.logLines.join('\n')).not.toContain('701234567');
  });

  it('a failure after the menu (the key press step) still apologises with the number carried from the call', async () => {
    const { bookingNumber } = await ivrClinic(server);
    const call = await FakeElksCall.dial(server, { from: '+46701234568', to: bookingNumber });
    fault.matches = /./;
    fault.mode = 'fail';
    try {
      await call.press('1');
      expect(call.lastPrompt.text).toBe(APOLOGY);
    } finally {
      fault.matches = null;
    }
  });

  it('the database down from the first statement: apology, still 200, with the fallback number when this process has seen it', async () => {
    const seen = await ivrClinic(server);
    await FakeElksCall.dial(server, { from: '+46701234566', to: seen.bookingNumber });
    const unseen = await ivrClinic(server);
    fault.matches = /./;
    fault.mode = 'fail';
    try {
      const call = await FakeElksCall.dial(server, { from: '+46701234569', to: seen.bookingNumber, clinicId: seen.id });
      expect(call.lastPrompt.text).toBe(APOLOGY);
      const first = await FakeElksCall.dial(server, { from: '+46701234569', to: unseen.bookingNumber, clinicId: unseen.id });
      expect(first.lastPrompt.text).toBe('Tyvärr gick något fel. Tack för samtalet. Hej då.');
    } finally {
      fault.matches = null;
    }
  });

  it(`a database that does not answer: the caller hears the apology within ${VOICE_DEADLINE_MS} ms, and the call is recorded failed`, async () => {
    const { bookingNumber } = await ivrClinic(server);
    fault.matches = /FROM callbacks/;
    fault.mode = 'hang';
    try {
      const deadlinesBefore = deadlinesPassed();
      const call = await FakeElksCall.dial(server, { from: '+46701234570', to: bookingNumber });
      expect(call.heard).toEqual([APOLOGY]);
      // The statement never answers: the apology can only have come from the deadline, which the log names.
      expect(deadlinesPassed() - deadlinesBefore).toBe(1);
      // Once, not once per step or attempt: the webhook's own answer took one deadline, not two (the slack is for a
      // busy machine; the audio fetched afterwards is not timed).
      expect(call.answerMs[0]).toBeGreaterThanOrEqual(VOICE_DEADLINE_MS - 50);
      expect(call.answerMs[0]).toBeLessThan(2 * VOICE_DEADLINE_MS);
      await eventually(async () => (await outcomeOf(call.callId)) === 'failed', 'the call to be recorded failed');
    } finally {
      fault.matches = null;
    }
  });

  it('a failure after the caller was turned away (no time today) leaves the call counted as turned away, not failed', async () => {
    const { bookingNumber } = await ivrClinic(server);
    // Friday after the last time of the day: the offer is Monday's, the call is recorded as no_time_today.
    server.clock.set('2027-04-09T16:56:00+02:00');
    try {
      const call = await FakeElksCall.dial(server, { from: '+46701234571', to: bookingNumber });
      expect(await outcomeOf(call.callId)).toBe('no_time_today');
      fault.done = [];
      fault.matches = /\bcallbacks\b/;
      fault.mode = 'fail';
      await call.press('1');
      expect(call.lastPrompt.text).toBe(APOLOGY);
      fault.matches = null;
      // The (not awaited) failure mark has run once its statement answered.
      await eventually(async () => fault.done.some((sql) => /UPDATE incoming_calls SET outcome/.test(sql)), 'the failure mark to have run');
      expect(await outcomeOf(call.callId)).toBe('no_time_today');
    } finally {
      fault.matches = null;
      server.clock.set(TUESDAY_0800);
    }
  });

  it('a start step that hangs after the call is recorded (reading the clinic’s settings) leaves the call failed', async () => {
    const { bookingNumber } = await ivrClinic(server);
    fault.matches = /fallback_phone_e164/;
    fault.mode = 'hang';
    try {
      const call = await FakeElksCall.dial(server, { from: '+46701234572', to: bookingNumber });
      expect(call.heard).toEqual(['Tyvärr gick något fel. Tack för samtalet. Hej då.']);
      await eventually(async () => (await outcomeOf(call.callId)) === 'failed', 'the call to be recorded failed');
    } finally {
      fault.matches = null;
    }
  });

  it('a booking slower than the deadline: "Ett ögonblick", the key press asked again, and the caller hears the one booking made', async () => {
    const { id, bookingNumber } = await ivrClinic(server);
    const call = await FakeElksCall.dial(server, { from: '+46701234573', to: bookingNumber });
    fault.matches = /INSERT INTO callbacks/;
    fault.mode = 'slow';
    // The booking commits once the deadline has passed, not after a fixed time: the step asked again then waits
    // only for that commit, whatever time the first attempt took to get this far on a busy machine.
    const askedAgainBefore = slowStepsAskedAgain();
    fault.until = () => until(async () => slowStepsAskedAgain(), (n) => n > askedAgainBefore, 'the first attempt to pass the deadline', 60_000);
    fault.once = true;
    try {
      await call.press('1');
    } finally {
      fault.matches = null;
      fault.until = null;
      fault.once = false;
    }
    expect(call.heard).toEqual([
      GREETING,
      expect.stringContaining('Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio.'),
      'Ett ögonblick.',
      'Du är bokad. Vi ringer dig i dag mellan klockan åtta och femton och klockan åtta och trettio. Vi ringer från noll två två ett ett två tre fyra fem. Du får ett sms. Tack för samtalet. Hej då.',
    ]);
    const callbacks = await server.db.query<{ id: string }>('SELECT id FROM callbacks WHERE clinic_id = $1', [id]);
    expect(callbacks.rows).toHaveLength(1);
    const outcome = await server.db.query('SELECT outcome, callback_id FROM incoming_calls WHERE call_id = $1', [call.callId]);
    expect(outcome.rows).toEqual([{ outcome: 'booked', callback_id: callbacks.rows[0]!.id }]);
  });

  it(`a step slow every time is asked again ${MAX_SLOW_STEP_RETRIES} times, then the apology; a booking that commits late stays booked`, async () => {
    const { id, bookingNumber } = await ivrClinic(server);
    const call = await FakeElksCall.dial(server, { from: '+46701234574', to: bookingNumber });
    // The clinic's rules are read at every step, outside any transaction: each attempt waits past the deadline.
    fault.matches = /FROM clinics WHERE id/;
    fault.mode = 'slow';
    fault.delayMs = VOICE_DEADLINE_MS + 300;
    try {
      await call.press('1');
    } finally {
      fault.matches = null;
    }
    expect(call.heard.slice(2)).toEqual([...Array(MAX_SLOW_STEP_RETRIES).fill('Ett ögonblick.'), APOLOGY]);
    expect(call.ended).toBe(true);
    // The attempts went on in the background under one idempotency key: one booking, and the call says booked.
    await eventually(async () => (await outcomeOf(call.callId)) === 'booked', 'the late booking to be recorded on the call');
    const callbacks = await server.db.query('SELECT id FROM callbacks WHERE clinic_id = $1', [id]);
    expect(callbacks.rows).toHaveLength(1);
  });

  it('bad or missing webhook fields get a spoken apology with the clinic’s fallback number, never a 4xx', async () => {
    const { clinicWebhookUrl } = await import('../../src/telephony/webhookKey.js');
    const { TEST_TELEPHONY_SECRET } = await import('../support/server.js');
    const { id, bookingNumber } = await ivrClinic(server);
    const to = encodeURIComponent(bookingNumber);
    for (const [path, body] of [
      ['/voice/start', ''],
      ['/voice/start', `to=${to}`],
      ['/voice/start', `callid=%00bad&to=${to}`],
      ['/voice/start', 'callid=r123&from=%2B46701234567'],
      ['/voice/next', 'result=1'],
      ['/voice/next', `result=1&callid=r123&to=${to}`],
      [`/voice/next?c=abc&k=${id}&s=offer&t=notanumber&f=0700000000`, 'result=1'],
    ] as const) {
      const response = await fetch(clinicWebhookUrl(server.baseUrl, TEST_TELEPHONY_SECRET, id, path), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(response.status, `${path} ${body}`).toBe(200);
      const action = (await response.json()) as { play: string };
      expect(new URL(action.play).searchParams.get('clips'), `${path} ${body}`).toBe('sorry,call_instead,n0,n8,n1,n2,n3,n4,n5,n6,n7,n0,goodbye');
    }
  });
});
