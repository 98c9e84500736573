// One process per embedded database: an exclusive lock file in PGlite's data directory, naming its holder.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Another process (or another open in this one) holds the embedded database. */
export class DatabaseInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly lockFile: string,
    /** Set when the holder runs on another host (null: the lock does not say which); absent for this host. */
    readonly holderHost?: string | null,
  ) {
    super(
      holderHost === undefined
        ? heldHere(dataDir, holderPid, lockFile)
        : heldElsewhere(dataDir, holderPid, lockFile, holderHost),
    );
    this.name = 'DatabaseInUse';
  }
}

function heldHere(dataDir: string, pid: number, lockFile: string): string {
  return (
    `The embedded database in ${dataDir} is in use by another process (pid ${pid}). ` +
    'Stop it, or set DATABASE_URL to use PostgreSQL.\n' +
    `(If no process ${pid} of this program is running, the lock is left over: remove ${lockFile}.)`
  );
}

function heldElsewhere(dataDir: string, pid: number, lockFile: string, host: string | null): string {
  const where = host === null ? 'an unknown host' : `host ${host}`;
  return (
    `The embedded database in ${dataDir} is in use by pid ${pid} on ${where}, ` +
    'another container or machine sharing this directory. Stop it, or set DATABASE_URL to use PostgreSQL.\n' +
    '(A pid on another host cannot be checked from here, so this lock is never taken over. If you are sure that ' +
    `container or machine no longer runs this program, the lock is left over: remove ${lockFile}.)`
  );
}

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'callback-tracker.lock';
/** Lock files this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

/**
 * Takes the lock or throws DatabaseInUse at once. Staleness is judged by whether the recorded pid still
 * runs, not by a heartbeat: PGlite runs queries synchronously, so a long statement blocks the event loop,
 * and a time-based lock would then be stolen from a live holder. A pid means something only on the host
 * that wrote it: containers sharing the data volume each run node as pid 1, so a lock from another host
 * is always in use. On this host, a lock recording our own pid is stale: a restarted container keeps its
 * host name and its node is again pid 1 (or the same child pid under an init).
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockFile = path.join(fs.realpathSync(dataDir), LOCK_FILE);
  const shown = path.join(dataDir, LOCK_FILE);
  if (held.has(lockFile)) throw new DatabaseInUse(dataDir, process.pid, shown);
  const host = os.hostname();
  const content = `${JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() })}\n`;

  // The content is written first and linked into place, so a reader never sees a half-written lock. The
  // draft's name is random: two containers starting together are both pid 1 and must not share a draft.
  const draft = `${lockFile}.${process.pid}.${randomBytes(6).toString('hex')}`;
  fs.writeFileSync(draft, content);
  try {
    // Two tries: the second follows the removal of a stale lock; losing that race to another starter is "in use".
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(draft, lockFile);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const existing = readLock(lockFile);
        if (existing === null && attempt === 0) continue; // released between our try and our read
        if (existing?.pid != null && existing.host !== host) {
          throw new DatabaseInUse(dataDir, existing.pid, shown, existing.host);
        }
        const holder = existing?.pid ?? null;
        if (existing === null || attempt > 0 || (holder !== null && holder !== process.pid && isRunning(holder))) {
          throw new DatabaseInUse(dataDir, holder ?? 0, shown);
        }
        removeIfUnchanged(lockFile, existing.raw);
      }
    }
  } finally {
    fs.rmSync(draft, { force: true });
  }
  held.add(lockFile);

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(lockFile);
    process.removeListener('exit', release);
    try {
      removeIfUnchanged(lockFile, content);
    } catch {
      // Left behind, it is recognised as stale at the next start on this host: its pid no longer runs.
    }
  };
  // A process that ends without closing (an uncaught error) still leaves no lock behind; a kill -9 does,
  // and the next start on this host sees that its pid no longer runs.
  process.on('exit', release);
  return { release };
}

interface LockContent {
  raw: string;
  pid: number | null;
  /** Null in a lock that does not say (written by hand, or by a version before hosts were recorded). */
  host: string | null;
}

function readLock(file: string): LockContent | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { pid, host } = JSON.parse(raw) as { pid?: unknown; host?: unknown };
    return {
      raw,
      pid: Number.isInteger(pid) && (pid as number) > 0 ? (pid as number) : null,
      host: typeof host === 'string' && host !== '' ? host : null,
    };
  } catch {
    return { raw, pid: null, host: null }; // not ours to understand (edited by hand): treated as stale
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the file only if it still holds `raw`, so we never delete a lock another process just took. */
function removeIfUnchanged(file: string, raw: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === raw) fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
