// Clinic rules are cached per process (issue 11) and forgotten in every process when any writer changes them:
// two composed apps over the same database (two PostgreSQL handles, or one PGlite), a manager's change through
// one served by the other, a silent change (no NOTIFY) never seen while cached, a killed listener connection
// that makes the cache forget and come back, and one gone silent that only the listener's heartbeat notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Database } from '../../src/db/database.js';
import type { ClinicRules } from '../../src/domain/clinic.js';
import { clinicRules as makeRules } from '../../src/domain/clinic.js';
import { clinicRulesChangesOf, type ClinicRulesChanges } from '../../src/db/clinicChanges.js';
import { createClinicRulesCache } from '../../src/services/clinicRulesCache.js';
import { listenOnPostgres, type PostgresListener } from '../../src/db/pgListener.js';
import { ALL_BACKENDS, type Backend } from '../support/database.js';
import { listenerPid, silently, startTwoApps } from '../support/twoApps.js';
import { until } from '../support/until.js';
import type { TestServer } from '../support/server.js';

// Tuesday 30 March 2027, 08:00 in Stockholm; Wednesday 7 April is an ordinary working day (44 slots).
const NOW = '2027-03-30T08:00:00+02:00';
const DAY = '2027-04-07';

async function slotCount(s: TestServer, clinicId: string): Promise<number> {
  const res = await s.request('GET', `/api/clinics/${clinicId}/slots?from=${DAY}&to=${DAY}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.slots.length;
}

describe.each(ALL_BACKENDS)('clinic rules cached across processes on %s', (backend: Backend) => {
  let a: TestServer;
  let b: TestServer;
  let dbs: Database[] = [];
  let close = async () => undefined as void;
  const bName = `rules-b-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    // a hears of no change from the database (a feed that says it listens and never delivers): only its own
    // forget can explain a's serving a change a made.
    ({ a, b, dbs, close } = await startTwoApps(backend, ['rules-a', bName], NOW, [{ clinicRulesChanges: { listening: true, subscribe: () => undefined } }]));
  });
  afterAll(() => close());

  it("serves a manager's change made through the other app, and at once in the app that made it", async () => {
    const clinicId = await a.addClinic();
    const manager = await a.addStaff('manager', [clinicId]);
    expect(await slotCount(b, clinicId)).toBe(44);
    expect(await slotCount(a, clinicId)).toBe(44);

    const settings = (await a.request('GET', `/api/staff/clinics/${clinicId}/settings`, { headers: { Authorization: manager } })).body;
    const { clinicId: _c, name: _n, timezone: _t, ...editable } = settings;
    const put = await a.request('PUT', `/api/staff/clinics/${clinicId}/settings`, {
      headers: { Authorization: manager },
      body: { ...editable, dateExceptions: [{ date: DAY, closed: false, capacity: 1 }], slotMinutes: 30 },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(await slotCount(a, clinicId)).toBe(22);
    await until(() => slotCount(b, clinicId), (n) => n === 22, 'the other app to serve the new slot length');
  });

  it('really caches: a change that notifies nobody is not seen, the next notified one brings both', async () => {
    const clinicId = await a.addClinic();
    // b's listener may still be connecting after start (the cache is bypassed until it listens, and forgets what
    // it learnt meanwhile once it does): wait until b serves its cached rules over a silent closing of DAY.
    const closeSilently = (closed: boolean) =>
      closed
        ? silently(dbs[0]!, 'INSERT INTO clinic_date_exceptions (clinic_id, date, closed) VALUES ($1, $2, true)', [clinicId, DAY])
        : silently(dbs[0]!, 'DELETE FROM clinic_date_exceptions WHERE clinic_id = $1', [clinicId]);
    await until(
      async () => {
        await closeSilently(false);
        const first = await slotCount(b, clinicId);
        await closeSilently(true);
        return [first, await slotCount(b, clinicId)];
      },
      ([first, second]) => first === 44 && second === 44,
      'b to serve its cached rules over a silent change',
    );
    // Any writer (here plain SQL, as the CLI or a migration would) notifies through the trigger.
    await dbs[0]!.query('UPDATE clinics SET slot_minutes = 20 WHERE id = $1', [clinicId]);
    await until(() => slotCount(b, clinicId), (n) => n === 0, 'the closed date to be served');
    await dbs[0]!.query('DELETE FROM clinic_date_exceptions WHERE clinic_id = $1', [clinicId]);
    await until(() => slotCount(b, clinicId), (n) => n === 33, 'the reopened date with 20-minute slots');
  });

  it.skipIf(backend !== 'postgres')('forgets everything when its listener connection dies, and listens again', async () => {
    const clinicId = await a.addClinic();
    const admin = dbs[0]!;
    const before = await listenerPid(admin, bName, 'clinic_rules_changed', "b's listener");
    expect(await slotCount(b, clinicId)).toBe(44);

    await admin.query('SELECT pg_terminate_backend($1)', [before]);
    // Changed while b cannot hear: b must not keep serving what it cached before.
    await silently(admin, 'UPDATE clinics SET slot_minutes = 60 WHERE id = $1', [clinicId]);
    await until(() => slotCount(b, clinicId), (n) => n === 11, 'b to stop serving the rules cached before the connection died');

    const after = await listenerPid(admin, bName, 'clinic_rules_changed', "b's listener to come back", before);
    expect(after).not.toBe(before);
    // Listening again, b must not fall back on what it held before the connection died.
    for (let i = 0; i < 10; i++) expect(await slotCount(b, clinicId)).toBe(11);
    await admin.query('UPDATE clinics SET slot_minutes = 15 WHERE id = $1', [clinicId]);
    await until(() => slotCount(b, clinicId), (n) => n === 44, 'a change after the reconnect to be served');
  });
});

