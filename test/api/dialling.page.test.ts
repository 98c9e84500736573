// The call card where the clinic dials agent first: a Ring button instead of logging attempts by hand, the
// state of the call, a nurse whose phone did not answer told so (and free to press again), refusals in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { replaceClinicTelephony } from '../../src/db/clinicTelephony.js';
import { SESSION_COOKIE, SIGN_IN_PATH } from '../../src/http/pages/staff/session.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import { openTestDatabase } from '../support/database.js';
import { hangupFields, startFakeElks, type FakeElks } from '../support/fakeElks.js';
import { startTestServer, type TestServer } from '../support/server.js';

let fake: FakeElks;
let server: TestServer;
beforeAll(async () => {
  fake = await startFakeElks();
  server = await startTestServer(await openTestDatabase(), '2027-03-30T08:00:00+02:00', { elksApiUrl: fake.apiUrl });
});
afterAll(async () => {
  await server?.close();
  await server?.db.close();
  await fake?.close();
});

const at = (local: string) => DateTime.fromISO(`2027-03-30T${local}+02:00`, { setZone: true });

async function signIn(token: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(server.baseUrl + SIGN_IN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(token)}`,
    redirect: 'manual',
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
  const home = await (await fetch(`${server.baseUrl}/personal`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(home)![1]! };
}

/** A claimed callback (slot 08:15) at a clinic with dialling `on`, the nurse signed in, the clock at 08:16. */
async function card(on: boolean) {
  server.clock.set('2027-03-30T08:00:00+02:00');
  const clinicId = await server.addClinic();
  await replaceClinicTelephony(server.db, clinicId, { bookingNumbers: [], fallbackPhone: null, dialAgentFirst: on, callerId: '+46101234567' });
  const { token } = await createStaffMember(server.db, { name: 'Sköterska', role: 'nurse', clinicIds: [clinicId], phoneE164: null });
  const booked = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-123 45 67' } });
  server.clock.set(at('08:16:00'));
  expect((await server.request('POST', `/api/staff/callbacks/${booked.body.id}/claim`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  const session = await signIn(token);
  const path = `/personal/vardcentral/${clinicId}/samtal/${booked.body.id}`;
  const page = async () => {
    const res = await fetch(server.baseUrl + path, { headers: { cookie: session.cookie } });
    return { status: res.status, html: await res.text() };
  };
  const ring = async (agentPhone: string) => {
    const res = await fetch(`${server.baseUrl}${path}/ring`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf, agentPhone }).toString(),
      redirect: 'manual',
    });
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  };
  return { path, page, ring, callbackId: booked.body.id as string };
}

describe('the call card with agent-first dialling', () => {
  it('shows the one-click attempt buttons and no Ring form where the clinic does not dial', async () => {
    const { page } = await card(false);
    const { html } = await page();
    expect(html).toContain('class="attempt-form"');
    expect(html).not.toContain('class="dial-form"');
  });

  it('offers Ring instead of manual logging, says the phone rings, then that it did not answer, and rings again', async () => {
    const { page, ring, path } = await card(true);
    let { html } = await page();
    expect(html).toContain('class="dial-form"');
    expect(html).not.toContain('class="attempt-form"');
    expect(html).toContain('Ring upp patienten');

    // No stored phone and none typed: refused in words, nothing placed.
    const before = fake.calls.length;
    const missing = await ring('');
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('Det finns inget telefonnummer att ringa dig på.');
    expect(fake.calls.length).toBe(before);
    const bad = await ring('ring mig');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Telefonnumret ska vara ett svenskt nummer');

    const placed = await ring('070-555 00 04');
    expect(placed).toMatchObject({ status: 303, location: path });
    expect(fake.calls.slice(before).map((c) => c.fields.to)).toEqual(['+46705550004']);
    ({ html } = await page());
    expect(html).toContain('Din telefon ringer.');

    const call = fake.calls.at(-1)!;
    expect(await fake.hangup(call, hangupFields(call, { created: at('08:16:00'), patientPhone: '+46701234567' }))).toBe(204);
    ({ html } = await page());
    expect(html).toContain('Din telefon svarade inte, så patienten ringdes inte upp och inget försök är registrerat.');
    expect(html).toContain('Inga försök än.');
    expect((await ring('0705550004')).status).toBe(303);
    expect(fake.calls.length).toBe(before + 2);
  });

  it('says in words why it may not call: after hours, and the provider down', async () => {
    const { ring } = await card(true);
    fake.failNext('/calls', 503);
    const down = await ring('0705550004');
    expect(down.status).toBe(503);
    expect(down.html).toContain('telefonitjänsten svarar inte');
    server.clock.set(at('17:05:00'));
    await server.db.query(`UPDATE callbacks SET claim_expires_at = $1 WHERE status = 'claimed'`, [at('17:30:00').toISO()]);
    const late = await ring('0705550004');
    expect(late.status).toBe(409);
    expect(late.html).toContain('utanför telefontiderna');
  });

  it('tells a nurse whose call timed out at the provider that her phone may still ring', async () => {
    const { page, callbackId } = await card(true);
    // As the dialling service leaves a placement whose provider request timed out (the call may exist).
    await server.db.query(
      `INSERT INTO outgoing_calls (id, callback_id, attempt_number, agent_phone_e164, caller_id_e164, state, failure, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, 1, '+46705550004', '+46101234567', 'failed', 'provider_timeout', $2, $2)`,
      [callbackId, at('08:16:00').toISO()],
    );
    const { html } = await page();
    expect(html).toContain('Din telefon kan ändå ringa strax');
  });
});
