// The job handlers on their own, without BullMQ or Redis: a real database, a manual clock, and recording
// fakes for the scheduling port and the SMS port.
import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { insertSms } from '../../src/db/smsMessages.js';
import { clinicRules, type ClinicRulesInput } from '../../src/domain/clinic.js';
import { PermanentJobFailure } from '../../src/jobs/failures.js';
import { makeCallbackDue } from '../../src/jobs/makeCallbackDue.js';
import { reconcile } from '../../src/jobs/reconcile.js';
import { sendSms, type SendSmsDeps } from '../../src/jobs/sendSms.js';
import { createLogger } from '../../src/logger.js';
import type { JobScheduler } from '../../src/queue/jobScheduler.js';
import { createCallbackBookingService, type CallbackBookingService } from '../../src/services/callbackBooking.js';
import { createCallbackTokens } from '../../src/services/callbackTokens.js';
import { createCallQueueService } from '../../src/services/callQueue.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import { createConsoleSms } from '../../src/sms/consoleSms.js';
import { SmsRejected } from '../../src/sms/port.js';
import { openTestDatabase, uniqueClinicId } from '../support/database.js';
import { webBooking } from '../support/webBooking.js';
import { recordingScheduler, recordingSms, type SchedulerCall } from './support.js';

// Tuesday after Easter 2027, summer time (+02:00).
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const PUBLIC_BASE_URL = 'https://boka.example.se';
const PHONE = '+46701234567';

let db: Database;
const clock = manualClock(TUESDAY_0800);
const tokens = createCallbackTokens('handlers-test-secret-handlers-test-secret');
const logger = createLogger('silent');
let jobs: ReturnType<typeof recordingScheduler>;
let booking: CallbackBookingService;

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(() => {
  clock.set(TUESDAY_0800);
  jobs = recordingScheduler();
  // Every test books from one phone number; rule 11 has tests of its own (test/api/abuse.test.ts).
  booking = createCallbackBookingService({ db, clock, tokens, jobs, logger, maxOpenPerPhone: 1000 });
});

async function addClinic(overrides: Partial<ClinicRulesInput> = {}): Promise<string> {
  const id = uniqueClinicId('vc-handlers');
  await insertClinic(db, clinicRules({ name: 'Vårdcentralen Kungsör', oneOpenCallbackPerCaller: false, ...overrides, id }));
  return id;
}

/** Books through the real booking service; returns the callback, its cancel token and its confirmation SMS id. */
async function book(clinicId: string, slotStart: string | null = null, phoneE164 = PHONE) {
  const result = await booking.book(clinicId, webBooking(phoneE164, slotStart), null);
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM sms_messages WHERE callback_id = $1 AND kind = 'booking_confirmation'",
    [result.callback.id],
  );
  return { callback: result.callback, token: result.token, smsId: rows[0]!.id };
}

const callbackRow = async (id: string) => (await db.query<any>('SELECT * FROM callbacks WHERE id = $1', [id])).rows[0];
const smsRow = async (id: string) => (await db.query<any>('SELECT * FROM sms_messages WHERE id = $1', [id])).rows[0];

