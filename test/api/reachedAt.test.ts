// A callback's reached_at is the moment the patient answered, not when the call ended: for a nurse's logged
// attempt, for telephony events, and for an answer the telephone system reports after the call ended.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { ANSWERED, bookedOnMondayForThursday, ENDED, MONDAY_0800, nurseLogsTheCall } from '../support/callAcrossMidnight.js';
import { sendTelephonyEvent, useTestServer } from '../support/server.js';

// Booked on Monday 22 March 2027 (winter time, +01:00) for Thursday morning; called late on Thursday
// evening: answered 23:55 on Thursday 25 March, ended 00:10 on Friday 26 March; started 20 s before the answer.
const STARTED = '2027-03-25T23:54:40+01:00';

const server = useTestServer(MONDAY_0800);

async function callbackRow(callbackId: string): Promise<{ status: string; reachedAt: string | null; closedAt: string | null }> {
  const { rows } = await server().db.query<{ status: string; reached_at: Date | null; closed_at: Date | null }>(
    'SELECT status, reached_at, closed_at FROM callbacks WHERE id = $1',
    [callbackId],
  );
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return { status: rows[0]!.status, reachedAt: iso(rows[0]!.reached_at), closedAt: iso(rows[0]!.closed_at) };
}

async function callEvent(callbackId: string, callId: string, type: 'call.started' | 'call.answered' | 'call.ended', at: string) {
  const res = await sendTelephonyEvent(server(), { eventId: randomUUID(), type, callId, callbackId, at });
  expect(res.body).toEqual({ status: 'accepted' });
}

// 23:55+01:00 is 22:55Z; 00:10+01:00 is 23:10Z.
const reachedThursday = { status: 'completed', reachedAt: '2027-03-25T22:55:00.000Z', closedAt: '2027-03-25T23:10:00.000Z' };

describe('reached_at of a call answered 23:55 and ended 00:10', () => {
  it('is 23:55 on Thursday for the attempt a nurse logs, while the callback closes at 00:10', async () => {
    const { clinic, callbackId } = await bookedOnMondayForThursday(server());
    await nurseLogsTheCall(server(), clinic, callbackId);
    expect(await callbackRow(callbackId)).toEqual(reachedThursday);
  });

  it('is 23:55 on Thursday for a call the telephone system reports started, answered and ended', async () => {
    const { callbackId } = await bookedOnMondayForThursday(server());
    server().clock.set(ENDED);
    const callId = `call-${randomUUID()}`;
    await callEvent(callbackId, callId, 'call.started', STARTED);
    await callEvent(callbackId, callId, 'call.answered', ANSWERED);
    await callEvent(callbackId, callId, 'call.ended', ENDED);
    expect(await callbackRow(callbackId)).toEqual(reachedThursday);
  });

  it('is 23:55 on Thursday when the answer is reported after the call ended', async () => {
    const { callbackId } = await bookedOnMondayForThursday(server());
    server().clock.set(ENDED);
    const callId = `call-${randomUUID()}`;
    await callEvent(callbackId, callId, 'call.started', STARTED);
    await callEvent(callbackId, callId, 'call.ended', ENDED);
    // Unanswered at 00:10, after the booking window: given up, until the late answer corrects it.
    expect(await callbackRow(callbackId)).toMatchObject({ status: 'unreachable', reachedAt: null });
    await callEvent(callbackId, callId, 'call.answered', ANSWERED);
    expect(await callbackRow(callbackId)).toEqual(reachedThursday);
  });

  it('is corrected by the migration for a callback stored before, with the end of the call', async () => {
    const { clinic, callbackId } = await bookedOnMondayForThursday(server());
    await nurseLogsTheCall(server(), clinic, callbackId);
    const { callbackId: neverReached } = await bookedOnMondayForThursday(server());
    const db = server().db;
    await db.query('UPDATE callbacks SET reached_at = closed_at WHERE id = $1', [callbackId]);
    await db.query("DELETE FROM schema_migrations WHERE version = '006_reached_at_is_the_answer.sql'");

    expect(await migrate(db)).toEqual(['006_reached_at_is_the_answer.sql']);
    expect(await callbackRow(callbackId)).toEqual(reachedThursday);
    expect(await callbackRow(neverReached)).toEqual({ status: 'booked', reachedAt: null, closedAt: null });
  });
});