describe('the clinic rules cache', () => {
  const rules = makeRules({ id: 'vc-cache', name: 'Cache' });
  function feed(listening: boolean) {
    let onChange: (id: string | null) => void = () => undefined;
    const changes: ClinicRulesChanges & { listening: boolean; fire(id: string | null): void } = {
      listening,
      subscribe: (f) => void (onChange = f),
      fire: (id) => onChange(id),
    };
    return changes;
  }

  it('reads once per change while listening, and freezes what it shares', async () => {
    let loads = 0;
    const changes = feed(true);
    const cache = createClinicRulesCache({ load: async () => (loads++, structuredClone(rules)), changes });
    const [x, y] = await Promise.all([cache.get('vc-cache'), cache.get('vc-cache')]);
    expect(await cache.get('vc-cache')).toBe(x);
    expect(y).toBe(x);
    expect(loads).toBe(1);
    expect(Object.isFrozen(x!.capacityRules[0])).toBe(true);
    changes.fire('vc-other');
    await cache.get('vc-cache');
    expect(loads).toBe(1);
    changes.fire('vc-cache');
    await cache.get('vc-cache');
    expect(loads).toBe(2);
    cache.forget('vc-cache');
    await cache.get('vc-cache');
    expect(loads).toBe(3);
  });

  it('reads every time while not listening, and never keeps a read that raced a change', async () => {
    let loads = 0;
    const changes = feed(false);
    let release: () => void = () => undefined;
    const cache = createClinicRulesCache({
      load: async () => {
        loads++;
        if (loads === 3) await new Promise<void>((resolve) => (release = resolve));
        return structuredClone(rules) as ClinicRules;
      },
      changes,
    });
    await cache.get('vc-cache');
    await cache.get('vc-cache');
    expect(loads).toBe(2);
    changes.listening = true;
    const racing = cache.get('vc-cache');
    await until(async () => loads, (n) => n === 3, 'the racing read to start');
    changes.fire('vc-cache');
    release();
    await racing;
    await cache.get('vc-cache');
    expect(loads).toBe(4);
    await cache.get('vc-cache');
    expect(loads).toBe(4);
  });

  it('is told to forget everything when the listener is lost and again when it is back, and by a TRUNCATE', () => {
    let onNotify: (payload: string) => void = () => undefined;
    let onState: (listening: boolean) => void = () => undefined;
    const changes = clinicRulesChangesOf({
      listen: (_channel, notify, state) => {
        onNotify = notify;
        onState = state;
        return async () => undefined;
      },
    });
    const heard: (string | null)[] = [];
    changes.subscribe((id) => heard.push(id));
    expect(changes.listening).toBe(false);
    onState(true);
    onNotify('vc-a');
    onNotify('*');
    onState(false);
    expect(changes.listening).toBe(false);
    onState(true);
    expect(heard).toEqual([null, 'vc-a', null, null, null]);
    expect(changes.listening).toBe(true);
    expect(clinicRulesChangesOf({}).listening).toBe(false);
  });

  it('does not cache an unknown clinic', async () => {
    let loads = 0;
    const cache = createClinicRulesCache({ load: async () => (loads++, null), changes: feed(true) });
    expect(await cache.get('vc-none')).toBeNull();
    expect(await cache.get('vc-none')).toBeNull();
    expect(loads).toBe(2);
  });
});