describe('makeCallbackDue', () => {
  it('makes a booked callback due once its due time has come; a second run changes nothing', async () => {
    const clinicId = await addClinic();
    const { callback } = await book(clinicId);
    // Booked at 08:00, the first bookable slot is 08:15 (5 minutes' notice); due at the slot's start.
    expect(callback.slot.start.toISO()).toBe('2027-03-30T06:15:00.000Z');
    expect(jobs.calls).toContainEqual({ method: 'scheduleDue', callbackId: callback.id, attemptCount: 0, dueAt: '2027-03-30T06:15:00.000Z' });

    clock.set('2027-03-30T08:15:00+02:00');
    await expect(makeCallbackDue({ db, clock }, { callbackId: callback.id })).resolves.toEqual({ result: 'made_due' });
    const afterFirst = await callbackRow(callback.id);
    expect(afterFirst.status).toBe('due');

    clock.set('2027-03-30T08:16:00+02:00');
    await expect(makeCallbackDue({ db, clock }, { callbackId: callback.id })).resolves.toEqual({ result: 'nothing_to_do', status: 'due' });
    expect(await callbackRow(callback.id)).toEqual(afterFirst);
  });

  it('before the due time answers not_yet_due with the due time and leaves the callback booked', async () => {
    const clinicId = await addClinic();
    const { callback } = await book(clinicId, '2027-03-30T10:00:00+02:00');

    clock.set('2027-03-30T09:45:00+02:00');
    const outcome = await makeCallbackDue({ db, clock }, { callbackId: callback.id });
    expect(outcome.result).toBe('not_yet_due');
    expect(outcome.result === 'not_yet_due' && outcome.dueAt.toISO()).toBe('2027-03-30T08:00:00.000Z');
    expect((await callbackRow(callback.id)).status).toBe('booked');
  });

  it('counts a job up to one second early as on time (clocks differ across machines), but not more', async () => {
    const clinicId = await addClinic();
    const { callback } = await book(clinicId, '2027-03-30T10:00:00+02:00');

    clock.set('2027-03-30T09:59:58.900+02:00');
    expect((await makeCallbackDue({ db, clock }, { callbackId: callback.id })).result).toBe('not_yet_due');
    clock.set('2027-03-30T09:59:59.000+02:00');
    expect(await makeCallbackDue({ db, clock }, { callbackId: callback.id })).toEqual({ result: 'made_due' });
    expect((await callbackRow(callback.id)).status).toBe('due');
  });

  it('leaves a cancelled callback alone', async () => {
    const clinicId = await addClinic();
    const { callback, token } = await book(clinicId);
    clock.set('2027-03-30T08:05:00+02:00');
    await booking.cancel(callback.id, token);
    const cancelled = await callbackRow(callback.id);
    expect(cancelled.status).toBe('cancelled');

    clock.set('2027-03-30T08:20:00+02:00');
    await expect(makeCallbackDue({ db, clock }, { callbackId: callback.id })).resolves.toEqual({ result: 'nothing_to_do', status: 'cancelled' });
    expect(await callbackRow(callback.id)).toEqual(cancelled);
  });

  it('leaves a callback a nurse already claimed (the job came late) in her hands', async () => {
    const clinicId = await addClinic();
    const { callback } = await book(clinicId);
    const { staff } = await createStaffMember(db, { name: 'Sjuksköterska', role: 'nurse', clinicIds: [clinicId] });
    const queue = createCallQueueService({ db, clock, jobs, logger, claimTimeoutMinutes: 10 });
    clock.set('2027-03-30T08:16:00+02:00');
    expect((await queue.claimNext(staff, clinicId))?.id).toBe(callback.id);

    await expect(makeCallbackDue({ db, clock }, { callbackId: callback.id })).resolves.toEqual({ result: 'nothing_to_do', status: 'claimed' });
    expect(await callbackRow(callback.id)).toMatchObject({ status: 'claimed', claimed_by: staff.id });
  });

  it('does nothing for a callback that does not exist', async () => {
    await expect(makeCallbackDue({ db, clock }, { callbackId: '00000000-0000-4000-8000-000000000000' })).resolves.toEqual({
      result: 'nothing_to_do',
      status: null,
    });
  });
});

