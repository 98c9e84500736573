// Every error answer the OpenAPI document lists, endpoint by endpoint, can really be given: for each endpoint
// definition (src/http/endpoints/) and each code it carries (those its definition declares, and those its shape
// implies: errorCodesOf in src/http/endpoint.ts), a scenario below provokes that code through the real app. A code
// declared with no way to reach it, or one an endpoint answers under another status, fails here.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceClinicTelephony } from '../../src/db/clinicTelephony.js';
import { CONTACT_MODES, PROFESSIONS } from '../../src/domain/profession.js';
import { DRILLDOWN_FIGURE_NAMES } from '../../src/domain/drilldown.js';
import { errorCodesOf, methodAndPath, type AnyEndpoint } from '../../src/http/endpoint.js';
import { apiEndpoints } from '../../src/http/endpoints/index.js';
import { NO_RATE_LIMITS } from '../../src/http/rateLimits.js';
import { markMissedCallbacks } from '../../src/jobs/markMissedCallbacks.js';
import type { Services } from '../../src/services/index.js';
import { signTelephonyBody } from '../../src/services/telephony.js';
import { startTestProvider, type TestProvider } from '../auth/oidcProvider.js';
import { agentFirstClinic, at, claimedCallback } from '../support/agentFirst.js';
import { openTestDatabase } from '../support/database.js';
import { startFakeElks, type FakeElks } from '../support/fakeElks.js';
import { faultyDatabase } from '../support/faultyDatabase.js';
import { startTestServer, TEST_TELEPHONY_SECRET, useTestServer, type TestServer, type TestServerOptions } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';

// The definitions as the app mounts them; built here without services (no handler runs) to name the tests.
const DEFINITIONS = apiEndpoints(new Proxy({}, { get: () => undefined }) as Services, NO_RATE_LIMITS).flatMap((g) => g.endpoints);

let provider: TestProvider;
let fake: FakeElks;
const options: TestServerOptions = {};
beforeAll(async () => {
  provider = await startTestProvider();
  fake = await startFakeElks();
  options.oidc = provider.config();
  options.elksApiUrl = fake.apiUrl;
});
afterAll(async () => {
  await provider?.close();
  await fake?.close();
});
const server = useTestServer(TUESDAY_0800, undefined, options);
// Two open callbacks per number across clinics, for too_many_bookings (the others allow the tests' many).
const strict = useTestServer(TUESDAY_0800, undefined, { maxOpenCallbacksPerPhone: 2 });
// Rate limits of one request, for 429: the other servers have none.
const limited = useTestServer(TUESDAY_0800, undefined, { rateLimits: { publicReadsPerMinute: 1, bookingsPerAddressPerHour: 1, bookingsPerPhonePerHour: 1 } });
// A database that fails on demand, for 503.
let broken: { server: TestServer; fault: ReturnType<typeof faultyDatabase>['fault'] };
beforeAll(async () => {
  const faulty = faultyDatabase(await openTestDatabase());
  broken = { server: await startTestServer(faulty.db, TUESDAY_0800), fault: faulty.fault };
});
afterAll(async () => {
  broken.fault.matches = null;
  await broken?.server.close();
  await broken?.server.db.close();
});