/**
 * A TCP proxy to the test PostgreSQL whose open connections can be made to go silent: bytes are swallowed both
 * ways and nothing is closed, as behind a NAT or firewall that forgot the connection. New connections pass.
 */
async function silenceableProxy(target: string) {
  const { hostname, port } = new URL(target);
  const pairs: { stalled: boolean; sockets: net.Socket[] }[] = [];
  const server = net.createServer((down) => {
    const up = net.connect(Number(port || 5432), hostname || '127.0.0.1');
    const pair = { stalled: false, sockets: [down, up] };
    pairs.push(pair);
    down.on('data', (d) => void (pair.stalled || up.write(d)));
    up.on('data', (d) => void (pair.stalled || down.write(d)));
    for (const s of pair.sockets) {
      s.on('error', () => undefined);
      s.on('close', () => {
        if (!pair.stalled) pair.sockets.forEach((o) => o.destroy());
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    silenceAll: () => pairs.forEach((p) => (p.stalled = true)),
    close: async () => {
      pairs.forEach((p) => p.sockets.forEach((s) => s.destroy()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!process.env.DATABASE_URL)('the rules listener on a connection gone silent', () => {
  it('stops trusting the cache when its heartbeat is not answered, and listens again on a new connection', async () => {
    const proxy = await silenceableProxy(process.env.DATABASE_URL!);
    const states: boolean[] = [];
    let listener: PostgresListener | undefined;
    const changes = clinicRulesChangesOf({
      listen: (channel, onNotify, onState) => {
        listener = listenOnPostgres(proxy.url, channel, onNotify, (s) => (states.push(s), onState(s)), {
          keepAliveInitialDelayMs: 10_000,
          heartbeatMs: 100,
          // Seconds, not the few hundred ms a busy machine (or a pause of this process) can take to answer a
          // heartbeat that is answered: a false loss would add states and reads below.
          heartbeatTimeoutMs: 3000,
        });
        return () => listener!.close();
      },
    });
    let loads = 0;
    const cache = createClinicRulesCache({ load: async () => (loads++, makeRules({ id: 'vc-silent', name: 'Silent' })), changes });
    try {
      await until(async () => changes.listening, (l) => l, 'the listener to listen');
      await cache.get('vc-silent');
      await cache.get('vc-silent');
      expect(loads).toBe(1);

      // No error, no FIN: only the unanswered SELECT 1 can tell that notifications no longer arrive.
      proxy.silenceAll();
      await until(async () => changes.listening, (l) => !l, 'the silent connection to count as lost', 60_000);
      await cache.get('vc-silent');
      await cache.get('vc-silent');
      expect(loads).toBe(3);

      await until(async () => changes.listening, (l) => l, 'a new connection through the proxy', 60_000);
      expect(states).toEqual([true, false, true]);
    } finally {
      await listener?.close();
      await proxy.close();
    }
  });
});
