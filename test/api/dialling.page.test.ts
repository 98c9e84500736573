// The call card where the clinic dials agent first: a Ring button instead of logging attempts by hand, the
// state of the call, a nurse whose phone did not answer told so (and free to press again), refusals in words.
import { describe, expect, it } from 'vitest';
import { at, claimedCallback, TUESDAY_0800 } from '../support/agentFirst.js';
import { hangupFields } from '../support/fakeElks.js';
import { useFakeElksApp } from '../support/fakeElksApp.js';
import { signIn } from '../support/staffSignIn.js';

const { fake, server } = useFakeElksApp(TUESDAY_0800, { placeCalls: true });

/** A claimed callback (slot 08:15) at a clinic with dialling `on`, the nurse (no stored phone) signed in, the clock at 08:16. */
async function card(on: boolean) {
  const { clinicId, callbackId, token } = await claimedCallback(server(), { dialAgentFirst: on, nursePhone: null });
  server().clock.set(at('08:16:00'));
  const cookie = await signIn(server(), token);
  const home = await (await fetch(`${server().baseUrl}/personal`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home)![1]!;
  const path = `/personal/vardcentral/${clinicId}/samtal/${callbackId}`;
  const page = async () => {
    const res = await fetch(server().baseUrl + path, { headers: { cookie } });
    return { status: res.status, html: await res.text() };
  };
  const ring = async (agentPhone: string) => {
    const res = await fetch(`${server().baseUrl}${path}/ring`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, agentPhone }).toString(),
      redirect: 'manual',
    });
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  };
  return { path, page, ring, callbackId };
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
    const before = fake().calls.length;
    const missing = await ring('');
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('Det finns inget telefonnummer att ringa dig på.');
    expect(fake().calls.length).toBe(before);
    const bad = await ring('ring mig');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Telefonnumret ska vara ett svenskt nummer');

    const placed = await ring('070-555 00 04');
    expect(placed).toMatchObject({ status: 303, location: path });
    expect(fake().calls.slice(before).map((c) => c.fields.to)).toEqual(['+46705550004']);
    ({ html } = await page());
    expect(html).toContain('Din telefon ringer.');

    const call = fake().calls.at(-1)!;
    expect(await fake().hangup(call, hangupFields(call, { created: at('08:16:00'), patientPhone: '+46701234567' }))).toBe(204);
    ({ html } = await page());
    expect(html).toContain('Din telefon svarade inte, så patienten ringdes inte upp och inget försök är registrerat.');
    expect(html).toContain('Inga försök än.');
    expect((await ring('0705550004')).status).toBe(303);
    expect(fake().calls.length).toBe(before + 2);
  });

  it('says in words why it may not call: after hours, and the provider down', async () => {
    const { ring } = await card(true);
    fake().failNext('/calls', 503);
    const down = await ring('0705550004');
    expect(down.status).toBe(503);
    expect(down.html).toContain('telefonitjänsten svarar inte');
    server().clock.set(at('17:05:00'));
    await server().db.query(`UPDATE callbacks SET claim_expires_at = $1 WHERE status = 'claimed'`, [at('17:30:00').toISO()]);
    const late = await ring('0705550004');
    expect(late.status).toBe(409);
    expect(late.html).toContain('utanför telefontiderna');
  });

  it('tells a nurse whose call timed out at the provider that her phone may still ring', async () => {
    const { page, callbackId } = await card(true);
    // As the dialling service leaves a placement whose provider request timed out (the call may exist).
    await server().db.query(
      `INSERT INTO outgoing_calls (id, callback_id, attempt_number, agent_phone_e164, caller_id_e164, state, failure, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, 1, '+46705550004', '+46101234567', 'failed', 'provider_timeout', $2, $2)`,
      [callbackId, at('08:16:00').toISO()],
    );
    const { html } = await page();
    expect(html).toContain('Din telefon kan ändå ringa strax');
  });
});