interface Request {
  method?: string;
  /** The path's parameters; the rest are the fixture's. */
  params?: Record<string, string>;
  query?: string;
  /** The Authorization header's value; null: none. Default: the fixture's admin. */
  auth?: string | null;
  /** A JSON body (default the endpoint's valid one), or raw text. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  on?: TestServer;
}

/** What every scenario starts from, made once per server: a clinic with its staff and a booked callback. */
interface Fixture {
  clinicId: string;
  admin: string;
  manager: string;
  nurse: string;
  /** A nurse of another clinic. */
  outsider: string;
  booked: { id: string; token: string };
  settingsBody: unknown;
  /** A region-wide admin (the /api/admin/ endpoints' default caller), its account id, and a nurse account it made. */
  regionAdmin: string;
  regionAdminId: string;
  staffId: string;
  /** The HSA-ids the fixture's clinic and nurse account hold. */
  clinicHsaId: string;
  staffHsaId: string;
}

async function fixtureOn(s: TestServer): Promise<Fixture> {
  s.clock.set(TUESDAY_0800);
  const clinic = await trackerClinic(s);
  const admin = await s.addStaff('admin', [clinic.clinicId]);
  const outsider = await s.addStaff('nurse', [await s.addClinic()]);
  const booked = await clinic.book('2027-03-30T09:00:00+02:00');
  const settings = (await s.request('GET', `/api/staff/clinics/${clinic.clinicId}/settings`, { headers: { Authorization: admin } })).body;
  const { clinicId: _id, name: _name, timezone: _zone, ...settingsBody } = settings;
  const regionAdmin = await s.addStaff('admin', 'all');
  const regionAdminId = (await s.request('GET', '/api/staff/me', { headers: { Authorization: regionAdmin } })).body.id;
  const suffix = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
  const [clinicHsaId, staffHsaId] = [`SE2321000016-C${suffix}`, `SE2321000016-S${suffix}`];
  expect((await s.request('PATCH', `/api/admin/clinics/${clinic.clinicId}`, { headers: { Authorization: regionAdmin }, body: { hsaId: clinicHsaId } })).status).toBe(200);
  const made = await s.request('POST', '/api/admin/staff', { headers: { Authorization: regionAdmin }, body: { name: 'Fixture', role: 'nurse', clinics: [clinic.clinicId], hsaId: staffHsaId } });
  expect(made.status).toBe(201);
  return { clinicId: clinic.clinicId, admin, manager: clinic.manager, nurse: clinic.nurse, outsider, booked, settingsBody, regionAdmin, regionAdminId, staffId: made.body.account.id, clinicHsaId, staffHsaId };
}
const fixtures = new Map<TestServer, Promise<Fixture>>();
const fixture = (s: TestServer) => fixtures.get(s) ?? (fixtures.set(s, fixtureOn(s)), fixtures.get(s)!);

/** A body the endpoint accepts, so that what a scenario changes is the only thing wrong. */
function validBody(def: AnyEndpoint, f: Fixture): unknown {
  const key = `${methodAndPath(def).method} ${methodAndPath(def).path}`;
  const bodies: Record<string, unknown> = {
    'post /api/clinics/{clinicId}/callbacks': { phone: '0701234567' },
    'put /api/callbacks/{id}/slot': { slotStart: '2027-03-30T10:00:00+02:00' },
    'post /api/staff/callbacks/{id}/attempts': { outcome: 'no_answer' },
    'put /api/staff/callbacks/{id}/outcome': { resolution: 'advice', guarantee: { covered: false }, medicalAssessment: { performed: false } },
    'post /api/staff/callbacks/{id}/follow-up': {},
    'put /api/staff/guarantee-cases/{id}/assessment': { assessedAt: '2027-03-30T08:00:00+02:00', profession: PROFESSIONS[0], mode: CONTACT_MODES[0] },
    'put /api/staff/guarantee-cases/{id}/exclusion': { reason: 'not_covered' },
    'put /api/staff/clinics/{clinicId}/settings': f.settingsBody,
    'put /api/staff/clinics/{clinicId}/telephony': { bookingNumbers: [], fallbackPhone: null, dialAgentFirst: false, callerId: null },
    'post /api/staff/callbacks/{id}/dial': {},
    'post /api/telephony/events': { eventId: randomUUID(), callId: randomUUID(), callbackId: f.booked.id, type: 'call.started', at: '2027-03-30T08:00:00+02:00' },
    'post /api/admin/clinics': { id: `vc-new-${randomUUID().slice(0, 8)}`, name: 'Ny', capacityRules: [{ weekdays: [1], from: '06:00', to: '17:00', capacity: 1 }] },
    'patch /api/admin/clinics/{clinicId}': { town: 'Kungsör' },
    'post /api/admin/clinics/import': `id;namn;platser per tid\nvc-imp-${randomUUID().slice(0, 8)};Importerad;2\n`,
    'post /api/admin/staff': { name: 'Ny', role: 'nurse', clinics: [f.clinicId] },
    'patch /api/admin/staff/{staffId}': { phone: null },
    'post /api/admin/staff/import': `hsa-id;namn;roll;vårdcentraler\nSE2321000016-I${randomUUID().slice(0, 8).toUpperCase()};Importerad;sjuksköterska;${f.clinicId}\n`,
  };
  if (!(key in bodies)) throw new Error(`no valid body for ${key}`);
  return bodies[key];
}

/** A query the endpoint accepts. */
function validQuery(def: AnyEndpoint, f: Fixture): string {
  if (methodAndPath(def).path.startsWith('/api/reports/') && def.request?.query) {
    const base = `from=2027-03-30&to=2027-03-30&clinics=${f.clinicId}`;
    return methodAndPath(def).path.endsWith('/drilldown') ? `${base}&figure=${DRILLDOWN_FIGURE_NAMES[0]}` : base;
  }
  if (methodAndPath(def).path.endsWith('/slots')) return 'from=2027-03-30&to=2027-03-30';
  return '';
}

async function send(def: AnyEndpoint, r: Request) {
  const s = r.on ?? server();
  const f = await fixture(s);
  const params = { clinicId: f.clinicId, id: f.booked.id, month: '2027-02', staffId: f.staffId, ...r.params };
  const path = methodAndPath(def).path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name as keyof typeof params]!));
  const query = r.query ?? validQuery(def, f);
  const headers: Record<string, string> = { 'x-callback-token': f.booked.token, ...r.headers };
  const admin = methodAndPath(def).path.startsWith('/api/admin/') ? f.regionAdmin : f.admin;
  const auth = r.auth === undefined ? (def.access === 'public' ? null : admin) : r.auth;
  if (auth) headers.authorization = auth;
  let body: string | undefined;
  if (r.raw !== undefined) body = r.raw;
  else if (def.textBody && r.body === undefined) body = validBody(def, f) as string;
  else if (def.request?.body) body = JSON.stringify(r.body === undefined ? validBody(def, f) : r.body);
  // A file endpoint's own body is its file; anything a scenario writes is sent as JSON.
  if (body !== undefined) headers['content-type'] = def.textBody && r.raw === undefined && r.body === undefined ? def.textBody.type : 'application/json';
  if (methodAndPath(def).path === '/api/telephony/events' && body !== undefined && !headers['x-telephony-signature']) {
    headers['x-telephony-signature'] = signTelephonyBody(TEST_TELEPHONY_SECRET, body);
  }
  const res = await fetch(`${s.baseUrl}${path}${query ? `?${query}` : ''}`, { method: r.method ?? methodAndPath(def).method.toUpperCase(), headers, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // checked below
  }
  return { status: res.status, code: json?.error?.code as string | undefined, text };
}

