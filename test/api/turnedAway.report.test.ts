// Rule 13 in the report: calls received, bookings and turned-away attempts (phone rows in incoming_calls as the
// IVR writes them, web refusals through the API) over two clinics and two days, in the JSON report, the
// drill-down, the CSV and the national file. Every expected number is counted by hand in the comments.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

// Tuesday 30 and Wednesday 31 March 2027 (+02:00).
const TUESDAY = '2027-03-30';
const WEDNESDAY = '2027-03-31';
const at = (time: string, date = TUESDAY) => `${date}T${time}:00+02:00`;

const server = useTestServer(at('05:00'));

/** One call to a booking number, as the IVR records it. */
async function call(s: TestServer, clinicId: string, when: string, outcome: string, opts: { callbackId?: string; hidden?: boolean } = {}) {
  await s.db.query(
    `INSERT INTO incoming_calls (call_id, clinic_id, received_at, local_date, caller_hidden, outcome, callback_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $3)`,
    [`c${randomUUID().replace(/-/g, '')}`, clinicId, when, when.slice(0, 10), opts.hidden ?? false, outcome, opts.callbackId ?? null],
  );
}

describe('turned-away callers in the report, drill-down, CSV and national file', () => {
  it('counts calls, bookings and refusals by reason and channel, and flags a good same-day share beside many turned away', async () => {
    const s = server();
    const a = await trackerClinic(s, { name: 'Vårdcentralen Åby' });
    const b = await trackerClinic(s, { name: 'Vårdcentralen Berga' });
    const both = await s.addStaff('manager', [a.clinicId, b.clinicId]);

    // Åby, Tuesday. 05:59: three web patients find booking closed.
    s.clock.set(at('05:59'));
    for (const phone of ['0701111111', '0702222222', '0703333333']) {
      const res = await s.request('POST', `/api/clinics/${a.clinicId}/callbacks`, { body: { phone } });
      expect(res.body.error.code).toBe('booking_closed');
    }
    // 08:00: one web booking, one booked during a call (slots 08:15, two places); both reached at 08:20.
    s.clock.set(at('08:00'));
    const web = await a.book();
    const byPhone = await s.request('POST', `/api/clinics/${a.clinicId}/callbacks`, { body: { phone: '0704444444', channel: 'ivr' } });
    expect(byPhone.status).toBe(201);
    await a.call(web.id, at('08:20'), true);
    await a.call(byPhone.body.id, at('08:20'), true);
    // Tuesday's calls: 1 booked, 10 no time today (one from a hidden number), 5 closed, 1 hung up, 1 failed = 18.
    await call(s, a.clinicId, at('08:00'), 'booked', { callbackId: byPhone.body.id });
    for (let i = 0; i < 10; i++) await call(s, a.clinicId, at(`16:${String(10 + i)}`), 'no_time_today', { hidden: i === 0 });
    for (let i = 0; i < 5; i++) await call(s, a.clinicId, at(`05:${String(10 + i)}`), 'booking_closed');
    await call(s, a.clinicId, at('09:00'), 'answered');
    await call(s, a.clinicId, at('09:01'), 'failed');
    // Wednesday's calls: 1 duplicate, 1 hung up.
    await call(s, a.clinicId, at('07:00', WEDNESDAY), 'duplicate');
    await call(s, a.clinicId, at('07:05', WEDNESDAY), 'answered');

    // Berga: one web booking on Tuesday never called; on Wednesday a web patient finds no time at all.
    s.clock.set(at('09:00'));
    await b.book();
    await s.db.query(`INSERT INTO web_booking_refusals (id, clinic_id, refused_at, local_date, reason) VALUES ($1, $2, $3, $4, 'no_free_time')`, [
      randomUUID(),
      b.clinicId,
      at('10:00', WEDNESDAY),
      WEDNESDAY,
    ]);
    s.clock.set(at('12:00', WEDNESDAY));

    const res = await s.request('GET', `/api/reports/measures?from=${TUESDAY}&to=${WEDNESDAY}&groupBy=day`, { headers: { Authorization: both } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = res.body;
    const clinic = (id: string) => report.clinics.find((c: any) => c.clinicId === id);

    // Åby: 20 calls; bookings 2 (phone 1, web 1); turned away phone 5 + 10 + 1 = 16, web 3 → 19 of 21 attempts.
    // Same day 2 of 2, so the hidden queue is flagged; with the 10 who wanted a time: 2 / 12.
    expect(clinic(a.clinicId).contactSameDay).toMatchObject({ numerator: 2, denominator: 2, share: 1 });
    expect(clinic(a.clinicId).turnedAway).toEqual({
      callsReceived: 20,
      booked: { total: 2, phone: 1, web: 1 },
      total: 19,
      bookingClosed: 8,
      noTimeToday: 10,
      noFreeTime: 0,
      duplicate: 1,
      byChannel: {
        phone: { total: 16, bookingClosed: 5, noTimeToday: 10, noFreeTime: 0, duplicate: 1 },
        web: { total: 3, bookingClosed: 3, noTimeToday: 0, noFreeTime: 0, duplicate: 0 },
      },
      leftWithoutBooking: 2,
      callsFailed: 1,
      callsAnsweredSameDay: 1,
      share: 19 / 21,
      contactSameDayShareWithTurnedAway: 2 / 12,
      hiddenQueue: true,
    });
    // Berga: 1 web booking, 1 web refusal; same day 0 of 1: not flagged (its share says it already).
    expect(clinic(b.clinicId).turnedAway).toMatchObject({
      callsReceived: 0,
      booked: { total: 1, phone: 0, web: 1 },
      total: 1,
      noFreeTime: 1,
      share: 0.5,
      contactSameDayShareWithTurnedAway: 0,
      hiddenQueue: false,
    });
    // Per day, both clinics: Tuesday 18 calls, 3 bookings, 15 + 3 turned away; Wednesday 2 calls, 0 bookings, 1 + 1 turned away.
    expect(report.periods.map((p: any) => [p.period, p.turnedAway.callsReceived, p.turnedAway.booked.total, p.turnedAway.total, p.turnedAway.hiddenQueue])).toEqual([
      [TUESDAY, 18, 3, 18, false],
      [WEDNESDAY, 2, 0, 2, false],
    ]);
    expect(report.total.turnedAway).toMatchObject({ callsReceived: 20, booked: { total: 3, phone: 1, web: 2 }, total: 20, share: 20 / 23 });

    // Drill-down: Åby's 18 refusals on Tuesday, 10 a page, each with time, channel, reason and hidden number, nothing else.
    const drill = (query: string) => s.request('GET', `/api/reports/drilldown?clinics=${a.clinicId}&from=${TUESDAY}&to=${TUESDAY}&${query}`, { headers: { Authorization: a.manager } });
    const first = await drill('figure=turnedAway.total&limit=10');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.records).toHaveLength(10);
    const second = await drill(`figure=turnedAway.total&limit=10&cursor=${first.body.nextCursor}`);
    expect(second.body.records).toHaveLength(8);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.records, ...second.body.records];
    expect(new Set(all.map((r: any) => r.attemptId)).size).toBe(18);
    expect(all.filter((r: any) => r.details.channel === 'web').map((r: any) => r.classification)).toEqual(['booking_closed', 'booking_closed', 'booking_closed']);
    const hidden = all.find((r: any) => r.details.callerHidden === 'yes');
    expect(hidden).toMatchObject({
      callbackId: null,
      clinicId: a.clinicId,
      date: TUESDAY,
      verdict: 'fails',
      classification: 'no_time_today',
      details: { at: at('16:10'), channel: 'phone', callerHidden: 'yes' },
    });
    expect(Object.keys(hidden.details).sort()).toEqual(['at', 'callerHidden', 'channel']);
    // Not one of the callers' numbers, in any form (ids are random hex, so look for the numbers themselves).
    const shown = JSON.stringify(all);
    for (const n of ['1111111', '2222222', '3333333', '4444444']) expect(shown).not.toMatch(new RegExp(`(\\+4670|070)-?${n}`));

    // Narrowed by channel, and the booked call answered the same day.
    expect((await drill('figure=turnedAway.noTimeToday&channel=phone')).body.records).toHaveLength(10);
    expect((await drill('figure=turnedAway.noTimeToday&channel=web')).body.records).toHaveLength(0);
    const answered = await drill('figure=turnedAway.callsAnsweredSameDay');
    expect(answered.body.records.map((r: any) => [r.callbackId, r.verdict])).toEqual([[byPhone.body.id, 'counts']]);
    expect((await drill('figure=contactSameDay.numerator&channel=web')).status).toBe(400);
    expect((await drill('figure=turnedAway.total&cursor=bm90IGEgY3Vyc29y')).status).toBe(400);
    const { rows: audited } = await s.db.query<{ callback_ids: string[] }>(
      `SELECT callback_ids FROM audit_events WHERE action = 'report.drilldown' AND clinic_id = $1 ORDER BY at`,
      [a.clinicId],
    );
    expect(audited.length).toBeGreaterThanOrEqual(5);
    expect(audited.some((r) => r.callback_ids.includes(byPhone.body.id))).toBe(true);

    // CSV: every new figure a column; Åby's row flagged.
    const csv = await s.request('GET', `/api/reports/measures.csv?from=${TUESDAY}&to=${WEDNESDAY}&groupBy=day`, { headers: { Authorization: both } });
    expect(csv.status).toBe(200);
    const [header, ...rows] = parseCsv(csv.body);
    const cell = (row: string[], name: string) => row[header!.indexOf(name)];
    const aby = rows.find((r) => cell(r, 'clinic_id') === a.clinicId)!;
    expect(
      ['calls_received', 'booked', 'booked_phone', 'booked_web', 'turned_away', 'turned_away_booking_closed', 'turned_away_no_time_today', 'turned_away_phone_duplicate', 'turned_away_web_booking_closed', 'calls_left_without_booking', 'calls_failed', 'calls_answered_same_day', 'turned_away_share', 'contact_same_day_share_with_turned_away', 'hidden_queue'].map((n) => cell(aby, n)),
    ).toEqual(['20', '2', '1', '1', '19', '8', '10', '1', '3', '2', '1', '1', '0.9048', '0.1667', 'true']);

    // National file for March, per HSA-id: total calls and calls answered the same day; Åby's 20 calls are published,
    // Berga's none suppressed.
    await s.db.query(`UPDATE clinics SET hsa_id = 'SE2321000016-ABY2' WHERE id = $1`, [a.clinicId]);
    await s.db.query(`UPDATE clinics SET hsa_id = 'SE2321000016-BRG2' WHERE id = $1`, [b.clinicId]);
    s.clock.set('2027-04-01T03:00:00+02:00');
    await s.services.national.produce();
    const national = await s.request('GET', '/api/reports/national/2027-03', { headers: { Authorization: both } });
    expect(national.status).toBe(200);
    const nationalRows = parseCsv(national.body).slice(1);
    const calls = (hsaId: string) => nationalRows.find((r) => r[1] === hsaId && r[4] === 'Telefontillgänglighet')?.slice(9);
    expect(calls('SE2321000016-ABY2')).toEqual(['1', '20', '0.0500', 'Nej']);
    expect(calls('SE2321000016-BRG2')).toEqual(['', '', '', 'Ja']);
  });
});
