// The embedded database belongs to one process: a second one on the same directory stops at once, saying who holds it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DatabaseInUse } from '../../src/db/dataDirLock.js';
import { openPglite } from '../../src/db/database.js';
import { seedDemoClinicsIfEmpty } from '../../src/demo/seedDemo.js';
import { openMigratedPglite, pgliteSnapshot } from '../support/database.js';

// These start their own processes on PGlite whatever DATABASE_URL says, so CI runs them once: in the PGlite
// pass (no DATABASE_URL), not again in the PostgreSQL pass.
const ON_PGLITE_PASS = !process.env.DATABASE_URL;

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDirs: string[] = [];

function freshDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-lock-'));
  dataDirs.push(dir);
  return dir;
}

/** Runs a TypeScript entry point as `npm run …` would, with only the PGlite settings in its environment. */
function run(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return { child, exited, output: () => output };
}

afterAll(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

// Each case starts PGlite (and a child process or two): seconds each on a busy machine. A directory's first open
// loads the run's migrated snapshot (pgliteSnapshot) rather than running initdb on disk: these are about the lock.
describe.runIf(ON_PGLITE_PASS)('PGlite data directory lock', { timeout: 180_000 }, () => {
  it('`npm run staff` while another process holds the database fails at once naming the holder, and works after it closes', async () => {
    const dataDir = freshDataDir();
    const db = await openMigratedPglite(dataDir);
    await seedDemoClinicsIfEmpty(db);
    const args = ['create', '--role', 'nurse', '--clinic', 'vc-kungsor', '--name', 'Anna Andersson'];

    const refused = await run('src/cli/staff.ts', args, { PGLITE_DATA_DIR: dataDir }).exited;
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      `The embedded database in ${dataDir} is in use by another process (pid ${process.pid}). Stop it, or set DATABASE_URL to use PostgreSQL.`,
    );
    expect(refused.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(refused.output).not.toContain('cbs_'); // no account was created, so no token
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM staff');
    expect(rows[0]!.n).toBe(0);

    await db.close();
    const created = await run('src/cli/staff.ts', args, { PGLITE_DATA_DIR: dataDir }).exited;
    expect(created.code).toBe(0);
    expect(created.output).toMatch(/cbs_\S+/);
  });

  it('`npm start` on a held database stops with the same message instead of serving', async () => {
    const dataDir = freshDataDir();
    const db = await openPglite(dataDir, pgliteSnapshot());
    try {
      const app = await run('src/main.ts', [], { PORT: '0', PGLITE_DATA_DIR: dataDir, BULLMQ_PREFIX: `lock-${path.basename(dataDir)}` }).exited;
      expect(app.code).toBe(1);
      expect(app.output).toContain(`is in use by another process (pid ${process.pid})`);
      expect(app.output).not.toContain('listening on');
    } finally {
      await db.close();
    }
  });

  it('refuses a second open in the same process too, and frees the directory on close', async () => {
    const dataDir = freshDataDir();
    const first = await openPglite(dataDir, pgliteSnapshot());
    await expect(openPglite(dataDir)).rejects.toThrow(DatabaseInUse);
    await first.close();
    const second = await openPglite(dataDir);
    await second.close();
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('lock'))).toEqual([]);
  });

  it('refuses a lock written on another host even when its pid is dead here or is our own: containers sharing the volume are each pid 1', async () => {
    const dataDir = freshDataDir();
    const lockFile = path.join(dataDir, 'callback-tracker.lock');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid; // exited: no process of that pid runs here
    for (const pid of [deadPid, process.pid]) {
      const lock = `${JSON.stringify({ pid, host: 'other-container', since: '2026-11-24T06:00:00.000Z' })}\n`;
      fs.writeFileSync(lockFile, lock);
      const refused = await openPglite(dataDir).then(
        () => expect.fail('took the lock of another host'),
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DatabaseInUse);
      expect((refused as Error).message).toBe(
        `The embedded database in ${dataDir} is in use by pid ${pid} on host other-container, another container or machine ` +
          'sharing this directory. Stop it, or set DATABASE_URL to use PostgreSQL.\n' +
          '(A pid on another host cannot be checked from here, so this lock is never taken over. If you are sure that ' +
          `container or machine no longer runs this program, the lock is left over: remove ${lockFile}.)`,
      );
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(lock);
    }
    // As the message says: once the lock is removed by hand, the directory opens.
    fs.rmSync(lockFile);
    const db = await openPglite(dataDir, pgliteSnapshot());
    await db.close();
  });

  it('takes over a lock this host wrote with our own pid: a restarted container keeps its host name and is pid 1 again', async () => {
    const dataDir = freshDataDir();
    const lockFile = path.join(dataDir, 'callback-tracker.lock');
    fs.writeFileSync(lockFile, `${JSON.stringify({ pid: process.pid, host: os.hostname(), since: '2026-11-24T06:00:00.000Z' })}\n`);
    const db = await openPglite(dataDir, pgliteSnapshot());
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
    await db.close();
  });

  it('takes over the lock of a holder that was killed (kill -9 leaves its lock file behind)', async () => {
    const dataDir = freshDataDir();
    const snapshot = JSON.stringify(inject('pgliteSnapshot') ?? null);
    const holder = spawn(
      process.execPath,
      [
        '--import', 'tsx', '-e',
        `(async () => {
          const fs = await import('node:fs'); const m = await import('./src/db/database.ts'); const snapshot = ${snapshot};
          await m.openPglite(${JSON.stringify(dataDir)}, snapshot ? new Blob([fs.readFileSync(snapshot)]) : undefined);
          console.log('holding'); setInterval(() => undefined, 60_000);
        })()`,
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH! }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('holding') && resolve());
      holder.on('exit', (code) => reject(new Error(`holder exited (${code}) before holding the lock`)));
    });
    await expect(openPglite(dataDir)).rejects.toThrow(`(pid ${holder.pid})`);

    const killed = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await killed;
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'callback-tracker.lock'), 'utf8'))).toMatchObject({ pid: holder.pid, host: os.hostname() });
    const db = await openPglite(dataDir);
    await db.close();
  });
});
