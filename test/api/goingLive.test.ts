// docs/operations.md "Going live", followed on an empty database with no demo data: the first admin from the command
// line, then only the API: clinics and staff imported from CSV, a booking number, a patient's booking at an imported
// clinic, the nurse's queue, the manager's report, the national file by HSA-id. If a step in the document stops working, this fails.
import { describe, expect, it } from 'vitest';
import { runStaffCommand } from '../../src/cli/staffCommands.js';
import { useTestServer } from '../support/server.js';

// Monday 1 March 2027, 07:30 in Stockholm: a region's first morning.
const server = useTestServer('2027-03-01T07:30:00+01:00');

const csvPost = (path: string, token: string, csv: string) =>
  fetch(`${server().baseUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

describe('going live on an empty database', () => {
  it('takes a region from no clinics to a patient’s callback in a nurse’s queue through the steps the document gives', async () => {
    const s = server();
    expect((await s.request('GET', '/api/clinics')).body).toEqual({ clinics: [] });

    // Step 3: the first admin, on the server.
    const printed = await runStaffCommand(s.db, s.clock, { kind: 'create', role: 'admin', clinics: ['all'], name: 'Regionens administratör', phoneE164: null, days: 90 });
    const admin = /cbs_\S+/.exec(printed)![0];
    const auth = { Authorization: `Bearer ${admin}` };

    // Step 4: the health centres, as Swedish Excel saves them (BOM, ;), checked first.
    const clinics = [
      '\uFEFFid;namn;hsa-id;ort;kommun;driftsform;telefon;platser per tid;tar emot bokningar',
      'vc-kungsor;Vårdcentralen Kungsör;SE2321000016-15CQ;Kungsör;Kungsör;offentlig;0227-123 40;3;ja',
      'vc-koping;Vårdcentralen Köping;SE2321000016-16AB;Köping;Köping;privat;0221-123 45;2;ja',
      'vc-arboga;Vårdcentralen Arboga;SE2321000016-17XY;Arboga;Arboga;offentlig;;;nej',
    ].join('\r\n');
    const plan = await csvPost('/api/admin/clinics/import?dryRun=true', admin, clinics);
    expect(plan.body).toMatchObject({ applied: false, counts: { create: 3, refused: 0 } });
    const imported = await csvPost('/api/admin/clinics/import', admin, clinics);
    expect(imported.body).toMatchObject({ applied: true, counts: { create: 3 } });
    const listed = (await s.request('GET', '/api/clinics')).body.clinics;
    expect(listed.map((c: any) => [c.id, c.hsaId, c.town, c.status]).sort()).toEqual([
      ['vc-arboga', 'SE2321000016-17XY', 'Arboga', 'paused'],
      ['vc-koping', 'SE2321000016-16AB', 'Köping', 'open'],
      ['vc-kungsor', 'SE2321000016-15CQ', 'Kungsör', 'open'],
    ]);

    // Step 5: the staff list; each token comes back once.
    const staff = await csvPost(
      '/api/admin/staff/import',
      admin,
      ['hsa-id;namn;roll;vårdcentraler;telefon', 'SE2321000016-N001;Anna Andersson;sjuksköterska;vc-kungsor;070-123 45 67', 'SE2321000016-M001;Märta Chef;chef;vc-kungsor vc-koping;'].join('\n'),
    );
    expect(staff.body.counts).toMatchObject({ create: 2 });
    const [nurse, manager] = staff.body.created.map((c: any) => ({ Authorization: `Bearer ${c.token}` }));

    // Step 6: the phone line of one clinic, and the voice_start URL for 46elks.
    const phone = await s.request('PUT', '/api/staff/clinics/vc-kungsor/telephony', {
      headers: auth,
      body: { bookingNumbers: ['0227-123 00'], fallbackPhone: '0227-123 40', dialAgentFirst: false, callerId: null },
    });
    expect(phone.status, JSON.stringify(phone.body)).toBe(200);
    expect((await s.request('GET', '/api/staff/clinics/vc-kungsor/telephony', { headers: auth })).body.voiceStartUrl).toMatch(/\/api\/telephony\/46elks\/clinics\/vc-kungsor\//);

    // Step 9: the first booking, at 07:30 for the earliest free time today, seen in the queue when it is due.
    const booked = await s.request('POST', '/api/clinics/vc-kungsor/callbacks', { body: { phone: '070-987 65 43', name: 'Första Patient' } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect((await s.request('POST', '/api/clinics/vc-arboga/callbacks', { body: { phone: '070-987 65 44' } })).status).toBeGreaterThanOrEqual(400);
    s.clock.set(booked.body.slot.start);
    const queue = await s.request('GET', '/api/staff/clinics/vc-kungsor/queue', { headers: nurse });
    expect(queue.body.entries.map((e: any) => [e.id, e.name])).toEqual([[booked.body.id, 'Första Patient']]);
    const report = await s.request('GET', '/api/reports/measures?from=2027-03-01&to=2027-03-01', { headers: manager });
    expect(report.status).toBe(200);
    expect(report.body.clinics.map((c: any) => c.clinicId).sort()).toEqual(['vc-koping', 'vc-kungsor']);

    // Step 7: when March closes, its national file names the units by HSA-id, as CSV and XLSX.
    s.clock.set('2027-04-01T03:00:00+02:00');
    expect(await s.services.national.produce()).toEqual({ month: '2027-03', created: true });
    const file = await fetch(`${s.baseUrl}/api/reports/national/2027-03`, { headers: auth });
    const csv = await file.text();
    expect(csv).toContain('SE2321000016-15CQ');
    expect(csv).not.toContain('vc-kungsor');
    expect((await fetch(`${s.baseUrl}/api/reports/national/2027-03.xlsx`, { headers: auth })).status).toBe(200);
  });
});
