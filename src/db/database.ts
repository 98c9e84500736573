// The database port: one small interface over PostgreSQL (pg) and the embedded PGlite.
import { PGlite } from '@electric-sql/pglite';
import fs from 'node:fs';
import pg from 'pg';
import { DatabaseUnavailable } from '../errors.js';
import { isDatabaseUnreachable, silentOutageMonitor, type OutageMonitor } from '../ops/outage.js';
import { lockDataDir, type DataDirLock } from './dataDirLock.js';
import { listenOnPostgres, type PostgresListener } from './pgListener.js';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  /**
   * One parameterised statement. `name` (a hot statement's, fixed per SQL text) makes PostgreSQL prepare it once
   * per connection instead of parsing and planning it each time; PGlite and test doubles may ignore it.
   */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<QueryResult<R>>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * The same, with `first` (parameterless SQL, e.g. taking a lock) run as the transaction's first statement: on
   * PostgreSQL in one simple query with BEGIN, one round trip. Optional (test doubles): see transactionStartingWith.
   * `releaseLocksBeforeFlush`: for a transaction on a hot row, see HOT_COMMIT.
   */
  transactionStartingWith?<T>(first: string, work: (tx: Queryable) => Promise<T>, options?: HotOptions): Promise<T>;
  /**
   * NOTIFY payloads on `channel` (a plain lower-case name): PostgreSQL on a dedicated, reconnecting connection
   * (src/db/pgListener.ts), PGlite through its own listen(). `onState(true)` once LISTEN is acknowledged, false
   * while the connection is lost (notifications may be missed). Stopped by the returned function or by close().
   * Optional: a handle without it (a test double) simply has no notifications.
   */
  listen?(channel: string, onNotify: (payload: string) => void, onState: (listening: boolean) => void): () => Promise<void>;
  close(): Promise<void>;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
// Dates stay "YYYY-MM-DD" strings: parsing them into JS Dates at local midnight would shift them by a zone.
const keepText = (value: string) => value;

export interface HotOptions {
  releaseLocksBeforeFlush?: boolean;
}

/**
 * A commit that frees the transaction's row locks before its WAL reaches the disk, and still resolves only once it
 * has: the transaction commits with synchronous_commit off (locks go as soon as the commit record is written),
 * then a second, tiny transaction writes one WAL record (a logical message, nothing stored) and commits
 * synchronously. Flushing WAL up to its commit record flushes ours, which lies before it. One simple query, one
 * round trip, as a plain COMMIT.
 *
 * Why: a hot row (the earliest slot's place counter, which every booking at a clinic updates) is locked until its
 * transaction's commit; with a synchronous commit that includes the WAL flush (≈ 1–6 ms on this machine's disk),
 * and bookings at one clinic queue on it one flush after another. This way they share flushes (group commit).
 * What others see: the booking is visible a flush earlier than it is durable. Should PostgreSQL crash in that
 * moment, the booking is lost as a whole (place and callback together, in one transaction) and its request had
 * not been answered; a later booking that saw it lies further on in the WAL and is lost with it.
 */
const HOT_BEGIN = 'BEGIN; SET LOCAL synchronous_commit = off';
const HOT_COMMIT = "COMMIT; BEGIN; SELECT pg_logical_emit_message(true, 'callback-tracker', 'flush'); COMMIT";

/**
 * A hot transaction's commit query failed: its first COMMIT may well have succeeded (the flush after it failed, or
 * the connection broke in between), so what it wrote may be stored. A 503 like DatabaseUnavailable (the client
 * retries; an Idempotency-Key finds the stored booking), but the caller should log what it tried to write.
 */
export class CommitUnconfirmed extends DatabaseUnavailable {
  constructor(readonly commitError: unknown) {
    super();
  }
}

/**
 * Why a PostgreSQL role cannot run the hot commit's flush (HOT_COMMIT), or null when it can: refuse to start
 * rather than answer every booking with an error after it was stored. PGlite: nothing to check.
 */
export async function flushPrivilegeProblem(db: Database): Promise<string | null> {
  if (db.kind !== 'postgres') return null;
  // By argument types, not a regprocedure text: PostgreSQL 17 adds a fourth argument (flush, defaulted).
  const { rows } = await db.query<{ allowed: boolean | null }>(
    `SELECT bool_or(has_function_privilege(p.oid, 'execute')) AS allowed FROM pg_proc p
      WHERE p.proname = 'pg_logical_emit_message' AND p.pronamespace = 'pg_catalog'::regnamespace AND p.proargtypes[2] = 'text'::regtype`,
  );
  if (rows[0]?.allowed) return null;
  return (
    'The database role may not execute pg_logical_emit_message(boolean, text, text): every booking commits with it ' +
    '(a flush of the WAL, see docs/operations.md). Grant it, e.g. GRANT EXECUTE ON FUNCTION ' +
    'pg_logical_emit_message(boolean, text, text) TO <the app role>, and start again.'
  );
}

