// The booking's commit on PostgreSQL (src/db/database.ts, HOT_COMMIT): it frees the slot's row before the WAL
// flush, and a second, synchronously committed transaction in the same query waits for a flush past it, so a 201
// is still durable. Nothing observable from SQL tells a flushed commit from one about to be, so these tests record
// what the pg client sends. Also: a flush that fails after the COMMIT, and the start-up privilege check.
// Its own process (not in vitest.config.ts's SHARED): it spies on pg.Client.prototype.query.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushPrivilegeProblem, type Database } from '../src/db/database.js';
import { openTestDatabase } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
const CAPACITY = [{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '10:00', capacity: 3 }];
const PHONE = '0702345678';
const IS_FLUSH_COMMIT = /^COMMIT; BEGIN; SELECT pg_logical_emit_message\(/;

type QueryArg = string | { text?: string; name?: string };
const textOf = (arg: unknown) => (typeof arg === 'string' ? arg : ((arg as { text?: string })?.text ?? ''));

describe.runIf(!!process.env.DATABASE_URL)('the booking commit on PostgreSQL', () => {
  let db: Database;
  let server: TestServer;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    server = await startTestServer(db, TUESDAY_0800);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });
  afterEach(() => vi.restoreAllMocks());

  it('commits the booking without waiting for the flush, then, in the same query, a transaction that waits for one past it', async () => {
    const clinicId = await server.addClinic({ capacityRules: CAPACITY });
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    const booked = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: PHONE } });
    expect(booked.status).toBe(201);
    // What the booking's connection was sent, from its BEGIN to its commit.
    const write = spy.mock.calls.findIndex(([arg]) => (arg as QueryArg as { name?: string })?.name === 'insert_booking');
    expect(write).toBeGreaterThanOrEqual(0);
    const client = spy.mock.contexts[write];
    const sent = spy.mock.calls.flatMap(([arg], i) => (spy.mock.contexts[i] === client ? [{ i, text: textOf(arg) }] : []));
    const begin = sent.filter((s) => s.i < write && s.text.startsWith('BEGIN')).at(-1)!;
    const commit = sent.find((s) => s.i > write)!;
    expect(begin.text).toMatch(/^BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock\(/);
    const statements = commit.text.split(';').map((s) => s.trim());
    // The booking's COMMIT returns once its commit record is written; the next transaction commits synchronously
    // (its BEGIN resets synchronous_commit) after writing a WAL record, so its commit waits for a flush past ours.
    expect(statements).toEqual(['COMMIT', 'BEGIN', expect.stringMatching(/^SELECT pg_logical_emit_message\(true, /), 'COMMIT']);
  });

  it('answers 503 when the flush fails after the COMMIT, and logs the callback id (no phone number), which a retry finds', async () => {
    const clinicId = await server.addClinic({ capacityRules: CAPACITY });
    const original = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => Promise<unknown>;
    vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      if (!IS_FLUSH_COMMIT.test(textOf(args[0]))) return original.apply(this, args);
      return original.call(this, 'COMMIT').then(() => {
        throw Object.assign(new Error('permission denied for function pg_logical_emit_message'), { code: '42501' });
      });
    } as never);
    const headers = { 'Idempotency-Key': 'flush-fails-1' };
    const answer = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: PHONE }, headers });
    vi.restoreAllMocks();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBeTruthy();
    const { rows } = await db.query<{ id: string }>('SELECT id FROM callbacks WHERE clinic_id = $1', [clinicId]);
    expect(rows).toHaveLength(1);
    const line = server.logLines.find((l) => l.includes('WAL flush failed'));
    expect(line).toContain(rows[0]!.id);
    expect(line).not.toContain(PHONE.slice(1));
    const retried = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: PHONE }, headers });
    expect(retried.body.id).toBe(rows[0]!.id);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses a role that may not execute pg_logical_emit_message, naming it', async () => {
    expect(await flushPrivilegeProblem(db)).toBeNull();
    // Revoked and checked as a role without it, then rolled back: nobody else ever sees the revoke.
    const problem = await db
      .transaction(async (tx) => {
        await tx.exec('REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) FROM PUBLIC; SET LOCAL ROLE pg_monitor');
        const found = await flushPrivilegeProblem({ ...tx, kind: 'postgres' } as Database);
        throw Object.assign(new Error('roll back'), { found });
      })
      .catch((error: { found?: string | null }) => error.found);
    expect(problem).toContain('pg_logical_emit_message(boolean, text, text)');
    expect(problem).toContain('GRANT EXECUTE');
  });
});
