// Text-direction controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) in free text: refused
// at the edge in every free-text field, patient's and staff's alike, with a 400 naming the field; and patient text
// already stored (before they were refused) is shown inside <bdi> on the staff pages, so it cannot reorder them.
import { describe, expect, it } from 'vitest';
import { consolePaths } from '../../src/http/pages/staff/paths.js';
import { markMissedCallbacks } from '../../src/jobs/markMissedCallbacks.js';
import { useTestServer } from '../support/server.js';
import { signIn } from '../support/staffSignIn.js';

// Tuesday 30 March 2027 (+02:00); Wednesday is the 31st.
const tue = (time: string) => `2027-03-30T${time}:00+02:00`;
const wed = (time: string) => `2027-03-31T${time}:00+02:00`;

const server = useTestServer(tue('08:00'));

/** "Anna" followed by a right-to-left override: what follows it on the line would read backwards. */
const RLO = '\u202E';
const CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

const fieldsOf = (res: { body: any }) => (res.body.error?.details?.fields as { field: string; message: string }[] | undefined)?.map((f) => f.field);

function expectRefused(res: { status: number; body: any }, fields: string[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(fieldsOf(res)).toEqual(fields);
  for (const f of res.body.error.details.fields) expect(f.message).toMatch(/text-direction/);
}

describe('the booking API', () => {
  it.each(CONTROLS.map((c) => ({ c, code: c.codePointAt(0)!.toString(16).toUpperCase() })))(
    'refuses U+$code in the name and in the reason, naming each field, and books nothing',
    async ({ c }) => {
      const s = server();
      s.clock.set(tue('08:00'));
      const clinicId = await s.addClinic();
      const book = (body: Record<string, unknown>) => s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', ...body } });
      expectRefused(await book({ name: `Anna ${c}noskcaJ` }), ['body.name']);
      expectRefused(await book({ reason: `Ont i halsen ${c}sedan i går` }), ['body.reason']);
      expectRefused(await book({ name: `${c}A`, reason: `${c}B` }), ['body.name', 'body.reason']);
      const { rows } = await s.db.query('SELECT 1 FROM callbacks WHERE clinic_id = $1', [clinicId]);
      expect(rows).toEqual([]);
    },
  );

  it('still books names and reasons written right to left, without controls', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const clinicId = await s.addClinic();
    const res = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', name: 'مريم العلي', reason: 'כאב גרון' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});

describe('the staff API', () => {
  it('refuses a text-direction control in every free-text field staff send, naming the field', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const clinicId = await s.addClinic();
    const nurse = { Authorization: await s.addStaff('nurse', [clinicId]) };
    const manager = { Authorization: await s.addStaff('manager', [clinicId]) };
    const booked = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } });
    const id = booked.body.id as string;
    const note = `ringde ${RLO}tillbaka`;

    expectRefused(await s.request('POST', `/api/staff/callbacks/${id}/attempts`, { headers: nurse, body: { outcome: 'answered', note } }), ['body.note']);
    expectRefused(
      await s.request('PUT', `/api/staff/callbacks/${id}/outcome`, {
        headers: nurse,
        body: { resolution: 'referred', referredTo: `Akuten ${RLO}Sala`, guarantee: { covered: false }, medicalAssessment: { performed: false }, note },
      }),
      ['body.referredTo', 'body.note'],
    );
    expectRefused(await s.request('PUT', `/api/staff/guarantee-cases/${id}/exclusion`, { headers: nurse, body: { reason: 'patient_chose_later', note } }), ['body.note']);
    expectRefused(
      await s.request('PUT', `/api/staff/guarantee-cases/${id}/assessment`, { headers: nurse, body: { assessedAt: tue('08:30'), profession: 'doctor', mode: 'visit', note } }),
      ['body.note'],
    );
    expectRefused(await s.request('POST', `/api/staff/callbacks/${id}/follow-up`, { headers: nurse, body: { note } }), ['body.note']);

    const current = await s.request('GET', `/api/staff/clinics/${clinicId}/settings`, { headers: manager });
    expect(current.status).toBe(200);
    const { clinicId: _id, name: _name, timezone: _tz, ...settings } = current.body;
    const exception = { date: '2027-04-06', closed: true, capacity: null, note: `Stängt ${RLO}utbildning` };
    expectRefused(
      await s.request('PUT', `/api/staff/clinics/${clinicId}/settings`, { headers: manager, body: { ...settings, dateExceptions: [exception] } }),
      ['body.dateExceptions.0.note'],
    );
    // Nothing was recorded.
    const { rows } = await s.db.query<any>('SELECT status, attempt_count FROM callbacks WHERE id = $1', [id]);
    expect(rows).toEqual([{ status: 'booked', attempt_count: 0 }]);
    expect((await s.request('GET', `/api/staff/clinics/${clinicId}/settings`, { headers: manager })).body.dateExceptions).toEqual(settings.dateExceptions);
  });
});

