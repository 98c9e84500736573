// Where a bench's CPU went, read from Linux /proc and Redis's INFO (0 where they are not there): the measured
// process, every PostgreSQL process on this machine, Redis, and the machine as a whole. Shared by bench:worker and
// bench:http, which divide it by the jobs or requests of a run.
import fs from 'node:fs';
import type { Redis } from 'ioredis';

/** CPU time a process has used so far (utime + stime, in clock ticks of 1/100 s). */
export function processCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** CPU time so far of each PostgreSQL process on this machine, by pid (empty when it runs elsewhere). */
function postgresCpuByPid(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes(' (postgres) ')) byPid.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

/**
 * PostgreSQL's CPU time since `before`: the processes alive now, each counted from its reading in `before` (or
 * from its start). One that exited meanwhile drops out, so it is a lower bound.
 */
function postgresCpuSince(before: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of postgresCpuByPid()) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** The machine's busy and stolen CPU time so far (/proc/stat, all cores), to tell a run others disturbed. */
export function machineCpuMs(): { busy: number; steal: number } {
  try {
    const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: ((user! + nice! + system! + irq! + softirq!) * 1000) / 100, steal: (steal! * 1000) / 100 };
  } catch {
    return { busy: 0, steal: 0 };
  }
}

/** Redis's own CPU time so far (user + system). */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (key: string) => Number(new RegExp(`${key}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1000;
}

/** CPU spent during a run, in ms: by the measured process, PostgreSQL, Redis, everything else busy, and stolen. */
export interface CpuSpent {
  process: number;
  postgres: number;
  redis: number;
  other: number;
  steal: number;
}

/** Starts counting; the returned function gives what was spent since. */
export async function startCpuCount(pid: number, redis: Redis): Promise<() => Promise<CpuSpent>> {
  const before = { process: processCpuMs(pid), postgres: postgresCpuByPid(), redis: await redisCpuMs(redis), machine: machineCpuMs() };
  return async () => {
    const machine = machineCpuMs();
    const process = processCpuMs(pid) - before.process;
    const postgres = postgresCpuSince(before.postgres);
    const redisMs = (await redisCpuMs(redis)) - before.redis;
    return {
      process,
      postgres,
      redis: redisMs,
      // Everything else busy meanwhile: the load generator, the kernel, and whatever else runs on the machine.
      other: machine.busy - before.machine.busy - process - postgres - redisMs,
      steal: machine.steal - before.machine.steal,
    };
  };
}
