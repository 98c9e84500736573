// LISTEN on PostgreSQL over a connection of its own (a pool's connections come and go, and LISTEN belongs to one
// session), reconnecting when it is lost. `onState` tells whether every notification is being delivered: false
// from the moment the connection is lost until LISTEN is acknowledged again, so a cache can stop trusting itself.
import pg from 'pg';

export interface PostgresListener {
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

export function listenOnPostgres(
  connectionString: string,
  channel: string,
  onNotify: (payload: string) => void,
  onState: (listening: boolean) => void,
): PostgresListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  let closed = false;
  let client: pg.Client | null = null;
  let retryMs = FIRST_RETRY_MS;
  let timer: NodeJS.Timeout | undefined;

  const start = async () => {
    if (closed) return;
    // Named, so operators (and the tests) can find it in pg_stat_activity. TCP keepalive: an idle listener would
    // otherwise not notice a peer that vanished without closing the connection.
    const c = new pg.Client({ connectionString, application_name: `listen:${channel}`, keepAlive: true });
    let lost = false;
    const drop = () => {
      if (lost) return;
      lost = true;
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
    onState(true);
  };
  void start();

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
