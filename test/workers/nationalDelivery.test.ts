// The automated transfer of the national file (rule 10) on real BullMQ and Redis, against a local receiver (node:http on
// a random port) that refuses each unit's first delivery and accepts the next: retried with the contract's exponential
// backoff, accepted exactly once per unit and month however often the job runs again or the month is produced again,
// every attempt audited and visible to admins; a retry budget used up shows as failed and the next run tries again;
// with no receiver configured nothing is sent.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { defaultNationalMapping } from '../../src/config/nationalMapping.js';
import { createJobHandlers } from '../../src/jobs/handlers.js';
import { createLogger } from '../../src/logger.js';
import { createOutageMonitor } from '../../src/ops/outage.js';
import { jobIds, NATIONAL_DELIVERY_JOB_OPTIONS, QUEUES } from '../../src/queue/contract.js';
import { createNationalReportService } from '../../src/services/nationalReports.js';
import { createHttpsTransfer } from '../../src/transfer/httpsTransfer.js';
import { startWorker } from '../../workers/shell.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';
import { deleteKeysUnder, openIsolatedDatabase, REDIS_URL, waitFor, type IsolatedDatabase } from './support.js';

const TOKEN = 'national-receiver-test-token';
const ABY = 'SE2321000016-TRA1';
const KOPING = 'SE2321000016-TRA2';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answer: number;
}

