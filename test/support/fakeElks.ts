// A local fake of 46elks' REST API for tests: an HTTP server on a random port that speaks its fields (form
// posts with HTTP basic auth to /a1/calls and /a1/sms, JSON replies), records every request, can be told to
// fail, and can then act as the provider: load a call's voice_start, post its whenhangup, post SMS delivery reports.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';

export const FAKE_ELKS_USERNAME = 'u-fake-elks';
export const FAKE_ELKS_PASSWORD = 'fake-elks-api-password';

export interface ElksRequest {
  path: string;
  fields: Record<string, string>;
  /** The id the fake answered with (null when it answered an error). */
  id: string | null;
  /** When it was accepted, by the real clock (46elks' own). */
  created?: Date;
}

export interface FakeElks {
  /** e.g. http://127.0.0.1:1234/a1 */
  apiUrl: string;
  calls: ElksRequest[];
  sms: ElksRequest[];
  /** Requests refused for bad credentials. */
  unauthorised: number;
  /** The next `times` requests to `path` ("/calls", "/sms") answer this status (and body). */
  failNext(path: '/calls' | '/sms', status: number, times?: number, body?: string): void;
  /** Holds the next answer to `path` until the returned function is called (to race requests). */
  holdNext(path: '/calls' | '/sms'): () => void;
  /** The next `times` requests to `path` are accepted (sent, in the history) but their answer is lost: the connection drops. */
  loseAnswerNext(path: '/calls' | '/sms', times?: number): void;
  /** Called when a message is accepted, before it is answered (a test may stop a database there). */
  onAccepted: ((request: ElksRequest) => Promise<void>) | null;
  /** Requests for the SMS history (GET /sms), with their query. */
  historyQueries: Record<string, string>[];
  /** As 46elks when the nurse answers: POSTs voice_start and returns the action it got back. */
  answer(call: ElksRequest): Promise<{ status: number; action: any }>;
  /** As 46elks when the call ends: POSTs whenhangup with these fields (see hangupFields). */
  hangup(call: ElksRequest, fields: Record<string, string>): Promise<number>;
  /** As 46elks: POSTs the delivery report of an SMS. */
  deliver(sms: ElksRequest, status: 'delivered' | 'failed'): Promise<number>;
  close(): Promise<void>;
}

const elksTime = (at: DateTime) => at.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'000'");

/**
 * The whenhangup fields 46elks sends for an agent-first call: the nurse's leg (`call.fields.to`) answered at
 * `start` (or never), then voice_start connected the patient, whose leg ended in `patient`.
 */
