// Prometheus metrics (prom-client), one set per process: the API and in-process workers share it, and
// GET /metrics serves it. Labels are route patterns, queue names and reasons, never ids or phone numbers.
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

collectDefaultMetrics({ register });

export const metricsRegistry = register;

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const bookingsTotal = new Counter({
  name: 'callback_bookings_total',
  help: 'Callbacks booked, by channel',
  labelNames: ['channel'] as const,
});

export const bookingRefusalsTotal = new Counter({
  name: 'callback_booking_refusals_total',
  help: 'Booking requests refused, by reason (the error code the patient got)',
  labelNames: ['reason'] as const,
});

export const jobDuration = new Histogram({
  name: 'job_duration_seconds',
  help: 'How long a job ran, by queue',
  labelNames: ['queue'] as const,
  buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
});

export const jobFailuresTotal = new Counter({
  name: 'job_failures_total',
  help: 'Jobs that threw (each attempt), by queue',
  labelNames: ['queue'] as const,
});

export const dueCallbackLag = new Histogram({
  name: 'due_callback_lag_seconds',
  help: 'From a callback’s due time to it entering the nurses’ queue',
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
});

export const reportRefreshDuration = new Histogram({
  name: 'report_refresh_duration_seconds',
  help: 'How long folding changed clinic-days into the report rollups took',
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
});

/** Where queue depths come from: set once by the process that has the queues. */
let queueDepthSource: (() => Promise<{ queue: string; state: string; count: number }[]>) | null = null;

export function setQueueDepthSource(source: typeof queueDepthSource): void {
  queueDepthSource = source;
}

new Gauge({
  name: 'queue_jobs',
  help: 'Jobs in each BullMQ queue, by state (read from Redis at scrape time, so the same in every process)',
  labelNames: ['queue', 'state'] as const,
  async collect() {
    this.reset();
    if (!queueDepthSource) return;
    try {
      for (const d of await queueDepthSource()) this.set({ queue: d.queue, state: d.state }, d.count);
    } catch {
      // Redis away: the scrape still answers; the readiness check says why.
    }
  },
});
