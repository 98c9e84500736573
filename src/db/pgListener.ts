// LISTEN on PostgreSQL over a connection of its own (a pool's connections come and go, and LISTEN belongs to one
// session), reconnecting when it is lost. `onState` tells whether every notification is being delivered: false
// from the moment the connection is lost until LISTEN is acknowledged again, so a cache can stop trusting itself.
import pg from 'pg';

export interface PostgresListener {
  close(): Promise<void>;
}

export interface ListenerTimings {
  /** Idle time before the first TCP keepalive probe: the OS default (often 7,200 s) would trust a dead peer for hours. */
  keepAliveInitialDelayMs: number;
  /**
   * How often the listener asks `SELECT 1`, and how long it waits for the answer. Keepalive alone does not see a
   * connection whose peer still acknowledges TCP but no longer answers (a stuck proxy, a failover behind a virtual
   * IP): no answer in time is treated as a lost connection, so a cache stops trusting it within seconds.
   */
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
}

export const DEFAULT_LISTENER_TIMINGS: ListenerTimings = {
  keepAliveInitialDelayMs: 10_000,
  heartbeatMs: 15_000,
  heartbeatTimeoutMs: 5_000,
};

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

export function listenOnPostgres(
  connectionString: string,
  channel: string,
  onNotify: (payload: string) => void,
  onState: (listening: boolean) => void,
  timings: ListenerTimings = DEFAULT_LISTENER_TIMINGS,
): PostgresListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  let closed = false;
  let client: pg.Client | null = null;
  let retryMs = FIRST_RETRY_MS;
  let timer: NodeJS.Timeout | undefined;
  // The current connection's; cleared when it is dropped and on close (never keeps a process alive).
  let heartbeat: NodeJS.Timeout | undefined;

  const start = async () => {
    if (closed) return;
    // Named, so operators (and the tests) can find it in pg_stat_activity. TCP keepalive: an idle listener would
    // otherwise not notice a peer that vanished without closing the connection.
    const c = new pg.Client({
      connectionString: listenerConnectionString(connectionString, channel),
      keepAlive: true,
      keepAliveInitialDelayMillis: timings.keepAliveInitialDelayMs,
    });
    let lost = false;
    const drop = () => {
      if (lost) return;
      lost = true;
      clearInterval(heartbeat);
      if (client === c) {
        client = null;
        onState(false);
      }
      c.end().catch(() => undefined);
      if (closed) return;
      // Never keeps a process alive by itself; the pool's own activity does that.
      timer = setTimeout(() => void start(), retryMs);
      timer.unref();
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
    c.on('error', drop);
    c.on('end', drop);
    c.on('notification', (m) => {
      if (m.channel === channel) onNotify(m.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch {
      drop();
      return;
    }
    if (lost) return;
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    retryMs = FIRST_RETRY_MS;
    heartbeat = setInterval(() => void beat(c, drop), timings.heartbeatMs);
    heartbeat.unref();
    onState(true);
  };

  /** One heartbeat: an error or no answer in time is a lost connection (drop() is idempotent). */
  let beating = false;
  const beat = async (c: pg.Client, drop: () => void) => {
    // One at a time: a second SELECT 1 would only queue behind an unanswered one.
    if (beating) return;
    beating = true;
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error('heartbeat timed out')), timings.heartbeatTimeoutMs);
      timeout.unref();
    });
    try {
      await Promise.race([c.query('SELECT 1'), late]);
    } catch {
      drop();
    } finally {
      clearTimeout(timeout);
      beating = false;
    }
  };
  void start();

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}

/**
 * The connection string with the listener's own application_name: `listen:<channel>`, after the URL's own name when
 * it has one (`api-1/listen:<channel>`), which would otherwise win over any name given beside it.
 */
export function listenerConnectionString(connectionString: string, channel: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString; // not a URL (a socket path, say): left as it is, unnamed
  }
  const base = url.searchParams.get('application_name');
  url.searchParams.set('application_name', base ? `${base}/listen:${channel}` : `listen:${channel}`);
  return url.toString();
}