/** A receiver that answers 503 to the first `refuse` deliveries of each Idempotency-Key, then 202; a copy it already took, 200. */
async function startReceiver(refuse = 1) {
  const received: Received[] = [];
  const accepted = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      const earlier = received.filter((r) => r.headers['idempotency-key'] === key).length;
      const answer = req.headers.authorization !== `Bearer ${TOKEN}` ? 401 : accepted.has(key) ? 200 : earlier < refuse ? 503 : 202;
      if (answer === 202) accepted.add(key);
      received.push({ headers: req.headers, body, answer });
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer === 503 ? 'Mottagaren är tillfälligt nere' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/vantetider/primarvard`,
    received,
    /** Deliveries the receiver took as new (202), by Idempotency-Key. */
    acceptedFor: (key: string) => received.filter((r) => r.headers['idempotency-key'] === key && r.answer === 202).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let isolated: IsolatedDatabase;
let server: TestServer;
let receiver: Receiver;
let inspector: Redis;
let queue: Queue;
let worker: ReturnType<typeof startWorker>;
let admin: string;

const delivery = async (month: string, hsaId: string) =>
  (await server.db.query<any>('SELECT status, attempts, last_error, accepted_at, response_status FROM national_deliveries WHERE month = $1 AND hsa_id = $2', [month, hsaId])).rows[0];

const audits = async (action: string) =>
  (await server.db.query<{ detail: any }>('SELECT detail FROM audit_events WHERE action = $1 ORDER BY id', [action])).rows.map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail));

beforeAll(async () => {
  receiver = await startReceiver();
  isolated = await openIsolatedDatabase();
  server = await startTestServer(isolated.db, '2027-04-20T06:00:00+02:00', { nationalTransfer: { url: receiver.url, token: TOKEN } });
  const logger = createLogger('silent');
  const handlers = createJobHandlers(server.services, server.jobs);
  worker = startWorker(
    'nationalDelivery',
    { redisUrl: REDIS_URL, prefix: server.queuePrefix, lockDurationMs: 2000, logger, redisOutage: createOutageMonitor(logger, 'redis') },
    handlers.nationalDelivery,
  );
  inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue(QUEUES.nationalDelivery.name, { connection: inspector, prefix: server.queuePrefix });

  // Two clinics with an HSA-id, one without; a patient each in April.
  const aby = await trackerClinic(server, { name: 'Vårdcentralen Åby' });
  const koping = await trackerClinic(server, { name: 'Vårdcentralen Köping' });
  const berga = await trackerClinic(server, { name: 'Vårdcentralen Berga' });
  for (const c of [aby, koping, berga]) {
    const b = await c.book();
    await c.call(b.id, b.slot.start, true);
  }
  await server.db.query('UPDATE clinics SET hsa_id = $2 WHERE id = $1', [aby.clinicId, ABY]);
  await server.db.query('UPDATE clinics SET hsa_id = $2 WHERE id = $1', [koping.clinicId, KOPING]);
  admin = await server.addStaff('admin', [aby.clinicId, koping.clinicId, berga.clinicId]);
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await server?.close();
  if (inspector && server) await deleteKeysUnder(inspector, server.queuePrefix);
  await inspector?.quit();
  await isolated?.dispose();
  await receiver?.close();
});

describe('the national file’s automated transfer', () => {
  it('delivers each unit’s file when the month closes, retries with backoff after a refusal, and records exactly one acceptance', async () => {
    server.clock.set('2027-05-01T03:00:00+02:00');
    expect(await server.services.national.produce()).toEqual({ month: '2027-04', created: true });

    // Each unit's first delivery is refused: the job waits for its retry with the contract's backoff.
    for (const hsaId of [ABY, KOPING]) {
      await waitFor(`the first attempt for ${hsaId}`, async () => (await delivery('2027-04', hsaId))?.attempts === 1 || undefined);
      expect(await delivery('2027-04', hsaId)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 503: Mottagaren är tillfälligt nere', accepted_at: null, response_status: 503 });
      const job = await waitFor(`the retry of ${hsaId} to be delayed`, async () => {
        const j = await queue.getJob(jobIds.nationalDelivery('2027-04', hsaId));
        return j && (await j.getState()) === 'delayed' ? j : undefined;
      });
      expect(job.opts).toMatchObject({ attempts: NATIONAL_DELIVERY_JOB_OPTIONS.attempts, backoff: { type: 'exponential', delay: 60_000 } });
      expect(job.attemptsMade).toBe(1);
    }

    // Admins see where each unit's file stands; Berga has no HSA-id and cannot be reported.
    const pending = await server.request('GET', '/api/reports/national/2027-04/deliveries', { headers: { Authorization: admin } });
    expect(pending.status).toBe(200);
    expect(pending.body.target).toBe(new URL(receiver.url).origin);
    expect(pending.body.units.map((u: any) => [u.clinicName, u.hsaId, u.status, u.attempts, u.lastError])).toEqual([
      ['Vårdcentralen Åby', ABY, 'pending', 1, 'HTTP 503: Mottagaren är tillfälligt nere'],
      ['Vårdcentralen Köping', KOPING, 'pending', 1, 'HTTP 503: Mottagaren är tillfälligt nere'],
      ['Vårdcentralen Berga', null, 'no_hsa_id', 0, null],
    ]);
    expect(pending.body.units[0].lastAttemptAt).toBe('2027-05-01T03:00:00+02:00');

    // The backoff's minute passes (promoted, not waited for): each unit's retry is accepted.
    for (const hsaId of [ABY, KOPING]) await (await queue.getJob(jobIds.nationalDelivery('2027-04', hsaId)))!.promote();
    for (const hsaId of [ABY, KOPING]) {
      await waitFor(`${hsaId} to be accepted`, async () => (await delivery('2027-04', hsaId))?.status === 'accepted' || undefined);
      expect(await delivery('2027-04', hsaId)).toMatchObject({ status: 'accepted', attempts: 2, last_error: null, response_status: 202 });
    }

    // What the receiver got: per unit two requests with the same key and the region's token, one accepted, each
    // holding only that unit's rows as CSV without a byte order mark.
    for (const hsaId of [ABY, KOPING]) {
      const key = `national-2027-04-${hsaId}`;
      const requests = receiver.received.filter((r) => r.headers['idempotency-key'] === key);
      expect(requests.map((r) => r.answer)).toEqual([503, 202]);
      expect(requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}` && r.headers['content-type'] === 'text/csv; charset=utf-8')).toBe(true);
      expect(requests[1]!.headers['x-hsa-id']).toBe(hsaId);
      expect(requests[1]!.body.startsWith('\uFEFF')).toBe(false);
      const [header, ...rows] = parseCsv(requests[1]!.body);
      expect(header?.[1]).toBe('HSA-id');
      expect(new Set(rows.map((r) => r[1]))).toEqual(new Set([hsaId]));
      expect(rows.every((r) => r[0] === '2027-04')).toBe(true);
      expect(receiver.acceptedFor(key)).toBe(1);
    }
    expect(receiver.received.some((r) => r.body.includes('Berga'))).toBe(false);
  });

  it('never delivers a unit twice: not when the job runs again, is added again, or the month is produced again', async () => {
    const before = receiver.received.length;
    const handlers = createJobHandlers(server.services, server.jobs);
    expect(await handlers.nationalDelivery.handle({ month: '2027-04', hsaId: ABY })).toBe('already_accepted');
    // Added again (a worker start), the job finds it accepted.
    expect(await server.jobs.ensureNationalDelivery('2027-04', ABY)).toBe(true);
    await waitFor('the re-added job to complete', async () => (await queue.getJobState(jobIds.nationalDelivery('2027-04', ABY))) === 'completed' || undefined);
    expect((await queue.getJob(jobIds.nationalDelivery('2027-04', ABY)))!.returnvalue).toBe('already_accepted');
    // Produced again (the monthly job, or a worker starting): nothing is added for an accepted unit.
    expect(await server.services.national.produce('2027-04')).toEqual({ month: '2027-04', created: false });
    expect(await queue.getJobCounts('waiting', 'delayed', 'active')).toMatchObject({ waiting: 0, delayed: 0, active: 0 });

    expect(receiver.received.length).toBe(before);
    expect(receiver.acceptedFor(`national-2027-04-${ABY}`)).toBe(1);
    expect((await server.db.query<any>("SELECT count(*)::int AS n FROM national_deliveries WHERE month = '2027-04' AND status = 'accepted'")).rows[0].n).toBe(2);

    // Audited: each refusal and the one acceptance per unit, and every status read by whom.
    expect((await audits('national.delivery.refused')).map((d) => [d.hsaId, d.status, d.attempt])).toEqual([
      [expect.any(String), 503, 1],
      [expect.any(String), 503, 1],
    ]);
    expect((await audits('national.delivery.accepted')).map((d) => d.hsaId).sort()).toEqual([ABY, KOPING]);
    expect((await audits('national.deliveries.read')).map((d) => d.month)).toEqual(['2027-04']);
    const accepted = await server.request('GET', '/api/reports/national/2027-04/deliveries', { headers: { Authorization: admin } });
    expect(accepted.body.units.map((u: any) => [u.status, u.attempts, u.acceptedAt])).toEqual([
      ['accepted', 2, '2027-05-01T03:00:00+02:00'],
      ['accepted', 2, '2027-05-01T03:00:00+02:00'],
      ['no_hsa_id', 0, null],
    ]);
    expect(await audits('national.deliveries.read')).toHaveLength(2);
  });

  it('shows a delivery whose retries ran out as failed, and tries it again at the next run until accepted', async () => {
    server.clock.set('2027-06-01T03:00:00+02:00');
    expect(await server.services.national.produce()).toEqual({ month: '2027-05', created: true });
    await waitFor('May’s first attempts', async () => ((await delivery('2027-05', ABY))?.attempts === 1 && (await delivery('2027-05', KOPING))?.attempts === 1) || undefined);
    // Åby's last retry failed: the queue gives up (as after its twelfth attempt).
    const id = jobIds.nationalDelivery('2027-05', ABY);
    await waitFor('the retry to be delayed', async () => (await queue.getJobState(id)) === 'delayed' || undefined);
    await queue.remove(id);
    await createJobHandlers(server.services, server.jobs).nationalDelivery.giveUp!({ month: '2027-05', hsaId: ABY });
    expect(await delivery('2027-05', ABY)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await audits('national.delivery.failed')).map((d) => [d.month, d.hsaId, d.attempts])).toEqual([['2027-05', ABY, 1]]);
    const status = await server.request('GET', '/api/reports/national/2027-05/deliveries', { headers: { Authorization: admin } });
    expect(status.body.units[0]).toMatchObject({ hsaId: ABY, status: 'failed', attempts: 1 });
    // The next run (a worker start) adds it again, and the receiver accepts it.
    await server.services.national.produce('2027-05');
    await waitFor('Åby’s May file to be accepted', async () => (await delivery('2027-05', ABY))?.status === 'accepted' || undefined);
    expect(receiver.acceptedFor(`national-2027-05-${ABY}`)).toBe(1);
    // Köping's May retry is still waiting for its backoff; it is not this test's concern.
    await queue.remove(jobIds.nationalDelivery('2027-05', KOPING));
  });
});

