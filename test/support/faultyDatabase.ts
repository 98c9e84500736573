// A database whose statements fail (as when PostgreSQL is gone), never answer, or answer late, while the fault is
// set: for the tests of what the app answers when its database lets it down.
import type { Database, Queryable } from '../../src/db/database.js';
import { DatabaseUnavailable } from '../../src/errors.js';

/** A database whose statements matching `fault.matches` fail (as when PostgreSQL is gone) or never answer. */
export function faultyDatabase(db: Database) {
  // 'slow': the statement runs after `delayMs`, or once `until` resolves when set; with `once` only the first
  // matching statement is slowed.
  const fault: {
    matches: RegExp | null;
    mode: 'fail' | 'hang' | 'slow';
    delayMs: number;
    until: (() => Promise<unknown>) | null;
    once: boolean;
    done: string[];
  } = {
    matches: null,
    mode: 'fail',
    delayMs: 0,
    until: null,
    once: false,
    done: [],
  };
  const guard = <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    // Statements that answered, so a test can wait for background work instead of sleeping.
    if (!fault.matches?.test(sql)) return run().then((r) => (fault.done.push(sql), r));
    if (fault.mode === 'hang') return new Promise<T>(() => {});
    if (fault.mode === 'slow') {
      if (fault.once) fault.matches = null;
      const slowed = fault.until ? fault.until() : new Promise((r) => setTimeout(r, fault.delayMs));
      return slowed.then(run).then((r) => (fault.done.push(sql), r));
    }
    // What the real adapter makes of an unreachable PostgreSQL (src/db/database.ts).
    return Promise.reject(new DatabaseUnavailable());
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => guard(sql, () => q.query(sql, params)),
    exec: (sql) => guard(sql, () => q.exec(sql)),
  });
  const faulty: Database = {
    kind: db.kind,
    ...wrap(db),
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    close: () => db.close(),
  };
  return { db: faulty, fault };
}
