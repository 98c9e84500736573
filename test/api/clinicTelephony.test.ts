// A clinic's manager sets the numbers patients call to book by keypad, the fallback number, agent-first dialling
// and the caller id: normalised to E.164, a number another clinic has refused by name, audited, role-checked.
import { describe, expect, it } from 'vitest';
import { clinicWebhookUrl } from '../../src/telephony/webhookKey.js';
import { FakeElksCall } from '../support/fakeElksCaller.js';
import { TEST_TELEPHONY_SECRET, useTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/staffSignIn.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

const put = (s: TestServer, clinicId: string, auth: string, body: unknown) =>
  s.request('PUT', `/api/staff/clinics/${clinicId}/telephony`, { headers: { Authorization: auth }, body });
const fields = (res: { body: any }) => (res.body.error.details.fields as { field: string }[]).map((f) => f.field);
let next = 1000;
const freshNumber = () => `08-55 ${String(next++).padStart(4, '0')}0`;

describe('GET/PUT /api/staff/clinics/{clinicId}/telephony', () => {
  it('stores numbers given in everyday forms as E.164, gives admins (only) the clinic’s voice_start URL, audits the change, and the line answers at once', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const manager = await s.addStaff('manager', [clinicId]);
    const admin = await s.addStaff('admin', [clinicId]);
    const empty = await s.request('GET', `/api/staff/clinics/${clinicId}/telephony`, { headers: { Authorization: manager } });
    // The URL holds the clinic's webhook key: a manager does not see it, an admin (who configures 46elks) does.
    expect(empty.body).toEqual({ clinicId, bookingNumbers: [], fallbackPhone: null, dialAgentFirst: false, callerId: null, voiceStartUrl: null });
    const forAdmin = await s.request('GET', `/api/staff/clinics/${clinicId}/telephony`, { headers: { Authorization: admin } });
    expect(forAdmin.body.voiceStartUrl).toBe(clinicWebhookUrl(s.baseUrl, TEST_TELEPHONY_SECRET, clinicId, '/voice/start'));
    expect(forAdmin.body.voiceStartUrl).toContain(`/api/telephony/46elks/clinics/${clinicId}/`);

    const number = freshNumber();
    const res = await put(s, clinicId, manager, { bookingNumbers: [number], fallbackPhone: '08-123 456 70', dialAgentFirst: true, callerId: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const e164 = `+468${number.replace(/\D/g, '').slice(2)}`;
    expect(res.body).toMatchObject({ bookingNumbers: [e164], fallbackPhone: '+46812345670', dialAgentFirst: true, callerId: null });
    const audit = await s.db.query("SELECT 1 FROM audit_events WHERE action = 'clinic.telephony_changed' AND clinic_id = $1", [clinicId]);
    expect(audit.rows).toHaveLength(1);

    const call = await FakeElksCall.dial(s, { from: '+46701234567', to: e164 });
    expect(call.lastPrompt.text).toContain('Vi kan ringa dig i dag mellan klockan åtta och femton och klockan åtta och trettio.');
  });

  it('refuses (409, naming it) a number another clinic answers, and changes nothing', async () => {
    const s = server();
    const first = await s.addClinic();
    const second = await s.addClinic();
    const admin = await s.addStaff('admin', [first, second]);
    const shared = freshNumber();
    expect((await put(s, first, admin, { bookingNumbers: [shared], fallbackPhone: null, dialAgentFirst: false, callerId: null })).status).toBe(200);
    const mine = freshNumber();
    const res = await put(s, second, admin, { bookingNumbers: [mine, shared], fallbackPhone: null, dialAgentFirst: false, callerId: null });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('phone_number_taken');
    expect(res.body.error.message).toContain(`+468${shared.replace(/\D/g, '').slice(2)}`);
    const after = await s.request('GET', `/api/staff/clinics/${second}/telephony`, { headers: { Authorization: admin } });
    expect(after.body.bookingNumbers).toEqual([]);
  });

  it('names each bad field: not a number, listed twice, a fallback that is a booking number, unknown fields', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const manager = await s.addStaff('manager', [clinicId]);
    const n = freshNumber();
    const bad = await put(s, clinicId, manager, { bookingNumbers: ['hello', n, n], fallbackPhone: '12', dialAgentFirst: 'yes', callerId: 5 });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(expect.arrayContaining(['body.bookingNumbers.0', 'body.fallbackPhone', 'body.dialAgentFirst', 'body.callerId']));
    const twice = await put(s, clinicId, manager, { bookingNumbers: [n, n], fallbackPhone: n, dialAgentFirst: false, callerId: null });
    expect(fields(twice)).toEqual(['body.bookingNumbers.1', 'body.fallbackPhone']);
    const extra = await put(s, clinicId, manager, { bookingNumbers: [], fallbackPhone: null, dialAgentFirst: false, callerId: null, secret: 1 });
    expect(extra.status).toBe(400);
  });

  it('two clinics saving the same number at once: one gets it, the other 409 phone_number_taken, never a 500', async () => {
    const s = server();
    for (let round = 0; round < 6; round++) {
      const first = await s.addClinic();
      const second = await s.addClinic();
      const admin = await s.addStaff('admin', [first, second]);
      const shared = freshNumber();
      const body = { bookingNumbers: [shared], fallbackPhone: null, dialAgentFirst: false, callerId: null };
      const results = await Promise.all([put(s, first, admin, body), put(s, second, admin, body)]);
      expect(results.map((r) => r.status).sort(), JSON.stringify(results.map((r) => r.body))).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.error.code).toBe('phone_number_taken');
      const owners = await s.db.query<{ clinic_id: string }>('SELECT clinic_id FROM clinic_phone_numbers WHERE phone_e164 = $1', [
        `+468${shared.replace(/\D/g, '').slice(2)}`,
      ]);
      expect(owners.rows).toEqual([{ clinic_id: results[0]!.status === 200 ? first : second }]);
    }
  });

  it('is for the clinic’s managers and admins only', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const other = await s.addClinic();
    const nurse = await s.addStaff('nurse', [clinicId]);
    const otherManager = await s.addStaff('manager', [other]);
    for (const auth of [nurse, otherManager]) {
      expect((await s.request('GET', `/api/staff/clinics/${clinicId}/telephony`, { headers: { Authorization: auth } })).status).toBe(403);
      expect((await put(s, clinicId, auth, { bookingNumbers: [], fallbackPhone: null, dialAgentFirst: false, callerId: null })).status).toBe(403);
    }
    expect((await s.request('GET', `/api/staff/clinics/${clinicId}/telephony`)).status).toBe(401);
  });
});