describe('sendSms', () => {
  const depsWith = (sms: SendSmsDeps['sms']): SendSmsDeps => ({ db, clock, sms, tokens, publicBaseUrl: PUBLIC_BASE_URL });

  it('sends the booking confirmation once, in Swedish, naming the clinic, the day, the interval and a cancel link', async () => {
    const clinicId = await addClinic();
    const { callback, token, smsId } = await book(clinicId);
    expect(jobs.calls).toContainEqual({ method: 'enqueueSms', messageId: smsId });
    const sms = recordingSms();

    clock.set('2027-03-30T08:01:00+02:00');
    await expect(sendSms(depsWith(sms), { messageId: smsId })).resolves.toBe('sent');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // base64url: the link carries it as is
    expect(sms.sent).toEqual([
      {
        to: '+46701234567',
        text: `Vårdcentralen Kungsör ringer dig tisdag 30 mars mellan 08:15 och 08:30. Avboka: https://boka.example.se/avboka/${callback.id}?token=${token}`,
        reference: smsId,
      },
    ]);
    const sent = await smsRow(smsId);
    expect(sent).toMatchObject({ status: 'sent', provider_message_id: 'fake-1', attempts: 1, last_error: null });
    expect(new Date(sent.sent_at).toISOString()).toBe('2027-03-30T06:01:00.000Z');

    // The job delivered twice (a retry after a lost acknowledgement, a reconciliation): nothing is sent again.
    clock.set('2027-03-30T08:02:00+02:00');
    await expect(sendSms(depsWith(sms), { messageId: smsId })).resolves.toBe('already_done');
    expect(sms.sent).toHaveLength(1);
    expect(await smsRow(smsId)).toEqual(sent);
  });

  it('does not send a confirmation for a callback the patient cancelled before it went out', async () => {
    const clinicId = await addClinic();
    const { callback, token, smsId } = await book(clinicId);
    await booking.cancel(callback.id, token);
    const sms = recordingSms();
    await expect(sendSms(depsWith(sms), { messageId: smsId })).resolves.toBe('skipped');
    expect(sms.sent).toEqual([]);
    expect((await smsRow(smsId)).status).toBe('skipped');
  });

  it('gives the interval in the clinic’s time zone, in winter time too', async () => {
    clock.set('2027-03-24T08:00:00+01:00'); // Wednesday before Easter, +01:00
    const clinicId = await addClinic();
    const { smsId } = await book(clinicId);
    const sms = recordingSms();
    await sendSms(depsWith(sms), { messageId: smsId });
    expect(sms.sent[0]!.text).toMatch(/^Vårdcentralen Kungsör ringer dig onsdag 24 mars mellan 08:15 och 08:30\. Avboka: /);
  });

  it('sends the “we could not reach you” message with the address of the clinic’s booking page', async () => {
    const clinicId = await addClinic();
    const { callback } = await book(clinicId);
    const messageId = (await insertSms(db, callback.id, 'unreachable'))!;
    const sms = recordingSms();
    await expect(sendSms(depsWith(sms), { messageId })).resolves.toBe('sent');
    expect(sms.sent).toEqual([
      {
        to: '+46701234567',
        text: `Vårdcentralen Kungsör har försökt ringa dig men inte nått dig. Behöver du fortfarande kontakt, boka en ny tid: https://boka.example.se/vardcentral/${clinicId}`,
        reference: messageId,
      },
    ]);
  });

  it('marks the message failed and fails the job permanently when the provider refuses it', async () => {
    const clinicId = await addClinic();
    const { smsId } = await book(clinicId);
    const sms = recordingSms();
    sms.failNextWith(new SmsRejected('SMS provider refused the message (HTTP 400)'));

    const error = await sendSms(depsWith(sms), { messageId: smsId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobFailure);
    expect((error as Error).message).toBe('SMS provider refused the message (HTTP 400)');
    expect(await smsRow(smsId)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'SMS provider refused the message (HTTP 400)',
      provider_message_id: null,
      sent_at: null,
    });
    // A stray second delivery of the job does not try again.
    await expect(sendSms(depsWith(sms), { messageId: smsId })).resolves.toBe('already_done');
    expect(sms.sent).toEqual([]);
  });

  it('keeps the message recorded as being sent and rethrows a transient fault, so BullMQ retries; the retry sends it', async () => {
    const clinicId = await addClinic();
    const { smsId } = await book(clinicId);
    const sms = recordingSms();
    const outage = new Error('connect ECONNREFUSED 10.0.0.1:443');
    sms.failNextWith(outage);

    const error = await sendSms(depsWith(sms), { messageId: smsId }).catch((e: unknown) => e);
    expect(error).toBe(outage);
    expect(error).not.toBeInstanceOf(PermanentJobFailure);
    // The provider may have got it before the fault: 'sending', for the retry to ask (this provider cannot be asked,
    // but sends each reference once).
    expect(await smsRow(smsId)).toMatchObject({ status: 'sending', attempts: 1, last_error: 'connect ECONNREFUSED 10.0.0.1:443' });

    await expect(sendSms(depsWith(sms), { messageId: smsId })).resolves.toBe('sent');
    expect(sms.sent.map((m) => m.reference)).toEqual([smsId]);
    expect(await smsRow(smsId)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails permanently for a message that does not exist', async () => {
    const sms = recordingSms();
    const error = await sendSms(depsWith(sms), { messageId: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentJobFailure);
    expect(sms.sent).toEqual([]);
  });

  it('the console adapter logs neither the phone number nor the cancel token', async () => {
    const clinicId = await addClinic();
    const { token, smsId } = await book(clinicId, null, '+46709876543');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const consoleSms = createConsoleSms(createLogger('info', sink));

    await expect(sendSms(depsWith(consoleSms), { messageId: smsId })).resolves.toBe('sent');
    expect((await smsRow(smsId)).provider_message_id).toMatch(/^console-[0-9a-f-]{36}$/);
    const log = lines.join('');
    expect(lines).toHaveLength(1);
    expect(log).toContain('Vårdcentralen Kungsör ringer dig tisdag 30 mars mellan 08:15 och 08:30');
    expect(log).toContain('+46 70 *** ** 43');
    expect(log).toContain('token=[redacted]');
    expect(log).toContain(smsId);
    for (const secret of ['+46709876543', '46709876543', '0709876543', '709876543', token]) expect(log).not.toContain(secret);
  });
});

describe('reconcile', () => {
  /** Records like the fake scheduler, but answers "restored" only for the ids given (the others' jobs exist). */
  function schedulerRestoring(dueIds: string[], smsIds: string[]): JobScheduler & { calls: ReturnType<typeof recordingScheduler>['calls'] } {
    const recorder = recordingScheduler();
    return {
      ...recorder,
      async ensureDue(callbackId, attemptCount, dueAt) {
        await recorder.ensureDue(callbackId, attemptCount, dueAt);
        return dueIds.includes(callbackId);
      },
      async ensureSms(messageId) {
        await recorder.ensureSms(messageId);
        return smsIds.includes(messageId);
      },
    };
  }

  it('ensures a due job for every booked callback (with its attempt round and due time) and a job for every pending SMS', async () => {
    const clinicId = await addClinic();
    const retryClinicId = await addClinic();
    const sms = recordingSms();
    const sendDeps: SendSmsDeps = { db, clock, sms, tokens, publicBaseUrl: PUBLIC_BASE_URL };

    const a = await book(clinicId, '2027-03-30T09:00:00+02:00'); // booked, SMS sent
    const b = await book(clinicId, '2027-03-30T10:00:00+02:00'); // booked, SMS pending
    const c = await book(clinicId, '2027-03-30T11:00:00+02:00'); // cancelled, SMS sent
    const d = await book(clinicId, '2027-03-30T08:15:00+02:00'); // made due, SMS pending
    const e = await book(retryClinicId, '2027-03-30T08:30:00+02:00'); // not answered once: retry round 1, SMS pending
    await sendSms(sendDeps, { messageId: a.smsId });
    await sendSms(sendDeps, { messageId: c.smsId });
    await booking.cancel(c.callback.id, c.token);

    clock.set('2027-03-30T08:15:00+02:00');
    expect(await makeCallbackDue({ db, clock }, { callbackId: d.callback.id })).toEqual({ result: 'made_due' });

    clock.set('2027-03-30T08:30:00+02:00');
    const { staff } = await createStaffMember(db, { name: 'Sjuksköterska', role: 'nurse', clinicIds: [retryClinicId] });
    const queue = createCallQueueService({ db, clock, jobs, logger, claimTimeoutMinutes: 10 });
    expect((await queue.claimNext(staff, retryClinicId))?.id).toBe(e.callback.id);
    const attempt = await queue.logAttempt(staff, e.callback.id, { outcome: 'no_answer', startedAt: null, endedAt: null, note: null });
    expect(attempt.next).toMatchObject({ kind: 'retry' });

    // Only b's due job and d's SMS job are missing from Redis, as far as this fake knows.
    const scheduler = schedulerRestoring([b.callback.id], [d.smsId]);
    const restored = await reconcile({ db, jobs: scheduler, clock });

    // The database may hold other tests' rows (shared PostgreSQL): look at ours only.
    const keyOf = (call: SchedulerCall) => ('callbackId' in call ? call.callbackId : 'messageId' in call ? call.messageId : '');
    const byId = (x: SchedulerCall, y: SchedulerCall) => keyOf(x).localeCompare(keyOf(y));
    const mine = new Set([a, b, c, d, e].flatMap((x) => [x.callback.id, x.smsId]));
    const ours = scheduler.calls.filter((call) => mine.has(keyOf(call)));
    const expectedDue: SchedulerCall[] = [
      { method: 'ensureDue', callbackId: a.callback.id, attemptCount: 0, dueAt: '2027-03-30T07:00:00.000Z' },
      { method: 'ensureDue', callbackId: b.callback.id, attemptCount: 0, dueAt: '2027-03-30T08:00:00.000Z' },
      // Not answered at 08:30, retried after the clinic's 10 minutes: round 1 at 08:40.
      { method: 'ensureDue', callbackId: e.callback.id, attemptCount: 1, dueAt: '2027-03-30T06:40:00.000Z' },
    ];
    const expectedSms: SchedulerCall[] = [
      { method: 'ensureSms', messageId: b.smsId },
      { method: 'ensureSms', messageId: d.smsId },
      { method: 'ensureSms', messageId: e.smsId },
    ];
    expect(ours.filter((call) => call.method === 'ensureDue').sort(byId)).toEqual(expectedDue.sort(byId));
    expect(ours.filter((call) => call.method === 'ensureSms').sort(byId)).toEqual(expectedSms.sort(byId));
    expect(ours.filter((call) => call.method !== 'ensureDue' && call.method !== 'ensureSms')).toEqual([]);
    expect(restored).toEqual({ dueJobsRestored: 1, smsJobsRestored: 1 });
  });

  it('leaves a pending SMS younger than a minute to the job that is probably still on its way', async () => {
    const clinicId = await addClinic();
    const { smsId } = await book(clinicId, '2027-03-30T09:00:00+02:00');
    // sms_messages.created_at is the database's real time; a clock at the real "now" sees the row as seconds old.
    clock.set(DateTime.utc());
    const scheduler = recordingScheduler();
    await reconcile({ db, jobs: scheduler, clock });
    expect(scheduler.calls).not.toContainEqual({ method: 'ensureSms', messageId: smsId });

    clock.set(DateTime.utc().plus({ seconds: 61 }));
    const later = recordingScheduler();
    await reconcile({ db, jobs: later, clock });
    expect(later.calls).toContainEqual({ method: 'ensureSms', messageId: smsId });
  });
});