describe('with Redis refusing the delivery jobs', () => {
  it('still makes and stores the file, and keeps each delivery to be added at the next run', async () => {
    const refusing = { ...server.jobs, ensureNationalDelivery: () => Promise.reject(new Error('Redis is down')) };
    const national = createNationalReportService({ db: server.db, clock: server.clock, jobs: refusing, mapping: defaultNationalMapping(), transferTarget: 'https://mottagare.example.se' });
    server.clock.set('2027-08-01T03:00:00+02:00');
    expect(await national.produce()).toEqual({ month: '2027-07', created: true });
    expect((await delivery('2027-07', ABY)).status).toBe('pending');
    expect(await queue.getJob(jobIds.nationalDelivery('2027-07', ABY))).toBeUndefined();
    // The next run, with Redis back, adds them; the receiver refuses each first delivery, then takes the retry.
    await server.services.national.produce('2027-07');
    for (const hsaId of [ABY, KOPING]) {
      const id = jobIds.nationalDelivery('2027-07', hsaId);
      await waitFor(`July’s retry of ${hsaId} to be delayed`, async () => (await queue.getJobState(id)) === 'delayed' || undefined);
      await (await queue.getJob(id))!.promote();
      await waitFor(`July’s file of ${hsaId} to be accepted`, async () => (await delivery('2027-07', hsaId))?.status === 'accepted' || undefined);
    }
    // That run also added Köping's May delivery, left waiting above: the receiver has taken it by now too.
    await waitFor('every delivery to be accepted', async () => (await server.db.query("SELECT 1 FROM national_deliveries WHERE status <> 'accepted'")).rows.length === 0 || undefined);
    expect(receiver.acceptedFor(`national-2027-05-${KOPING}`)).toBe(1);
  });
});

