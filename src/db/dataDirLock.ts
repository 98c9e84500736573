// One process per embedded database: an exclusive lock file in PGlite's data directory, naming its holder.
import fs from 'node:fs';
import path from 'node:path';

/** Another process (or another open in this one) holds the embedded database. */
export class DatabaseInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly lockFile: string,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another process (pid ${holderPid}). ` +
        'Stop it, or set DATABASE_URL to use PostgreSQL.\n' +
        `(If no process ${holderPid} of this program is running, the lock is left over: remove ${lockFile}.)`,
    );
    this.name = 'DatabaseInUse';
  }
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
 * and a time-based lock would then be stolen from a live holder. A lock recording our own pid is stale too:
 * a restarted container's node is again pid 1 (or the same child pid under an init).
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockFile = path.join(fs.realpathSync(dataDir), LOCK_FILE);
  const shown = path.join(dataDir, LOCK_FILE);
  if (held.has(lockFile)) throw new DatabaseInUse(dataDir, process.pid, shown);
  const content = `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`;

  // The content is written first and linked into place, so a reader never sees a half-written lock.
  const draft = `${lockFile}.${process.pid}`;
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
      // Left behind, it is recognised as stale at the next start: its pid no longer runs.
    }
  };
  // A process that ends without closing (an uncaught error) still leaves no lock behind; a kill -9 does,
  // and the next start sees that its pid no longer runs.
  process.on('exit', release);
  return { release };
}

function readLock(file: string): { raw: string; pid: number | null } | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const pid = (JSON.parse(raw) as { pid?: unknown }).pid;
    return { raw, pid: Number.isInteger(pid) && (pid as number) > 0 ? (pid as number) : null };
  } catch {
    return { raw, pid: null }; // not ours to understand (edited by hand): treated as stale
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
