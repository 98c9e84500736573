// Starts a worker as a child process, the way production runs `npm run worker` (Node with tsx), and waits
// until it says it is ready. BENCH_NODE_FLAGS adds Node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** SIGTERM, then waits for the exit (the worker finishes its jobs in flight). */
  stop(): Promise<void>;
}

export async function startWorkerProcess(script: string, env: Record<string, string>, readyText: string, timeoutMs = 180_000): Promise<WorkerProcess> {
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready after ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
  // Keep draining its output, showing warnings and errors only.
  child.stdout!.removeAllListeners('data');
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const line of String(chunk).split('\n')) if (/"level":(40|50|60)/.test(line)) console.error(`[${path.basename(script)}] ${line.slice(0, 300)}`);
  });
  return {
    child,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
