// Starts an HTTP server as a child process, the same way for the hello-world baseline and the API:
// `node --import tsx <entry>`, as `npm run api` does. tsx compiles each module once, when it is imported, so
// the per-request cost measured is that of plain JavaScript, and the benches need no build step. Both subjects
// pay the same loader, so the ratios are fair. BENCH_NODE_FLAGS adds Node flags (e.g. "--cpu-prof").
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Resident set size (VmRSS) now, in MiB. */
  rssMiB(): number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** A port nobody listens on now: the OS picks it, we release it and hand it to the child. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface StartOptions {
  /** The entry file, relative to the repository root. */
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  /** Polled until it answers 200. */
  readyPath: string;
  timeoutMs?: number;
}

/** Starts the server with its stdout sent nowhere (its log still costs what it costs) and waits until it is ready. */
export async function startServer(o: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(ROOT, o.entry), ...(o.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...o.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.entry} exited (${child.exitCode}) before it was ready:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.entry} not ready after ${o.timeoutMs ?? 120_000} ms:\n${stderr}`);
    }
    const ok = await fetch(url + o.readyPath).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid!;
  return {
    url,
    port,
    pid,
    rssMiB() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
