// PostgreSQL is the truth: when Redis refuses a job, the booking still stands and nothing is lost.
import { Redis } from 'ioredis';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { composeApi } from '../../src/compose.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { reconcile } from '../../src/jobs/reconcile.js';
import { createLogger } from '../../src/logger.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import type { JobScheduler } from '../../src/queue/jobScheduler.js';
import { openTestDatabase, uniqueClinicId } from '../support/database.js';

const redisDown: JobScheduler = {
  scheduleDue: () => Promise.reject(Object.assign(new Error('Stream isn\'t writeable'), { code: 'ECONNREFUSED' })),
  unscheduleDue: () => Promise.reject(new Error('down')),
  enqueueSms: () => Promise.reject(new Error('down')),
  ensureDue: () => Promise.reject(new Error('down')),
  ensureSms: () => Promise.reject(new Error('down')),
  ensureNationalDelivery: () => Promise.reject(new Error('down')),
  close: async () => undefined,
};

let db: Database;
let baseUrl: string;
let close: () => Promise<void>;
const logs: string[] = [];
const clock = manualClock('2027-03-30T08:00:00+02:00');

beforeAll(async () => {
  db = await openTestDatabase();
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));
  const app = composeApi({
    db,
    clock,
    logger,
    jobs: redisDown,
    callbackTokenSecret: 'x'.repeat(32),
    dueLeadMinutes: 0,
    claimTimeoutMinutes: 10,
    webhookSecrets: null,
    publicBaseUrl: 'http://127.0.0.1',
    guaranteeStart: 'contact',
    // Not connected until used: only the readiness check would use it here.
    redis: new Redis({ lazyConnect: true, enableOfflineQueue: false }),
    redisPrefix: 'unused',
    rateLimits: null,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(async () => {
  await close();
  await db.close();
});

describe('with Redis refusing every job', () => {
  it('still books, keeps the SMS pending, and reconciliation later re-creates both jobs', async () => {
    const clinicId = uniqueClinicId();
    await insertClinic(db, clinicRules({ id: clinicId, name: 'Test' }));
    const res = await fetch(`${baseUrl}/api/clinics/${clinicId}/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '0701234567' }),
    });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    expect(logs.join('')).toContain('could not schedule the due job; reconciliation will retry');

    const ensured: string[] = [];
    const recovering: JobScheduler = {
      ...redisDown,
      ensureDue: async (callbackId, attemptCount, dueAt) => (ensured.push(`due ${callbackId} ${attemptCount} ${dueAt.toISO()}`), true),
      ensureSms: async (messageId) => (ensured.push(`sms ${messageId}`), true),
    };
    await reconcile({ db, jobs: recovering, clock });
    const sms = await db.query<{ id: string }>('SELECT id FROM sms_messages WHERE callback_id = $1', [id]);
    expect(ensured).toContain(`due ${id} 0 2027-03-30T06:15:00.000Z`);
    expect(ensured).toContain(`sms ${sms.rows[0]!.id}`);
  });

  it('lets a nurse claim and log an unanswered attempt, keeping the retry in the database', async () => {
    const clinicId = uniqueClinicId();
    await insertClinic(db, clinicRules({ id: clinicId, name: 'Test' }));
    const { token } = await createStaffMember(db, { name: 'Nurse', role: 'nurse', clinicIds: [clinicId] });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    clock.set('2027-03-30T08:00:00+02:00');
    const booked = await fetch(`${baseUrl}/api/clinics/${clinicId}/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '0701234567' }),
    });
    const { id } = await booked.json();
    clock.set('2027-03-30T08:15:00+02:00');
    const claimed = await fetch(`${baseUrl}/api/staff/clinics/${clinicId}/queue/claim`, { method: 'POST', headers: auth });
    expect((await claimed.json()).id).toBe(id);
    const attempt = await fetch(`${baseUrl}/api/staff/callbacks/${id}/attempts`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ outcome: 'no_answer' }),
    });
    expect(attempt.status).toBe(201);
    expect(logs.join('')).toContain('could not schedule the retry; reconciliation will retry');
    const { rows } = await db.query<{ status: string; due_at: Date }>('SELECT status, due_at FROM callbacks WHERE id = $1', [id]);
    expect(rows[0]!.status).toBe('booked');
    expect(rows[0]!.due_at.toISOString()).toBe('2027-03-30T06:25:00.000Z');
  });
});