export function hangupFields(
  call: ElksRequest,
  options: {
    created: DateTime;
    /** When the nurse answered; omitted: she never did (nothing is connected). */
    start?: DateTime;
    patientPhone: string;
    patient?: 'success' | 'busy' | 'failed';
    /** Whole call, from the nurse's answer, in seconds. */
    duration?: number;
    /** The patient's leg (talk time) in seconds. */
    legDuration?: number;
  },
): Record<string, string> {
  const fields: Record<string, string> = {
    id: call.id!,
    direction: 'outgoing',
    from: call.fields.from!,
    to: call.fields.to!,
    created: elksTime(options.created),
  };
  if (!options.start) return { ...fields, state: 'failed', duration: '0', actions: '[]', legs: '[]' };
  const patient = options.patient ?? 'success';
  return {
    ...fields,
    start: elksTime(options.start),
    state: 'success',
    duration: String(options.duration ?? 0),
    actions: JSON.stringify([{ connect: options.patientPhone, result: patient }]),
    legs: JSON.stringify([{ duration: patient === 'success' ? (options.legDuration ?? 0) : 0, to: options.patientPhone, state: patient, from: call.fields.from }]),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function postForm(url: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, text: await response.text() };
}

/** 46elks' timestamps: UTC, microseconds, no zone. */
const historyTime = (at: Date) => `${at.toISOString().slice(0, 23)}000`;

/**
 * GET /sms as 46elks answers it: the accepted messages, newest first, to `to` when given, created after `end` and
 * before `start`, at most `limit` (100) a page, with `next` (the oldest one's time) when more may follow.
 */
function history(sent: readonly ElksRequest[], query: Record<string, string>) {
  const limit = Math.min(100, Number(query.limit ?? 100));
  const matching = sent
    .filter((r) => r.id && r.created && (!query.to || r.fields.to === query.to))
    .filter((r) => (!query.end || historyTime(r.created!) > query.end) && (!query.start || historyTime(r.created!) < query.start))
    .sort((a, b) => b.created!.getTime() - a.created!.getTime());
  const page = matching.slice(0, limit);
  const data = page.map((r) => ({
    id: r.id,
    created: historyTime(r.created!),
    direction: 'outgoing',
    from: r.fields.from,
    to: r.fields.to,
    message: r.fields.message,
    status: 'delivered',
  }));
  return matching.length > limit ? { data, next: historyTime(page.at(-1)!.created!) } : { data };
}

export async function startFakeElks(): Promise<FakeElks> {
  const expectedAuth = `Basic ${Buffer.from(`${FAKE_ELKS_USERNAME}:${FAKE_ELKS_PASSWORD}`).toString('base64')}`;
  const failures = new Map<string, { status: number; times: number; body: string }>();
  const holds = new Map<string, Promise<void>>();
  const lostAnswers = new Map<string, number>();
  let counter = 0;
  const fake: Omit<FakeElks, 'apiUrl'> & { apiUrl: string } = {
    apiUrl: '',
    calls: [],
    sms: [],
    unauthorised: 0,
    failNext(path, status, times = 1, body = 'Service unavailable') {
      failures.set(path, { status, times, body });
    },
    holdNext(path) {
      let release!: () => void;
      holds.set(path, new Promise<void>((resolve) => (release = resolve)));
      return () => release();
    },
    loseAnswerNext(path, times = 1) {
      lostAnswers.set(path, times);
    },
    onAccepted: null,
    historyQueries: [],
    async answer(call) {
      const response = await postForm(call.fields.voice_start!, {
        direction: 'outgoing',
        callid: call.id!,
        from: call.fields.from!,
        to: call.fields.to!,
        created: elksTime(DateTime.utc()),
      });
      let action: unknown = response.text;
      try {
        action = JSON.parse(response.text);
      } catch {
        // keep the text
      }
      return { status: response.status, action };
    },
    async hangup(call, fields) {
      return (await postForm(call.fields.whenhangup!, fields)).status;
    },
    async deliver(sms, status) {
      return (await postForm(sms.fields.whendelivered!, { id: sms.id!, status, delivered: elksTime(DateTime.utc()) })).status;
    },
    close: async () => undefined,
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '').replace(/^\/a1/, '').split('?')[0]!;
      if (req.method === 'GET' && path === '/sms') {
        if (req.headers.authorization !== expectedAuth) {
          fake.unauthorised += 1;
          res.writeHead(401).end('Unauthorized');
          return;
        }
        const query = Object.fromEntries(new URL(req.url ?? '', 'http://fake').searchParams);
        fake.historyQueries.push(query);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(history(fake.sms, query)));
        return;
      }
      if (req.method !== 'POST' || (path !== '/calls' && path !== '/sms')) {
        res.writeHead(404).end('Not found');
        return;
      }
      if (req.headers.authorization !== expectedAuth) {
        fake.unauthorised += 1;
        res.writeHead(401).end('Unauthorized');
        return;
      }
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        res.writeHead(400).end('Expected form data');
        return;
      }
      const fields = Object.fromEntries(new URLSearchParams(body));
      const held = holds.get(path);
      if (held) {
        holds.delete(path);
        await held;
      }
      const failure = failures.get(path);
      const record: ElksRequest = { path, fields, id: null };
      (path === '/calls' ? fake.calls : fake.sms).push(record);
      if (failure && failure.times > 0) {
        failure.times -= 1;
        res.writeHead(failure.status).end(failure.body);
        return;
      }
      counter += 1;
      record.id = `${path === '/calls' ? 'c' : 's'}${counter.toString(16).padStart(8, '0')}fake`;
      record.created = new Date();
      await fake.onAccepted?.(record);
      const lost = lostAnswers.get(path) ?? 0;
      if (lost > 0) {
        lostAnswers.set(path, lost - 1);
        res.destroy();
        return;
      }
      const reply =
        path === '/calls'
          ? { id: record.id, direction: 'outgoing', from: fields.from, to: fields.to, state: 'ongoing', created: elksTime(DateTime.utc()) }
          : { id: record.id, direction: 'outgoing', from: fields.from, to: fields.to, message: fields.message, status: 'created', parts: 1 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a1`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
