// PostgreSQL and Redis servers of a test's own, on free ports, that the test may stop and start again:
// fault tests take them down while the app runs, which must never happen to the shared ones (5432, 6379).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivateService {
  /** Connection string (postgres:// or redis://) of this server. */
  url: string;
  /**
   * Stops the server; the data stays (PostgreSQL) or is lost (Redis: no persistence, as after a crash).
   * PostgreSQL: 'fast' (default) or 'immediate' shutdown.
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it if it runs and removes everything it wrote. Safe to call twice, and after a failed start. */
  dispose(): Promise<void>;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The newest installed PostgreSQL's bin directory with initdb and pg_ctl, or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')) && fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

/** The redis-server on PATH, or null. */
export function redisServerPath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'redis-server');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Runs `cleanup` (a shell command) once this process is gone however it ended, e.g. a test runner killing a
 * fork whose hook hung: the servers are not this process's children (pg_ctl daemonizes PostgreSQL) or would
 * outlive it, and must not pile up on a shared machine. cancel() when the test cleaned up itself.
 */
function cleanUpWhenGone(cleanup: string): { cancel(): void } {
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${cleanup}`], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return {
    cancel() {
      try {
        process.kill(-watchdog.pid!, 'SIGKILL'); // its process group: the shell and its sleep
      } catch {
        // already gone
      }
    },
  };
}

/** Why the private services cannot run here, or null when they can. */
export function missingBinaries(): string | null {
  const missing = [postgresBinDir() ? null : 'initdb and pg_ctl under /usr/lib/postgresql/*/bin', redisServerPath() ? null : 'redis-server on PATH'].filter(Boolean);
  return missing.length ? `not installed: ${missing.join(', ')}` : null;
}

/**
 * A PostgreSQL cluster in a fresh temporary directory with trust authentication. initdb refuses to run as
 * root, so as root the cluster belongs to the postgres user and its commands run as that user.
 */
export async function startPrivatePostgres(): Promise<PrivateService> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');
  const asRoot = process.getuid?.() === 0;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fault-pg-'));
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    fs.chownSync(dataDir, uid, gid);
  }
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args));
  const port = await freePort();
  const logFile = path.join(dataDir, 'server.log');
  let running = false;
  const orphaned = cleanUpWhenGone(
    `${asRoot ? 'runuser -u postgres -- ' : ''}'${path.join(bin, 'pg_ctl')}' -D '${dataDir}' -m immediate stop >/dev/null 2>&1; rm -rf '${dataDir}'`,
  );

  const start = async () => {
    // fsync off: the tests stop the server, they never pull the power; durability is PostgreSQL's own business.
    await pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '120', '-o', `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    running = true;
  };
  const service: PrivateService = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    async stop(mode: 'fast' | 'immediate' = 'fast') {
      // fast: open connections are cut at once, not waited for; immediate: no shutdown at all, as in a crash
      // (the next start recovers from the write-ahead log).
      await pg('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '120', 'stop']);
      running = false;
    },
    async dispose() {
      if (running) await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      running = false;
      fs.rmSync(dataDir, { recursive: true, force: true });
      orphaned.cancel();
    },
  };
  try {
    await pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await start();
  } catch (error) {
    await service.dispose();
    throw error;
  }
  return service;
}

/** A redis-server child process without persistence: stopping it loses every key, as Redis does after a crash without AOF. */
export async function startPrivateRedis(): Promise<PrivateService> {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server not found on PATH');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fault-redis-'));
  const pidFile = path.join(dir, 'redis.pid');
  let child: ChildProcess | null = null;
  const orphaned = cleanUpWhenGone(`kill -9 "$(cat '${pidFile}' 2>/dev/null)" 2>/dev/null; rm -rf '${dir}'`);

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--pidfile', pidFile], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          c.stdout!.off('data', onData);
          c.stdout!.resume(); // keep draining, or a full pipe would block the server
          resolve();
        }
      };
      c.stdout!.on('data', onData);
      c.stderr!.resume();
      c.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await exited;
  };
  const service: PrivateService = {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
      orphaned.cancel();
    },
  };
  try {
    await start();
  } catch (error) {
    await service.dispose();
    throw error;
  }
  return service;
}