/** An invalid value for each path parameter the API validates. */
const INVALID_PARAM: Record<string, string> = { clinicId: 'Not A Clinic!', id: 'x'.repeat(65), month: '2027-13', staffId: 'not-a-uuid' };

type Scenario = (def: AnyEndpoint) => Promise<Request>;
const key = (def: AnyEndpoint) => `${methodAndPath(def).method} ${methodAndPath(def).path}`;
const paramsOf = (def: AnyEndpoint) => [...methodAndPath(def).path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
const has = (def: AnyEndpoint, fragment: string) => methodAndPath(def).path.includes(fragment);

/** Books at a fresh clinic; `rules` override the clinic's. */
async function bookingAt(rules: Parameters<TestServer['addClinic']>[0] = {}, body: Record<string, unknown> = {}) {
  const s = server();
  s.clock.set(TUESDAY_0800);
  const clinicId = await s.addClinic(rules);
  const res = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', ...body } });
  return { clinicId, res };
}

/** A callback a nurse claimed (agent first, with a phone), the nurse's token, and its clinic. */
const claimed = (dialAgentFirst = true, nursePhone?: string | null) => claimedCallback(server(), { dialAgentFirst, ...(nursePhone === undefined ? {} : { nursePhone }) });

/** A reached callback with an open care-guarantee case, and one whose case is closed. */
async function caseWith(closed: boolean) {
  const s = server();
  s.clock.set(TUESDAY_0800);
  const clinic = await trackerClinic(s);
  const booked = await clinic.book();
  await clinic.call(booked.id, booked.slot.start, true);
  await clinic.outcome(booked.id, 'new_problem');
  if (closed) expect((await clinic.assess(booked.id, { assessedAt: booked.slot.start, profession: PROFESSIONS[0], mode: CONTACT_MODES[0] })).status).toBe(200);
  return { id: booked.id, nurse: clinic.nurse };
}

/** A missed callback (its day ended without a call, rule 12), followed up once when asked. */
async function missed(followedUp: boolean) {
  const s = server();
  s.clock.set(TUESDAY_0800);
  const clinic = await trackerClinic(s);
  const booked = await clinic.book();
  s.clock.set('2027-03-31T07:00:00+02:00');
  await markMissedCallbacks({ db: s.db, clock: s.clock });
  if (followedUp) expect((await s.request('POST', `/api/staff/callbacks/${booked.id}/follow-up`, { headers: { Authorization: clinic.nurse }, body: {} })).status).toBe(200);
  s.clock.set(TUESDAY_0800);
  return { id: booked.id, nurse: clinic.nurse };
}

/** A staff member signed in through OpenID Connect for a clinic that does not exist (claims are not checked against clinics). */
const ofMissingClinic = async (role: string) => ({
  clinicId: `vc-gone-${randomUUID().slice(0, 8)}`,
  token: (clinicId: string) => provider.sign({ sub: `gone-${clinicId}`, roles: [role], clinics: [clinicId] }, server().clock.now()),
});

const SCENARIOS: Record<string, Scenario> = {
  async validation_failed(def) {
    const names = paramsOf(def);
    if (names.length) return { params: { [names[0]!]: INVALID_PARAM[names[0]!]! } };
    if (def.request?.query) return { query: 'from=not-a-date' };
    return { body: { unexpected: true } };
  },
  malformed_json: async () => ({ raw: '{"phone": ' }),
  bad_request: async () => ({ raw: JSON.stringify({ padding: 'x'.repeat(40_000) }) }),
  unauthenticated: async () => ({ auth: null }),
  forbidden: async () => ({ auth: (await fixture(server())).outsider }),
  rate_limited: async () => ({ on: limited() }),
  service_unavailable: async () => ({ on: broken.server }),

  async clinic_not_found(def) {
    if (def.access === 'public') return { params: { clinicId: 'vc-nowhere' } };
    if (has(def, '/api/admin/staff')) return { body: { clinics: ['vc-nowhere'], ...(methodAndPath(def).method === 'post' ? { name: 'X', role: 'nurse' } : {}) } };
    const gone = await ofMissingClinic('admin');
    const auth = `Bearer ${await gone.token(gone.clinicId)}`;
    return def.request?.query ? { auth, query: `from=2027-03-30&to=2027-03-30&clinics=${gone.clinicId}${has(def, 'drilldown') ? `&figure=${DRILLDOWN_FIGURE_NAMES[0]}` : ''}` } : { auth, params: { clinicId: gone.clinicId } };
  },
  async callback_not_found(def) {
    if (has(def, '/telephony/events')) return { body: { ...(validBody(def, await fixture(server())) as object), callbackId: randomUUID() } };
    return { params: { id: randomUUID() } };
  },
  guarantee_case_not_found: async () => ({}),
  async case_not_open() {
    const c = await caseWith(true);
    return { params: { id: c.id }, auth: c.nurse };
  },
  async slot_full(def): Promise<Request> {
    const slotStart = '2027-03-30T10:00:00+02:00';
    const { clinicId, res } = await bookingAt({ capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 1 }] }, { slotStart });
    expect(res.status).toBe(201);
    if (methodAndPath(def).method === 'post') return { params: { clinicId }, body: { phone: '0701234568', slotStart } };
    const other = await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234569', slotStart: '2027-03-30T11:00:00+02:00' } });
    return { params: { id: other.body.id }, headers: { 'x-callback-token': other.body.token }, body: { slotStart } };
  },
  async slot_unavailable(def) {
    if (methodAndPath(def).method === 'post') return { body: { phone: '0701234567', slotStart: '2027-03-30T10:07:00+02:00' } };
    return { body: { slotStart: '2027-03-30T10:07:00+02:00' } };
  },
  async no_free_slot() {
    const { clinicId } = await bookingAt({ capacityRules: [] });
    return { params: { clinicId } };
  },
  async booking_closed(def) {
    // Rule 1: 05:59, a minute before the booking window opens.
    const s = server();
    const f = await fixture(s);
    s.clock.set('2027-03-30T05:59:00+02:00');
    return methodAndPath(def).method === 'post' ? { params: { clinicId: f.clinicId } } : {};
  },
  async already_booked() {
    const { clinicId, res } = await bookingAt({ oneOpenCallbackPerCaller: true });
    expect(res.status).toBe(201);
    return { params: { clinicId } };
  },
  async too_many_bookings() {
    // That server allows two open callbacks per number across clinics: a third clinic refuses the number.
    const s = strict();
    const phone = '0709998877';
    for (let i = 0; i < 2; i++) {
      expect((await s.request('POST', `/api/clinics/${await s.addClinic()}/callbacks`, { body: { phone } })).status).toBe(201);
    }
    return { on: s, params: { clinicId: await s.addClinic() }, body: { phone } };
  },
  async idempotency_key_reused() {
    const { clinicId } = await bookingAt();
    const key = randomUUID();
    expect((await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { headers: { 'Idempotency-Key': key }, body: { phone: '0701234567' } })).status).toBe(201);
    return { params: { clinicId }, headers: { 'idempotency-key': key }, body: { phone: '0701234568' } };
  },
  async not_cancellable() {
    const c = await claimed();
    // The patient's token is derived from the id: the tokens service issues it again.
    return { params: { id: c.callbackId }, headers: { 'x-callback-token': server().services.tokens.issue(c.callbackId) } };
  },
  async not_claimable() {
    // Booked for 09:00 and it is 08:00: not yet due.
    return {};
  },
  not_claimed: async () => ({}),
  not_reached: async () => ({}),
  not_missed: async () => ({}),
  async already_followed_up() {
    const m = await missed(true);
    return { params: { id: m.id }, auth: m.nurse };
  },
  async dialling_unavailable() {
    const c = await claimed(false);
    return { params: { id: c.callbackId }, auth: c.nurse };
  },
  async before_promised_time() {
    const c = await claimed();
    server().clock.set(at('08:10:00'));
    await server().db.query(`UPDATE callbacks SET claim_expires_at = $2 WHERE id = $1`, [c.callbackId, at('08:20:00').toISO()]);
    return { params: { id: c.callbackId }, auth: c.nurse };
  },
  async outside_calling_hours() {
    const c = await claimed();
    server().clock.set(at('17:00:00'));
    await server().db.query(`UPDATE callbacks SET claim_expires_at = $2 WHERE id = $1`, [c.callbackId, at('17:30:00').toISO()]);
    return { params: { id: c.callbackId }, auth: c.nurse };
  },
  async agent_phone_missing() {
    const c = await claimed(true, null);
    server().clock.set(at('08:16:00'));
    return { params: { id: c.callbackId }, auth: c.nurse };
  },
  async call_refused() {
    const c = await claimed();
    server().clock.set(at('08:16:00'));
    fake.failNext('/calls', 403, 1, 'Invalid to number');
    return { params: { id: c.callbackId }, auth: c.nurse };
  },
  async phone_number_taken() {
    const s = server();
    const other = await agentFirstClinic(s);
    await replaceClinicTelephony(s.db, other, { bookingNumbers: ['+46855500011'], fallbackPhone: null, dialAgentFirst: false, callerId: null });
    return { body: { bookingNumbers: ['08-555 000 11'], fallbackPhone: null, dialAgentFirst: false, callerId: null } };
  },
  report_not_found: async () => ({ params: { month: '2026-01' } }),
  async clinic_exists(def) {
    return { body: { ...(validBody(def, await fixture(server())) as object), id: (await fixture(server())).clinicId } };
  },
  async hsa_id_taken(def) {
    const f = await fixture(server());
    if (has(def, '/api/admin/staff')) return { body: { ...(validBody(def, f) as object), hsaId: f.staffHsaId } };
    if (methodAndPath(def).method === 'post') return { body: { ...(validBody(def, f) as object), hsaId: f.clinicHsaId } };
    return { params: { clinicId: await server().addClinic() }, body: { hsaId: f.clinicHsaId } };
  },
  staff_not_found: async () => ({ params: { staffId: randomUUID() } }),
  async last_admin(def) {
    // The fixture's region-wide admin made the only one left; revoking or narrowing it is refused, so nothing changes.
    const f = await fixture(server());
    await server().db.query("UPDATE staff SET disabled_at = now() WHERE role = 'admin' AND all_clinics AND id <> $1", [f.regionAdminId]);
    return { params: { staffId: f.regionAdminId }, ...(methodAndPath(def).method === 'patch' ? { body: { clinics: [f.clinicId] } } : {}) };
  },
  invalid_signature: async () => ({ headers: { 'x-telephony-signature': 'sha256=00' } }),
};