describe('the prompt audio', () => {
  it('is one WAV for known clips and 404 for unknown ones, a wrong key, or none', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const url = clinicWebhookUrl(s.baseUrl, TEST_TELEPHONY_SECRET, clinicId, '/audio/prompt.wav');
    const ok = await fetch(`${url}?clips=greeting,n1,goodbye`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('audio/wav');
    for (const bad of [`${url}?clips=greeting,../etc/passwd`, `${url}?clips=nope`, url, `${url}?clips=`, `${url}?clips=a&clips=b`]) {
      expect((await fetch(bad)).status, bad).toBe(404);
    }
    expect((await fetch(`${s.baseUrl}/api/telephony/46elks/wrong-key/audio/prompt.wav?clips=greeting`)).status).toBe(404);
    expect((await fetch(`${s.baseUrl}/api/telephony/46elks/clinics/${clinicId}/wrong-key/audio/prompt.wav?clips=greeting`)).status).toBe(404);
  });
});

describe('the telephony section of the manager’s settings page', () => {
  const post = (s: TestServer, cookie: string, clinicId: string, fields: Record<string, string>) =>
    fetch(`${s.baseUrl}/personal/vardcentral/${clinicId}/installningar/telefoni`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('shows the numbers, saves them from the form, and names a bad number beside its field in Swedish', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const manager = await s.addStaff('manager', [clinicId]);
    const cookie = await signIn(s, manager);
    const page = await (await fetch(`${s.baseUrl}/personal/vardcentral/${clinicId}/installningar`, { headers: { cookie } })).text();
    expect(page).toContain('<h2 id="telephony-title">Telefoni</h2>');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

    const number = freshNumber();
    const saved = await post(s, cookie, clinicId, { _csrf: csrf, bookingNumbers: `${number}\n`, fallbackPhone: '08-123 456 70', callerId: '', dialAgentFirst: 'on' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toContain('sparat=telefoni');
    const api = await s.request('GET', `/api/staff/clinics/${clinicId}/telephony`, { headers: { Authorization: manager } });
    expect(api.body).toMatchObject({ bookingNumbers: [`+468${number.replace(/\D/g, '').slice(2)}`], fallbackPhone: '+46812345670', dialAgentFirst: true, callerId: null });
    const after = await (await fetch(`${s.baseUrl}${saved.headers.get('location')}`, { headers: { cookie } })).text();
    expect(after).toContain('Telefoniinställningarna är sparade.');
    expect(after).toContain('+46812345670');

    const bad = await post(s, cookie, clinicId, { _csrf: csrf, bookingNumbers: 'hej', fallbackPhone: '', callerId: '' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('<p class="field-error" id="bookingNumbers-error">Skriv ett telefonnummer, till exempel 08-123 456 70.</p>');
    expect(html).toContain('>hej</textarea>');

    const noCsrf = await post(s, cookie, clinicId, { bookingNumbers: '' });
    expect(noCsrf.status).toBe(403);
  });

  it('shows the clinic’s voice_start URL to an admin, and to no manager', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const url = clinicWebhookUrl(s.baseUrl, TEST_TELEPHONY_SECRET, clinicId, '/voice/start');
    const settings = async (role: 'manager' | 'admin') => {
      const cookie = await signIn(s, await s.addStaff(role, [clinicId]));
      return (await fetch(`${s.baseUrl}/personal/vardcentral/${clinicId}/installningar`, { headers: { cookie } })).text();
    };
    const forAdmin = await settings('admin');
    expect(forAdmin).toContain('Adress för 46elks (voice_start)');
    expect(forAdmin).toContain(url);
    const forManager = await settings('manager');
    expect(forManager).not.toContain('voice_start');
    expect(forManager).not.toContain('/api/telephony/46elks/');
  });
});
