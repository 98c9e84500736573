// The region's admin adds, changes, closes and imports health centres through the API, without SQL: validated
// (HSA-id, rule 1, no booked place lost), unique ids and HSA-ids, only for admins, audited, and an import that
// plans first, refuses a bad file whole naming its lines, and changes nothing the second time.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer, type TestServer } from '../support/server.js';

// Tuesday 30 March 2027, 08:00 in Stockholm.
const server = useTestServer('2027-03-30T08:00:00+02:00');

const WEEKDAYS_3_PLACES = [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 3 }];
const fields = (res: { body: any }) => (res.body.error.details.fields as { field: string }[]).map((f) => f.field);
/** A clinic id and an HSA-id no other test uses. */
const fresh = () => {
  const n = randomUUID().replace(/\D/g, '').padEnd(10, '7').slice(0, 10);
  return { id: `vc-adm-${randomUUID().slice(0, 8)}`, hsaId: `SE${n}-E${randomUUID().slice(0, 6).toUpperCase()}` };
};

async function regionAdmin(s: TestServer) {
  return { Authorization: await s.addStaff('admin', 'all') };
}

function importCsv(s: TestServer, auth: Record<string, string>, csv: string, dryRun: boolean, path = '/api/admin/clinics/import') {
  return fetch(`${s.baseUrl}${path}?dryRun=${dryRun}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv; charset=utf-8' }, body: csv }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as any }),
  );
}

describe('POST /api/admin/clinics', () => {
  it('adds a clinic a patient can book at at once, its HSA-id upper-cased, hours defaulting to rule 1, audited', async () => {
    const s = server();
    const admin = await regionAdmin(s);
    const { id, hsaId } = fresh();
    const res = await s.request('POST', '/api/admin/clinics', {
      headers: admin,
      body: { id, name: 'Vårdcentralen Köping', hsaId: hsaId.toLowerCase(), town: 'Köping', municipality: 'Köping', ownership: 'public', phone: '0221-123 45', capacityRules: WEEKDAYS_3_PLACES },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id, hsaId, town: 'Köping', phone: '+46221' + '12345', status: 'open', referral: null, slotMinutes: 15 });
    expect(res.body.bookingWindow['1']).toEqual({ open: '06:00', close: '17:00' });
    expect(res.body.bookingWindow['6']).toBeUndefined();

    const listed = (await s.request('GET', '/api/clinics')).body.clinics.find((c: { id: string }) => c.id === id);
    expect(listed).toMatchObject({ name: 'Vårdcentralen Köping', hsaId, town: 'Köping', status: 'open' });
    const booked = await s.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone: '0701234567' } });
    expect(booked.status).toBe(201);
    const audit = await s.db.query("SELECT action FROM audit_events WHERE clinic_id = $1 AND action = 'clinic.created'", [id]);
    expect(audit.rows).toHaveLength(1);
  });

  it('refuses an id or HSA-id already taken (409), a bad HSA-id, hours short of rule 1 and no capacity, naming the field', async () => {
    const s = server();
    const admin = await regionAdmin(s);
    const first = fresh();
    expect((await s.request('POST', '/api/admin/clinics', { headers: admin, body: { ...first, name: 'A', capacityRules: WEEKDAYS_3_PLACES } })).status).toBe(201);

    const sameId = await s.request('POST', '/api/admin/clinics', { headers: admin, body: { id: first.id, name: 'B', capacityRules: WEEKDAYS_3_PLACES } });
    expect([sameId.status, sameId.body.error.code]).toEqual([409, 'clinic_exists']);
    const sameHsa = await s.request('POST', '/api/admin/clinics', { headers: admin, body: { id: fresh().id, name: 'C', hsaId: first.hsaId, capacityRules: WEEKDAYS_3_PLACES } });
    expect([sameHsa.status, sameHsa.body.error.code]).toEqual([409, 'hsa_id_taken']);

    const badHsa = await s.request('POST', '/api/admin/clinics', { headers: admin, body: { id: fresh().id, name: 'D', hsaId: 'SE123-X', capacityRules: WEEKDAYS_3_PLACES } });
    expect([badHsa.status, fields(badHsa)]).toEqual([400, ['body.hsaId']]);
    const shortDay = await s.request('POST', '/api/admin/clinics', {
      headers: admin,
      body: { id: fresh().id, name: 'E', bookingWindow: { '1': { open: '07:00', close: '17:00' } }, capacityRules: WEEKDAYS_3_PLACES },
    });
    expect(shortDay.status).toBe(400);
    expect(fields(shortDay)).toContain('body.bookingWindow.1');
    const noCapacity = await s.request('POST', '/api/admin/clinics', { headers: admin, body: { id: fresh().id, name: 'F' } });
    expect([noCapacity.status, fields(noCapacity)]).toEqual([400, ['body.capacityRules']]);
  });

  it('is for region-wide admins only: a clinic’s admin, a manager and a nurse get 403, written to the audit trail', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    for (const role of ['admin', 'manager', 'nurse'] as const) {
      const auth = await s.addStaff(role, [clinicId]);
      const res = await s.request('POST', '/api/admin/clinics', { headers: { Authorization: auth }, body: { id: fresh().id, name: 'X', capacityRules: WEEKDAYS_3_PLACES } });
      expect([role, res.status, res.body.error.code]).toEqual([role, 403, 'forbidden']);
    }
    const denied = await s.db.query<any>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied' AND request = 'POST /api/admin/clinics'");
    expect(denied.rows[0].n).toBeGreaterThanOrEqual(3);
  });
});

describe('PATCH /api/admin/clinics/{clinicId}', () => {
  it('changes the record, pauses, closes with a referral and reopens; a closed clinic stays listed and reported', async () => {
    const s = server();
    const admin = await regionAdmin(s);
    const { id } = fresh();
    await s.request('POST', '/api/admin/clinics', { headers: admin, body: { id, name: 'Vårdcentralen Arboga', capacityRules: WEEKDAYS_3_PLACES } });
    const patch = (body: unknown) => s.request('PATCH', `/api/admin/clinics/${id}`, { headers: admin, body });

    const renamed = await patch({ town: 'Arboga', municipality: 'Arboga', phone: null });
    expect(renamed.body).toMatchObject({ name: 'Vårdcentralen Arboga', town: 'Arboga', status: 'open' });

    const paused = await patch({ status: 'paused' });
    expect(paused.body.status).toBe('paused');

    const noReferral = await patch({ status: 'closed' });
    expect([noReferral.status, fields(noReferral)]).toEqual([400, ['body.referral']]);
    const closed = await patch({ status: 'closed', referral: 'Vårdcentralen Köping, 0221-123 45, eller 1177' });
    expect(closed.body).toMatchObject({ status: 'closed', referral: 'Vårdcentralen Köping, 0221-123 45, eller 1177' });
    const listed = (await s.request('GET', '/api/clinics')).body.clinics.find((c: { id: string }) => c.id === id);
    expect(listed).toMatchObject({ status: 'closed', referral: 'Vårdcentralen Köping, 0221-123 45, eller 1177' });
    const report = await s.request('GET', `/api/reports/measures?from=2027-03-01&to=2027-03-30&clinics=${id}`, { headers: admin });
    expect(report.status).toBe(200);

    const reopened = await patch({ status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', referral: null });
    const audit = await s.db.query<any>("SELECT detail FROM audit_events WHERE clinic_id = $1 AND action = 'clinic.changed' ORDER BY id", [id]);
    expect(audit.rows.map((r: { detail: { fields: string[] } }) => r.detail.fields)).toEqual([['town', 'municipality', 'phone'], ['status'], ['status'], ['status']]);
  });

  it('refuses a capacity that would lose a booked place, and an empty change; a clinic’s own admin may change it, another’s not', async () => {
    const s = server();
    const region = await regionAdmin(s);
    const { id } = fresh();
    await s.request('POST', '/api/admin/clinics', { headers: region, body: { id, name: 'Vårdcentralen Kolsva', capacityRules: WEEKDAYS_3_PLACES } });
    expect((await s.request('POST', `/api/clinics/${id}/callbacks`, { body: { phone: '0701234567', slotStart: '2027-03-30T10:00:00+02:00' } })).status).toBe(201);

    const own = { Authorization: await s.addStaff('admin', [id]) };
    const lost = await s.request('PATCH', `/api/admin/clinics/${id}`, { headers: own, body: { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 0 }] } });
    expect(lost.status).toBe(400);
    expect(lost.body.error.details.fields[0]).toMatchObject({ field: 'body.capacityRules', code: 'slot_would_vanish' });
    const empty = await s.request('PATCH', `/api/admin/clinics/${id}`, { headers: own, body: {} });
    expect(empty.status).toBe(400);
    expect((await s.request('PATCH', `/api/admin/clinics/${id}`, { headers: own, body: { slotMinutes: 15 } })).status).toBe(200);

    const other = { Authorization: await s.addStaff('admin', [await s.addClinic()]) };
    expect((await s.request('PATCH', `/api/admin/clinics/${id}`, { headers: other, body: { town: 'X' } })).status).toBe(403);
  });
});

describe('POST /api/admin/clinics/import', () => {
  const header = 'id;namn;hsa-id;ort;kommun;driftsform;telefon;platser per tid;tar emot bokningar;Enhetstyp';

  it('plans a ;-separated file with a byte order mark, refuses it whole naming the bad lines, imports it fixed, and changes nothing the second time', async () => {
    const s = server();
    const admin = await regionAdmin(s);
    const [a, b, c] = [fresh(), fresh(), fresh()];
    const bad = [
      `\uFEFF${header}`,
      `${a.id};Vårdcentralen Norr;${a.hsaId};Västerås;Västerås;offentlig;021-10 20 30;4;ja;VC`,
      `${b.id};Vårdcentralen Söder;SE12-X;Västerås;Västerås;privat;;2;ja;VC`,
      `${c.id};"Vårdcentralen Öst; filial";${c.hsaId};Västerås;Västerås;offentlig;;;nej;VC`,
      `${a.id};Dubblett;;;;;;3;ja;VC`,
    ].join('\r\n');

    const dry = await importCsv(s, admin, bad, true);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ applied: false, counts: { create: 2, update: 0, unchanged: 0, refused: 2 }, ignoredColumns: ['Enhetstyp'] });
    expect(dry.body.lines.map((l: any) => [l.line, l.action])).toEqual([[2, 'create'], [3, 'refused'], [4, 'create'], [5, 'refused']]);
    expect(dry.body.lines[1].issues).toEqual([{ column: 'hsa-id', message: expect.stringContaining('must be an HSA-id') }]);
    expect(dry.body.lines[3].issues[0]).toMatchObject({ column: 'id', message: 'is also on line 2: each clinic once' });

    const refused = await importCsv(s, admin, bad, false);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields.map((f: any) => [f.params.line, f.params.column])).toEqual([[3, 'hsa-id'], [5, 'id']]);
    expect((await s.request('GET', `/api/admin/clinics/${a.id}`, { headers: admin })).status).toBe(404); // nothing half-imported

    const good = [bad.split('\r\n')[0], bad.split('\r\n')[1], bad.split('\r\n')[2]!.replace('SE12-X', b.hsaId), bad.split('\r\n')[3]].join('\r\n');
    const applied = await importCsv(s, admin, good, false);
    expect(applied.body).toMatchObject({ applied: true, counts: { create: 3, update: 0, unchanged: 0, refused: 0 } });
    const norr = (await s.request('GET', `/api/admin/clinics/${a.id}`, { headers: admin })).body;
    expect(norr).toMatchObject({ name: 'Vårdcentralen Norr', hsaId: a.hsaId, town: 'Västerås', ownership: 'public', phone: '+462110' + '2030', status: 'open' });
    expect(norr.capacityRules).toEqual([{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 4 }]);
    const ost = (await s.request('GET', `/api/admin/clinics/${c.id}`, { headers: admin })).body;
    expect(ost).toMatchObject({ name: 'Vårdcentralen Öst; filial', status: 'paused', capacityRules: [] });

    const again = await importCsv(s, admin, good, false);
    expect(again.body.counts).toEqual({ create: 0, update: 0, unchanged: 3, refused: 0 });
    const audits = await s.db.query<any>("SELECT count(*)::int AS n FROM audit_events WHERE clinic_id = ANY($1) AND action LIKE 'clinic.%'", [[a.id, b.id, c.id]]);
    expect(audits.rows[0].n).toBe(3);

    // A ,-separated export that moves one clinic to another town: only that line changes.
    const moved = ['id,namn,ort', `${a.id},Vårdcentralen Norr,Skultuna`, `${b.id},Vårdcentralen Söder,Västerås`].join('\n');
    const update = await importCsv(s, admin, moved, false);
    expect(update.body.lines.map((l: any) => [l.action, l.changes])).toEqual([['update', ['town']], ['unchanged', []]]);
  });

  it('refuses a file without an id or name column, one that is not CSV, and imports from anyone but a region-wide admin', async () => {
    const s = server();
    const admin = await regionAdmin(s);
    const noName = await importCsv(s, admin, 'id;ort\nvc-x;Y\n', true);
    expect(noName.status).toBe(400);
    expect(noName.body.error.details.fields[0]).toMatchObject({ code: 'column_missing', params: { line: 1, column: 'namn' } });
    const broken = await importCsv(s, admin, 'id;namn\n"vc-x;Y\n', true);
    expect([broken.status, broken.body.error.details.fields[0].code]).toEqual([400, 'invalid_csv']);
    const clinicAdmin = { Authorization: await s.addStaff('admin', [await s.addClinic()]) };
    expect((await importCsv(s, clinicAdmin, 'id;namn\nvc-x;Y\n', true)).status).toBe(403);
  });

  it('imports one file sent twice at once exactly once: one creates, the other finds it unchanged', async () => {
    const s = server();
    const admin = await regionAdmin(s);
    const clinics = [fresh(), fresh(), fresh(), fresh()];
    const csv = ['id;namn;hsa-id;platser per tid', ...clinics.map((c, i) => `${c.id};Vårdcentral ${i};${c.hsaId};2`)].join('\n');
    const [one, two] = await Promise.all([importCsv(s, admin, csv, false), importCsv(s, admin, csv, false)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect([one.body.counts.create, two.body.counts.create].sort()).toEqual([0, 4]);
    const { rows } = await s.db.query<any>('SELECT count(*)::int AS n FROM clinics WHERE id = ANY($1)', [clinics.map((c) => c.id)]);
    expect(rows[0].n).toBe(4);
  });
});