describe('with no receiver configured', () => {
  let plain: TestServer;
  let plainDb: IsolatedDatabase;
  beforeAll(async () => {
    plainDb = await openIsolatedDatabase();
    plain = await startTestServer(plainDb.db, '2027-04-20T06:00:00+02:00');
  });
  afterAll(async () => {
    await plain?.close();
    await plainDb?.dispose();
  });

  it('sends nothing and says so: the file is made, no delivery is recorded or queued', async () => {
    const before = receiver.received.length;
    const clinic = await trackerClinic(plain, { name: 'Vårdcentralen Sala' });
    await plain.db.query('UPDATE clinics SET hsa_id = $2 WHERE id = $1', [clinic.clinicId, 'SE2321000016-SAL1']);
    const admin = await plain.addStaff('admin', [clinic.clinicId]);
    plain.clock.set('2027-05-01T03:00:00+02:00');
    expect(await plain.services.national.produce()).toEqual({ month: '2027-04', created: true });
    expect(plain.services.nationalTransfer).toBeNull();
    expect((await plain.db.query<any>('SELECT count(*)::int AS n FROM national_deliveries')).rows[0].n).toBe(0);
    const plainQueue = new Queue(QUEUES.nationalDelivery.name, { connection: inspector, prefix: plain.queuePrefix });
    try {
      expect(await plainQueue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed')).toMatchObject({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
    } finally {
      await plainQueue.close();
    }
    const status = await plain.request('GET', '/api/reports/national/2027-04/deliveries', { headers: { Authorization: admin } });
    expect(status.body).toMatchObject({ month: '2027-04', target: null, units: [{ hsaId: 'SE2321000016-SAL1', status: 'not_sent', attempts: 0 }] });
    // A job reaching a worker without a receiver sends nothing either.
    expect(await createJobHandlers(plain.services, plain.jobs).nationalDelivery.handle({ month: '2027-04', hsaId: 'SE2321000016-SAL1' })).toBe('not_configured');
    expect(receiver.received.length).toBe(before);
  });

  it('lets only admins read the deliveries', async () => {
    const clinicId = await plain.addClinic();
    const manager = await plain.addStaff('manager', [clinicId]);
    expect((await plain.request('GET', '/api/reports/national/2027-04/deliveries', { headers: { Authorization: manager } })).status).toBe(403);
  });
});

describe('the HTTPS adapter', () => {
  const request = { month: '2027-04', hsaId: ABY, idempotencyKey: `national-2027-04-${ABY}`, csv: 'Period\r\n' };

  async function answering(handler: Parameters<typeof createServer>[1]) {
    const s = createServer(handler);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/in`, close: () => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve()))) };
  }

  it('counts no answer, a refused connection or one too slow, as not accepted', async () => {
    const closed = await answering((_req, res) => res.end());
    await closed.close();
    expect(await createHttpsTransfer({ url: closed.url, token: TOKEN }).deliver(request)).toEqual({ accepted: false, status: null, error: 'no answer: ECONNREFUSED' });
    const slow = await answering(() => undefined);
    try {
      expect(await createHttpsTransfer({ url: slow.url, token: TOKEN, timeoutMs: 200 }).deliver(request)).toEqual({ accepted: false, status: null, error: 'no answer: TimeoutError' });
    } finally {
      await slow.close();
    }
  });

  it('never follows a redirect, so the token goes nowhere else', async () => {
    const elsewhere: IncomingHttpHeaders[] = [];
    const other = await answering((req, res) => (elsewhere.push(req.headers), res.writeHead(202).end()));
    const redirecting = await answering((_req, res) => res.writeHead(307, { location: other.url }).end());
    try {
      const result = await createHttpsTransfer({ url: redirecting.url, token: TOKEN }).deliver(request);
      expect(result.accepted).toBe(false);
      expect(elsewhere).toEqual([]);
    } finally {
      await redirecting.close();
      await other.close();
    }
  });
});
