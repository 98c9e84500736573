// A clinic's manager changes its settings through the API: validated by the calendar rules (06:00–17:00 on
// working days), refused for nurses and other clinics' managers, audited, never losing a booked place, and
// followed at once by the slots offered and the reports.
import { describe, expect, it } from 'vitest';
import { trackerClinic } from '../support/tracker.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/staffSignIn.js';

// Tuesday 30 March 2027, 08:00 in Stockholm.
const server = useTestServer('2027-03-30T08:00:00+02:00');

async function settingsOf(s: TestServer, clinicId: string, auth: string) {
  const res = await s.request('GET', `/api/staff/clinics/${clinicId}/settings`, { headers: { Authorization: auth } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const { clinicId: _id, name: _name, timezone: _tz, ...editable } = res.body;
  return editable;
}

const put = (s: TestServer, clinicId: string, auth: string, body: unknown) =>
  s.request('PUT', `/api/staff/clinics/${clinicId}/settings`, { headers: { Authorization: auth }, body });

const fields = (res: { body: any }) => (res.body.error.details.fields as { field: string; message: string }[]).map((f) => f.field);

describe('PUT /api/staff/clinics/{clinicId}/settings', () => {
  it('lets the clinic’s manager change hours, slot length, capacity, dates, tolerances and the duplicate policy, and audits it', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const manager = await s.addStaff('manager', [clinicId]);
    const body = {
      ...(await settingsOf(s, clinicId, manager)),
      bookingWindow: { '1': { open: '06:00', close: '18:00' }, '2': { open: '05:30', close: '17:00' }, '3': { open: '06:00', close: '17:00' }, '4': { open: '06:00', close: '17:00' }, '5': { open: '06:00', close: '17:00' }, '6': { open: '09:00', close: '12:00' } },
      slotMinutes: 20,
      capacityRules: [{ weekdays: [1, 2, 3, 4, 5, 6], from: '05:00', to: '18:00', capacity: 3 }],
      dateExceptions: [
        { date: '2027-04-07', closed: true, capacity: null, note: 'Studiedag' },
        { date: '2027-04-08', closed: false, capacity: 5 },
      ],
      earlyToleranceMinutes: 2,
      lateToleranceMinutes: 5,
      oneOpenCallbackPerCaller: true,
    };
    const res = await put(s, clinicId, manager, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ clinicId, slotMinutes: 20, earlyToleranceMinutes: 2, lateToleranceMinutes: 5, oneOpenCallbackPerCaller: true });
    expect(await settingsOf(s, clinicId, manager)).toEqual({
      ...body,
      dateExceptions: [
        { date: '2027-04-07', closed: true, capacity: null, note: 'Studiedag' },
        { date: '2027-04-08', closed: false, capacity: 5 },
      ],
    });

    const audit = await s.db.query<{ action: string; clinic_id: string }>(
      "SELECT action, clinic_id FROM audit_events WHERE action = 'clinic.settings_changed' AND clinic_id = $1",
      [clinicId],
    );
    expect(audit.rows).toEqual([{ action: 'clinic.settings_changed', clinic_id: clinicId }]);

    // Dropping a date exception removes it; the other stays.
    const again = await put(s, clinicId, manager, { ...body, dateExceptions: [body.dateExceptions[1]] });
    expect(again.status).toBe(200);
    expect(again.body.dateExceptions).toEqual([{ date: '2027-04-08', closed: false, capacity: 5 }]);
  });

  it('refuses booking hours shorter than 06:00–17:00 on a working day, naming the weekday (rule 1), and changes nothing', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const manager = await s.addStaff('manager', [clinicId]);
    const before = await settingsOf(s, clinicId, manager);
    const res = await put(s, clinicId, manager, { ...before, bookingWindow: { ...before.bookingWindow, '3': { open: '07:00', close: '17:00' } }, slotMinutes: 30 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields).toEqual([
      {
        field: 'body.bookingWindow.3',
        message: 'booking must be open at least 06:00–17:00 on every weekday',
        code: 'booking_window_too_short',
        params: { weekday: 3, open: '06:00', close: '17:00' },
      },
    ]);
    const dropped = await put(s, clinicId, manager, { ...before, bookingWindow: { '1': before.bookingWindow['1'] } });
    expect(fields(dropped)).toEqual(['body.bookingWindow.2', 'body.bookingWindow.3', 'body.bookingWindow.4', 'body.bookingWindow.5']);
    expect(await settingsOf(s, clinicId, manager)).toEqual(before);
    const audit = await s.db.query("SELECT 1 FROM audit_events WHERE action = 'clinic.settings_changed' AND clinic_id = $1", [clinicId]);
    expect(audit.rows).toEqual([]);
  });

  it('names each bad field: missing, out of range, reversed time ranges, a date listed twice, unknown fields', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const manager = await s.addStaff('manager', [clinicId]);
    const before = await settingsOf(s, clinicId, manager);
    const { slotMinutes: _omitted, ...withoutSlot } = before;
    expect(fields(await put(s, clinicId, manager, withoutSlot))).toEqual(['body.slotMinutes']);
    expect(fields(await put(s, clinicId, manager, { ...before, lateToleranceMinutes: -1, earlyToleranceMinutes: 'x' }))).toEqual([
      'body.earlyToleranceMinutes',
      'body.lateToleranceMinutes',
    ]);
    expect(fields(await put(s, clinicId, manager, { ...before, capacityRules: [{ weekdays: [1], from: '12:00', to: '10:00', capacity: 1 }] }))).toEqual([
      'body.capacityRules.0',
    ]);
    expect(fields(await put(s, clinicId, manager, { ...before, bookingWindow: { ...before.bookingWindow, '6': { open: '25:00', close: '12:00' } } }))).toEqual([
      'body.bookingWindow.6.open',
    ]);
    const twice = { date: '2027-04-08', closed: true, capacity: null };
    expect(fields(await put(s, clinicId, manager, { ...before, dateExceptions: [twice, twice] }))).toEqual(['body.dateExceptions.1.date']);
    expect(fields(await put(s, clinicId, manager, { ...before, dateExceptions: [{ date: '2027-04-08', closed: false, capacity: null }] }))).toEqual([
      'body.dateExceptions.0',
    ]);
    expect(fields(await put(s, clinicId, manager, { ...before, dateExceptions: [{ date: '2027-02-30', closed: true }] }))).toEqual(['body.dateExceptions.0.date']);
    // The domain's own checks name their problem with a code (and the values it speaks of); zod's shape checks do not.
    const issues = async (body: unknown) => (await put(s, clinicId, manager, body)).body.error.details.fields;
    expect(await issues({ ...before, capacityRules: [{ weekdays: [1], from: '12:00', to: '10:00', capacity: 1 }] })).toEqual([
      { field: 'body.capacityRules.0', message: 'from must be before to', code: 'from_before_to' },
    ]);
    expect(await issues({ ...before, dateExceptions: [twice, twice] })).toEqual([
      { field: 'body.dateExceptions.1.date', message: '2027-04-08 is listed twice', code: 'date_listed_twice', params: { date: '2027-04-08' } },
    ]);
    expect((await issues({ ...before, dateExceptions: [{ date: '2027-04-08', closed: false, capacity: null }] }))[0].code).toBe('closed_or_capacity');
    expect((await issues({ ...before, slotMinutes: 1 }))[0].code).toBeUndefined();
    expect(fields(await put(s, clinicId, manager, { ...before, timezone: 'UTC' }))).toEqual(['body']);
    const notJson = await s.request('PUT', `/api/staff/clinics/${clinicId}/settings`, { headers: { Authorization: manager, 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('malformed_json');
  });

  it('is refused (403) for a nurse and for another clinic’s manager, and audited as denied; 401 without a token', async () => {
    const s = server();
    const clinicId = await s.addClinic();
    const other = await s.addClinic();
    const manager = await s.addStaff('manager', [clinicId]);
    const body = await settingsOf(s, clinicId, manager);
    const nurse = await s.addStaff('nurse', [clinicId]);
    const otherManager = await s.addStaff('manager', [other]);
    for (const auth of [nurse, otherManager]) {
      const res = await put(s, clinicId, auth, body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect((await s.request('GET', `/api/staff/clinics/${clinicId}/settings`, { headers: { Authorization: auth } })).status).toBe(403);
    }
    const denied = await s.db.query("SELECT request FROM audit_events WHERE action = 'access.denied' AND clinic_id = $1 AND request LIKE 'PUT %'", [clinicId]);
    expect(denied.rows.length).toBe(2);
    expect((await s.request('PUT', `/api/staff/clinics/${clinicId}/settings`, { body })).status).toBe(401);
  });

  it('never takes away a booked place: a date’s capacity below its bookings is refused, naming the exception', async () => {
    const s = server();
    const clinic = await trackerClinic(s);
    const slotStart = '2027-03-31T10:00:00+02:00';
    await clinic.book(slotStart);
    await clinic.book(slotStart);
    const before = await settingsOf(s, clinic.clinicId, clinic.manager);

    const tooFew = await put(s, clinic.clinicId, clinic.manager, { ...before, dateExceptions: [{ date: '2027-03-31', closed: false, capacity: 1 }] });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.details.fields).toEqual([
      {
        field: 'body.dateExceptions.0.capacity',
        message: 'the slot 2027-03-31 10:00 has 2 booked patients but would have only 1 place',
        code: 'fewer_places',
        params: { slot: '2027-03-31 10:00', booked: 2, places: 1 },
      },
    ]);
    const closed = await put(s, clinic.clinicId, clinic.manager, { ...before, dateExceptions: [{ date: '2027-03-31', closed: true, capacity: null }] });
    expect(fields(closed)).toEqual(['body.dateExceptions.0.closed']);
    const longer = await put(s, clinic.clinicId, clinic.manager, { ...before, slotMinutes: 20 });
    expect(longer.body.error.details.fields[0].message).toContain('would no longer exist');
    expect(longer.body.error.details.fields[0]).toMatchObject({ code: 'slot_would_vanish', params: { slot: '2027-03-31 10:00', booked: 2 } });

    // Enough places for those booked is fine, and the slot list offers the new ones at once.
    const ok = await put(s, clinic.clinicId, clinic.manager, { ...before, dateExceptions: [{ date: '2027-03-31', closed: false, capacity: 4 }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const slots = await s.request('GET', `/api/clinics/${clinic.clinicId}/slots?from=2027-03-31&to=2027-03-31`);
    const ten = slots.body.slots.find((x: { start: string }) => x.start === slotStart);
    expect(ten).toMatchObject({ capacity: 4, available: 2 });
    expect(slots.body.slots.find((x: { start: string }) => x.start === '2027-03-31T12:15:00+02:00')).toMatchObject({ capacity: 4, available: 4 });
  });

  it('moves the report when a tolerance changes: a call 3 minutes after the slot is late, then on time with 5 minutes’ tolerance', async () => {
    const s = server();
    const clinic = await trackerClinic(s);
    const booking = await clinic.book('2027-03-30T09:00:00+02:00');
    await clinic.call(booking.id, '2027-03-30T09:18:00+02:00', true);
    const query = 'from=2027-03-30&to=2027-03-30&groupBy=day';
    expect((await clinic.report(query)).total.timeDeviation).toMatchObject({ onTime: 0, late: 1 });

    const before = await settingsOf(s, clinic.clinicId, clinic.manager);
    expect((await put(s, clinic.clinicId, clinic.manager, { ...before, lateToleranceMinutes: 5 })).status).toBe(200);
    expect((await clinic.report(query)).total.timeDeviation).toMatchObject({ onTime: 1, late: 0 });
  });

  it('moves the report when a date is closed: requests that day leave contact-the-same-day', async () => {
    const s = server();
    const clinic = await trackerClinic(s);
    s.clock.set('2027-03-30T08:00:00+02:00');
    await clinic.book();
    // The next morning: the 30th's slot has passed, so closing that date takes no booked place.
    s.clock.set('2027-03-31T08:00:00+02:00');
    const query = 'from=2027-03-30&to=2027-03-30&groupBy=day';
    expect((await clinic.report(query)).total.contactSameDay).toMatchObject({ closedDay: 0, denominator: 1 });
    const before = await settingsOf(s, clinic.clinicId, clinic.manager);
    expect((await put(s, clinic.clinicId, clinic.manager, { ...before, dateExceptions: [{ date: '2027-03-30', closed: true, capacity: null }] })).status).toBe(200);
    expect((await clinic.report(query)).total.contactSameDay).toMatchObject({ closedDay: 1, denominator: 0 });
  });
});

describe('the settings page', () => {
  /** The settings form as a manager posts it: weekday hours, one capacity rule, one date exception if given. */
  const settingsForm = (csrf: string, change: { slotMinutes?: string; exception?: { date: string; capacity: string } }) => {
    const form = new URLSearchParams({ _csrf: csrf, slotMinutes: change.slotMinutes ?? '15', rules: '1', early: '0', late: '0', onePerCaller: 'on' });
    for (const day of ['1', '2', '3', '4', '5']) {
      form.append(`open${day}`, '06:00');
      form.append(`close${day}`, '17:00');
      form.append('rule0_wd', day);
    }
    form.append('rule0_from', '06:00');
    form.append('rule0_to', '17:00');
    form.append('rule0_capacity', '2');
    form.append('exceptions', change.exception ? '1' : '0');
    if (change.exception) {
      form.append('ex0_date', change.exception.date);
      form.append('ex0_kind', 'capacity');
      form.append('ex0_capacity', change.exception.capacity);
    }
    return form.toString();
  };

  it('says a booked slot that would vanish or keep fewer places in Swedish and in English, from the issue’s code', async () => {
    const s = server();
    const clinic = await trackerClinic(s);
    await clinic.book('2027-03-31T10:00:00+02:00');
    await clinic.book('2027-03-31T10:00:00+02:00');
    const cookie = await signIn(s, clinic.manager);
    const path = `/personal/vardcentral/${clinic.clinicId}/installningar`;
    const shown = await (await fetch(s.baseUrl + path, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(shown)![1]!;
    const post = async (lang: 'sv' | 'en', body: string) => {
      const res = await fetch(`${s.baseUrl}${path}?lang=${lang}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(res.status).toBe(400);
      return res.text();
    };

    const fewer = settingsForm(csrf, { exception: { date: '2027-03-31', capacity: '1' } });
    expect(await post('sv', fewer)).toContain(
      '<p class="field-error" id="ex0_capacity-error">Telefontiden 2027-03-31 10:00 har 2 bokade patienter men skulle bara få 1 platser.</p>',
    );
    expect(await post('en', fewer)).toContain(
      '<p class="field-error" id="ex0_capacity-error">The slot 2027-03-31 10:00 has 2 booked patients but would have only 1 places.</p>',
    );

    // 20-minute slots: 10:00–10:15 no longer exists.
    const longer = settingsForm(csrf, { slotMinutes: '20' });
    const sv = await post('sv', longer);
    expect(sv).toContain('<a href="#rule0_from">Telefontiden 2027-03-31 10:00 har 2 bokade patienter och skulle försvinna. Flytta eller avboka dem först.</a>');
    expect(sv).not.toContain('would no longer exist');
    expect(await post('en', longer)).toContain(
      '<a href="#rule0_from">The slot 2027-03-31 10:00 has 2 booked patients and would no longer exist. Move or cancel them first.</a>',
    );
  });
});