describe('the patient booking page', () => {
  it('shows the refusal beside the field and books nothing', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const clinicId = await s.addClinic();
    const res = await fetch(`${s.baseUrl}/vardcentral/${clinicId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ phone: '0701234567', pin: '', name: 'Anna', reason: `Ont i halsen ${RLO}sedan i går`, slot: '' }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toMatch(/<textarea id="reason" name="reason"[^>]*aria-invalid="true"/);
    expect(page).toContain('<p class="field-error" id="reason-error">');
    expect(page).toContain('Texten får vara högst 1000 tecken och bara innehålla vanliga tecken');
    expect(page).toContain('href="#reason"');
    // The name was fine: no error beside it.
    expect(page).not.toContain('id="name-error"');
    const { rows } = await s.db.query('SELECT 1 FROM callbacks WHERE clinic_id = $1', [clinicId]);
    expect(rows).toEqual([]);
  });
});

/** Every direction control in the page's body sits inside a <bdi> that holds nothing but text; <title> has none. */
function expectIsolated(page: string) {
  const title = /<title>([^<]*)<\/title>/.exec(page)?.[1] ?? '';
  const body = page.replace(/<title>[^<]*<\/title>/, '');
  const count = (s: string) => [...s.matchAll(/[\u202A-\u202E\u2066-\u2069]/g)].length;
  const isolated = [...body.matchAll(/<bdi>([^<]*)<\/bdi>/g)].reduce((n, m) => n + count(m[1]!), 0);
  expect(count(body)).toBeGreaterThan(0);
  expect(isolated).toBe(count(body));
  // Only the isolate around the name that the title itself adds (FSI … PDI), never an override or embedding.
  expect(title).not.toMatch(/[\u202A-\u202E\u2066\u2067]/);
}

describe('the staff pages, with patient text stored before the controls were refused', () => {
  it('show each name and reason inside <bdi> in the queue, the missed list, the call card and the at-risk list', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const clinicId = await s.addClinic();
    const nurse = { Authorization: await s.addStaff('nurse', [clinicId]) };
    const book = async (slotStart: string) => {
      const res = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567', name: 'Anna', reason: 'Hosta', slotStart } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    // Yesterday's callback, missed; today's, waiting in the queue; and one called, covered by the care guarantee.
    const missed = await book(tue('16:45'));
    s.clock.set(wed('08:00'));
    await markMissedCallbacks({ db: s.db, clock: s.clock });
    const called = await book(wed('08:15'));
    const waiting = await book(wed('08:30'));
    s.clock.set(wed('08:16'));
    expect((await s.request('POST', `/api/staff/callbacks/${called}/claim`, { headers: nurse })).status).toBe(200);
    expect((await s.request('POST', `/api/staff/callbacks/${called}/attempts`, { headers: nurse, body: { outcome: 'answered' } })).status).toBe(201);
    const outcome = await s.request('PUT', `/api/staff/callbacks/${called}/outcome`, {
      headers: nurse,
      body: { resolution: 'advice', guarantee: { covered: true, reason: 'new_problem' }, medicalAssessment: { performed: false } },
    });
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(204);
    // Old data: written straight to the table, as the API accepted it before.
    const name = (n: string) => `Anna ${RLO}${n}`;
    const reason = (n: string) => `Ont i halsen ${RLO}${n}`;
    for (const [id, n] of [[missed, 'missad'], [waiting, 'väntar'], [called, 'ringd']] as const) {
      await s.db.query('UPDATE callbacks SET patient_name = $2, reason = $3 WHERE id = $1', [id, name(n), reason(n)]);
    }
    const cookie = await signIn(s, nurse.Authorization.slice('Bearer '.length));
    const get = async (path: string) => {
      const res = await fetch(s.baseUrl + path, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      return res.text();
    };

    const queue = await get(consolePaths.queue(clinicId));
    expect(queue).toContain(`<bdi>${name('väntar')}</bdi>`);
    expect(queue).toContain(`<bdi>${reason('väntar')}</bdi>`);
    expect(queue).toContain(`<bdi>${name('missad')}</bdi>`);
    expect(queue).toContain(`<bdi>${reason('missad')}</bdi>`);
    // The care-guarantee summary names the patient with the nearest deadline inside its sentence.
    expect(queue).toContain(`<bdi>${name('ringd')}</bdi>`);
    expectIsolated(queue);

    const live = await fetch(`${s.baseUrl}${consolePaths.queueJson(clinicId)}`, { headers: { cookie } });
    expectIsolated((await live.json()).html);

    const card = await get(consolePaths.call(clinicId, called));
    expect(card).toContain(`<bdi>${reason('ringd')}</bdi>`);
    expect(card).toMatch(new RegExp(`<h1>[^<]*<bdi>${name('ringd')}</bdi>[^<]*</h1>`));
    // <title> cannot hold an element: there the name is isolated as plain text (FSI … PDI), its controls dropped.
    expect(card).toContain(`<title>Samtal med \u2068Anna ringd\u2069 – `);
    expectIsolated(card);

    const atRisk = await get(consolePaths.atRisk(clinicId));
    expect(atRisk).toMatch(new RegExp(`<h2 id="case-${called}" class="case-heading"><bdi>${name('ringd')}</bdi></h2>`));
    expectIsolated(atRisk);
  });
});