/** A transaction whose first statement is `first`: in one round trip with BEGIN where the database can. */
export function transactionStartingWith<T>(db: Database, first: string, work: (tx: Queryable) => Promise<T>, options: HotOptions = {}): Promise<T> {
  if (db.transactionStartingWith) return db.transactionStartingWith(first, work, options);
  return db.transaction(async (tx) => {
    await tx.exec(first);
    return work(tx);
  });
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return false;
  return !constraint || e.constraint === constraint || (e.message ?? '').includes(constraint);
}

/**
 * An unreachable PostgreSQL becomes DatabaseUnavailable (503 with Retry-After) at this one place, reported to
 * the outage monitor so the log gets one line per outage. The pool reconnects by itself once it is back.
 */
export function openPostgres(url: string, poolSize = 10, outage: OutageMonitor = silentOutageMonitor('database')): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Without it a request waits forever for a connection while PostgreSQL is down.
    connectionTimeoutMillis: 5000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === DATE_OID) return keepText;
        if (oid === INT8_OID || oid === NUMERIC_OID) return Number;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const reachable = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      const result = await work();
      outage.succeeded();
      return result;
    } catch (error) {
      if (!isDatabaseUnreachable(error)) throw error;
      outage.failed(error);
      throw new DatabaseUnavailable();
    }
  };
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    query: <R>(sql: string, params: unknown[] = [], name?: string) =>
      reachable(async () => {
        const result = await client.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      }),
    exec: (sql: string) =>
      reachable(async () => {
        await client.query(sql);
      }),
  });
  const listeners = new Set<PostgresListener>();
  return {
    kind: 'postgres',
    ...wrap(pool),
    listen: (channel, onNotify, onState) => {
      const listener = listenOnPostgres(url, channel, onNotify, onState);
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.close();
      };
    },
    transaction: (work) => transaction('BEGIN', work),
    transactionStartingWith: (first, work, options) =>
      options?.releaseLocksBeforeFlush ? transaction(`${HOT_BEGIN}; ${first}`, work, HOT_COMMIT) : transaction(`BEGIN; ${first}`, work),
    close: async () => {
      await Promise.all([...listeners].map((l) => l.close()));
      await pool.end();
    },
  };

  async function transaction<T>(begin: string, work: (tx: Queryable) => Promise<T>, commit = 'COMMIT'): Promise<T> {
    const client = await reachable(() => pool.connect());
    // The pool stops listening to a client's errors while it is checked out. Without a listener of ours, a
    // connection cut between two statements (PostgreSQL stopped or crashed) is an uncaught exception that ends
    // the process; this way the statement in progress, or the next, fails and becomes DatabaseUnavailable.
    // On release the pool discards a client whose connection broke.
    const ignoreConnectionError = () => undefined;
    client.on('error', ignoreConnectionError);
    try {
      await client.query(begin);
      const result = await work(wrap(client));
      try {
        await reachable(() => client.query(commit));
      } catch (error) {
        // A plain COMMIT that fails wrote nothing (or the connection broke: DatabaseUnavailable, as ever); the hot
        // commit's flush runs after its COMMIT.
        if (commit !== HOT_COMMIT) throw error;
        throw new CommitUnconfirmed(error);
      }
      return result;
    } catch (error) {
      if (error instanceof CommitUnconfirmed) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await client.query('ROLLBACK').catch(() => undefined);
      if (isDatabaseUnreachable(error)) {
        outage.failed(error);
        throw new DatabaseUnavailable();
      }
      throw error;
    } finally {
      client.off('error', ignoreConnectionError);
      client.release();
    }
  }
}

/**
 * PGlite serialises queries itself; a transaction holds it exclusively, so concurrent callers queue.
 * A data directory belongs to one process: a second one would silently lose its writes, so it gets
 * DatabaseInUse at once. In memory (no dataDir) there is nothing to share and no lock.
 * `snapshot` (a tarball from PGlite's dumpDataDir) replaces the empty cluster: tests start from one migrated once.
 */
export async function openPglite(dataDir?: string, snapshot?: Blob): Promise<Database> {
  let lock: DataDirLock | null = null;
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    lock = lockDataDir(dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(snapshot ? { loadDataDir: snapshot } : {}),
      parsers: { [DATE_OID]: keepText, [INT8_OID]: Number, [NUMERIC_OID]: Number },
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <R>(sql: string, params: unknown[] = []) => {
      const result = await q.query<R>(sql, params);
      // PGlite reports affectedRows 0 for a SELECT; pg counts the rows returned. Same meaning on both.
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
    exec: async (sql: string) => {
      await q.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    // In process, a round trip costs nothing: the first statement simply runs first.
    transactionStartingWith: (first, work) =>
      db.transaction(async (tx) => {
        await tx.exec(first);
        return work(wrap(tx));
      }),
    listen: (channel, onNotify, onState) => {
      // One process owns the data directory, so every write is seen here; the subscription never drops.
      const subscribed = db.listen(channel, onNotify).then(
        (unlisten) => {
          onState(true);
          return unlisten;
        },
        () => null,
      );
      return async () => {
        const unlisten = await subscribed;
        await unlisten?.().catch(() => undefined);
      };
    },
    close: async () => {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}
