// A nurse claims one specific callback from the list (a patient who calls in again): the same rule as claiming
// the next, one atomic statement, so of nurses claiming it at once exactly one gets it.
import { describe, expect, it } from 'vitest';
import { ALL_BACKENDS } from '../support/database.js';
import { useTestServer, type TestServer } from '../support/server.js';

// Tuesday after Easter 2027 (+02:00).
const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';

async function setup(server: TestServer) {
  server.clock.set(TUESDAY_0800);
  const clinicId = await server.addClinic();
  const nurse = await server.addStaff('nurse', [clinicId]);
  const book = async (slotStart: string, phone = '0701234567') => {
    const res = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone, slotStart } });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const claim = (id: string, auth = nurse) => server.request('POST', `/api/staff/callbacks/${id}/claim`, { headers: { Authorization: auth } });
  return { clinicId, nurse, book, claim };
}

const server = useTestServer(TUESDAY_0800);

describe('claiming a specific callback', () => {
  it('claims the one asked for, not the oldest, and holds it for the claim timeout', async () => {
    const q = await setup(server());
    await q.book('2027-03-30T08:15:00+02:00', '0701111111');
    const second = await q.book('2027-03-30T08:30:00+02:00', '0702222222');
    server().clock.set('2027-03-30T08:40:00+02:00');
    const res = await q.claim(second.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: second.id, state: 'claimed', status: 'claimed', phone: '+46702222222', claimExpiresAt: '2027-03-30T08:50:00+02:00' });
    // The next one for a colleague is the older one, still waiting.
    const colleague = await server().addStaff('nurse', [q.clinicId]);
    const next = await server().request('POST', `/api/staff/clinics/${q.clinicId}/queue/claim`, { headers: { Authorization: colleague } });
    expect(next.body.id).not.toBe(second.id);
    // Her second click returns what she holds; the audit has one claim.
    expect((await q.claim(second.id)).status).toBe(200);
    const audit = await server().db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE action = 'callback.claim' AND $1 = ANY(callback_ids)`, [second.id]);
    expect(Number(audit.rows[0]!.n)).toBe(1);
  });

  it('answers 409 not_claimable when a colleague holds it, and while it is not yet due', async () => {
    const q = await setup(server());
    const due = await q.book('2027-03-30T08:15:00+02:00');
    const later = await q.book('2027-03-30T10:00:00+02:00');
    server().clock.set('2027-03-30T08:20:00+02:00');
    expect((await q.claim(due.id)).status).toBe(200);
    const colleague = await server().addStaff('nurse', [q.clinicId]);
    const taken = await q.claim(due.id, colleague);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'not_claimable', details: { status: 'claimed', state: 'claimed' } });
    const early = await q.claim(later.id, colleague);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'not_claimable', details: { state: 'upcoming' } });
    // Once the first claim has lapsed unlogged, the colleague may take it.
    server().clock.set('2027-03-30T08:30:00+02:00');
    expect((await q.claim(due.id, colleague)).status).toBe(200);
  });

  it('answers 403 for another clinic’s callback and 404 for none', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-30T08:20:00+02:00');
    const otherClinic = await server().addClinic();
    const stranger = await server().addStaff('nurse', [otherClinic]);
    const refused = await q.claim(cb.id, stranger);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const missing = await q.claim('00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('callback_not_found');
    expect((await q.claim('not-a-uuid')).status).toBe(400);
    // The refused claim changed nothing: the clinic's own nurse still gets it.
    expect((await q.claim(cb.id)).status).toBe(200);
  });

  it('refuses a callback whose day has ended (rule 12): it is followed up, not called', async () => {
    const q = await setup(server());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    server().clock.set('2027-03-31T08:00:00+02:00');
    const res = await q.claim(cb.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_claimable');
  });
});

describe.each(ALL_BACKENDS)('20 nurses claiming the same callback at once on %s', (backend) => {
  const srv = useTestServer(TUESDAY_0800, backend);
  it('gives it to exactly one; the others get 409 not_claimable', async () => {
    const q = await setup(srv());
    const cb = await q.book('2027-03-30T08:15:00+02:00');
    const nurses = await Promise.all(Array.from({ length: 20 }, () => srv().addStaff('nurse', [q.clinicId])));
    srv().clock.set('2027-03-30T08:16:00+02:00');
    const results = await Promise.all(nurses.map((n) => q.claim(cb.id, n)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.body.error.code).toBe('not_claimable');
    const row = (await srv().db.query<{ status: string; claimed_by: string }>('SELECT status, claimed_by FROM callbacks WHERE id = $1', [cb.id])).rows[0]!;
    const winner = results.findIndex((r) => r.status === 200);
    const me = await srv().request('GET', '/api/staff/me', { headers: { Authorization: nurses[winner]! } });
    expect(row).toEqual({ status: 'claimed', claimed_by: me.body.id });
  });
});