/** Codes whose scenario is the endpoint's plain valid request in a state the fixture already has. */
const FROM_FIXTURE = new Set(['guarantee_case_not_found', 'not_claimable', 'not_claimed', 'not_reached', 'not_missed']);

describe.each(DEFINITIONS.map((def) => [key(def), def] as const))('%s', (_name, def) => {
  const pairs = [...errorCodesOf(def)].flatMap(([status, codes]) => codes.map((code) => [status, code] as const));
  it.each(pairs)('can answer %i %s', async (status, code) => {
    const scenario = SCENARIOS[code];
    expect(scenario, `no scenario provokes ${code}: add one, or stop declaring it`).toBeDefined();
    const request = await scenario!(def);
    const s = request.on ?? server();
    try {
      if (s === broken.server) {
        await fixture(s);
        broken.fault.matches = /./;
        broken.fault.mode = 'fail';
      }
      let answer = await send(def, request);
      // A limit of one: the second request is over it.
      if (code === 'rate_limited') answer = await send(def, request);
      expect({ status: answer.status, code: answer.code }, answer.text.slice(0, 300)).toEqual({ status, code });
      if (FROM_FIXTURE.has(code)) expect(request).toEqual({});
    } finally {
      broken.fault.matches = null;
      server().clock.set(TUESDAY_0800);
    }
  });
});
