// One autocannon run and the few figures the benches compare; plus the small statistics they print.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Default: GET of the url. */
  requests?: autocannon.Request[];
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Milliseconds, from every answer's own time. */
  p50: number;
  p99: number;
  total: number;
  /** Answers by status code, e.g. { "201": 5120 }. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  // autocannon's histogram keeps whole milliseconds; a hello-world p99 of 3 ms needs finer: each answer's time.
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: o.url, connections: o.connections, duration: o.durationSeconds, ...(o.requests ? { requests: o.requests } : {}) },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    // Answers over the run's length: the per-second samples are too few for a short run.
    requestsPerSecond: total / result.duration,
    p50: times.length ? percentile(times, 50) : NaN,
    p99: times.length ? percentile(times, 99) : NaN,
    total,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value below which `p` (0–100) of the values lie (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function formatStatuses(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ') || 'none';
}
