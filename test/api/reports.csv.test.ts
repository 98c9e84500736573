// The CSV export carries every figure of the JSON report, row for row, in a file Excel opens as UTF-8.
// Same data, both formats: each CSV cell is compared with the JSON figure it stands for.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { useTestServer } from '../support/server.js';
import { trackerClinic } from '../support/tracker.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');
const tue = (time: string) => `2027-03-30T${time}:00+02:00`;
const wed = (time: string) => `2027-03-31T${time}:00+02:00`;

/** Columns that say which row it is, not a figure. */
const IDENTITY = ['period', 'from', 'to', 'clinic_id', 'clinic_name'];
const TRAILER = ['guarantee_start', 'today'];

/** The column each scalar figure of the JSON report is written to. */
const SCALAR_COLUMNS: Record<string, string> = {
  'contactSameDay.numerator': 'contact_same_day_numerator',
  'contactSameDay.denominator': 'contact_same_day_denominator',
  'contactSameDay.share': 'contact_same_day_share',
  'contactSameDay.requests': 'requests',
  'contactSameDay.afterCutoff': 'after_cutoff',
  'contactSameDay.closedDay': 'closed_day',
  'contactSameDay.noSameDaySlot': 'no_same_day_slot',
  'contactSameDay.attemptedUnanswered': 'attempted_unanswered',
  'contactSameDay.notCalledSameDay': 'not_called_same_day',
  'contactSameDay.missed': 'missed',
  'contactSameDay.pending': 'contact_same_day_pending',
  'contactSameDay.cancelledBeforeSlot': 'cancelled_before_slot',
  'contactSameDay.patientChoseLaterDay': 'patient_chose_later_day',
  'timeDeviation.callbacksWithAttempt': 'callbacks_with_attempt',
  'timeDeviation.onTime': 'on_time',
  'timeDeviation.early': 'early',
  'timeDeviation.late': 'late',
  'timeDeviation.shareOnTime': 'share_on_time',
  'timeDeviation.shareEarly': 'share_early',
  'timeDeviation.shareLate': 'share_late',
  'timeDeviation.medianAbsMinutes': 'median_abs_deviation_minutes',
  'timeDeviation.p90AbsMinutes': 'p90_abs_deviation_minutes',
  'medicalAssessment.numerator': 'assessment_numerator',
  'medicalAssessment.denominator': 'assessment_denominator',
  'medicalAssessment.share': 'assessment_share',
  'medicalAssessment.rating': 'assessment_rating',
  'medicalAssessment.referenceLines.poorBelow': 'assessment_poor_below',
  'medicalAssessment.referenceLines.excellentAbove': 'assessment_excellent_above',
  'medicalAssessment.cases': 'assessment_cases',
  'medicalAssessment.pending': 'assessment_pending',
  'medicalAssessment.overdue': 'assessment_overdue',
  'medicalAssessment.assessedLate': 'assessed_late',
  'turnedAway.callsReceived': 'calls_received',
  'turnedAway.booked.total': 'booked',
  'turnedAway.booked.phone': 'booked_phone',
  'turnedAway.booked.web': 'booked_web',
  'turnedAway.total': 'turned_away',
  'turnedAway.bookingClosed': 'turned_away_booking_closed',
  'turnedAway.noTimeToday': 'turned_away_no_time_today',
  'turnedAway.noFreeTime': 'turned_away_no_free_time',
  'turnedAway.duplicate': 'turned_away_duplicate',
  'turnedAway.leftWithoutBooking': 'calls_left_without_booking',
  'turnedAway.callsFailed': 'calls_failed',
  'turnedAway.callsAnsweredSameDay': 'calls_answered_same_day',
  'turnedAway.share': 'turned_away_share',
  'turnedAway.contactSameDayShareWithTurnedAway': 'contact_same_day_share_with_turned_away',
  'turnedAway.hiddenQueue': 'hidden_queue',
};

type Leaf = { column: string; value: string | number | boolean | null };

/** Every figure of one JSON figures object, each with the CSV column it belongs in. A figure without a column fails. */
function figureLeaves(f: any): Leaf[] {
  const leaves: Leaf[] = [];
  const scalar = (path: string, value: string | number | boolean | null) => {
    const column = SCALAR_COLUMNS[path];
    if (!column) throw new Error(`the JSON figure ${path} has no CSV column`);
    leaves.push({ column, value });
  };
  for (const [group, figures] of Object.entries<any>(f)) {
    for (const [key, value] of Object.entries<any>(figures)) {
      if (key === 'histogram') {
        for (const b of value) {
          const bin = b.fromMinutes === null ? `under_${b.toMinutes}` : b.toMinutes === null ? `${b.fromMinutes}_and_over` : `${b.fromMinutes}_to_${b.toMinutes}`;
          leaves.push({ column: `deviation_minutes_${bin}`, value: b.count });
        }
      } else if (key === 'byProfession' || key === 'byMode') {
        const prefix = key === 'byProfession' ? 'profession' : 'mode';
        for (const b of value) {
          const name = b.profession ?? b.mode;
          for (const k of ['within', 'late', 'share']) leaves.push({ column: `${prefix}_${name}_${k}`, value: b[k] });
        }
      } else if (key === 'byChannel') {
        // turned_away_phone, turned_away_phone_booking_closed, …: the reason in snake case.
        for (const [channel, counts] of Object.entries<Record<string, number>>(value)) {
          for (const [k, n] of Object.entries(counts)) {
            const reason = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
            leaves.push({ column: k === 'total' ? `turned_away_${channel}` : `turned_away_${channel}_${reason}`, value: n });
          }
        }
      } else if (key === 'exclusions') {
        for (const [reason, n] of Object.entries<number>(value)) leaves.push({ column: `excluded_${reason}`, value: n });
      } else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries<any>(value)) scalar(`${group}.${key}.${k}`, v);
      } else {
        scalar(`${group}.${key}`, value);
      }
    }
  }
  return leaves;
}

/** A JSON value as the CSV writes it: shares with four decimals, nothing for null. */
const cell = (v: string | number | boolean | null) => (v === null ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v));

describe('GET /api/reports/measures.csv', () => {
  it('starts with a UTF-8 byte order mark and carries every figure of the JSON report, per period and per clinic', async () => {
    const s = server();
    s.clock.set(tue('08:00'));
    const room = { capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity: 10 }] };
    const aby = await trackerClinic(s, { name: 'Vårdcentralen Åby', ...room });
    const koping = await trackerClinic(s, { name: 'Vårdcentralen Köping, Väst', ...room });

    // Tuesday at Åby: five patients at 08:00 (slot 08:15) and one after the cut-off (slot 16:15).
    const [b1, b2, b3, b4, b5] = await Promise.all(Array.from({ length: 5 }, () => aby.book()));
    s.clock.set(tue('16:05'));
    const b6 = await aby.book();
    await aby.call(b3!.id, tue('08:05'), true); // −10 early
    await aby.call(b1!.id, tue('08:20'), true); // +5 on time
    await aby.call(b4!.id, tue('08:15'), false); // 0, not answered
    await aby.call(b5!.id, tue('08:45'), true); // +30 late
    await aby.call(b2!.id, tue('08:55'), true); // +40 late
    await aby.call(b6.id, tue('16:20'), true); // +5, after the cut-off
    s.clock.set(tue('17:00'));
    await aby.outcome(b1!.id, 'new_problem', 'nurse'); // assessed in the call: day 0, phone
    await aby.outcome(b2!.id, 'worsening');
    await aby.outcome(b3!.id, 'new_problem');
    await aby.outcome(b5!.id, 'worsening');
    await aby.outcome(b6.id, 'new_problem'); // left open: overdue once 2 April has passed

    // Wednesday: one more at Åby (left open, pending until 3 April), two at Köping.
    s.clock.set(wed('08:00'));
    const b7 = await aby.book();
    const [k1] = await Promise.all([koping.book(), koping.book()]); // the second is never called
    await aby.call(b7.id, wed('08:30'), true); // +15
    await koping.call(k1!.id, wed('08:20'), true); // +5
    s.clock.set(wed('10:00'));
    await aby.outcome(b7.id, 'new_problem');
    await koping.outcome(k1!.id, 'worsening');
    expect((await aby.assess(b2!.id, { assessedAt: wed('10:00'), profession: 'doctor', mode: 'visit' })).status).toBe(200);
    expect((await aby.exclude(b5!.id, 'medically_motivated_wait')).status).toBe(200);

    // Saturday 3 April: the psychologist's video call is day 4, late; Köping's doctor phoned on day 2.
    s.clock.set('2027-04-03T12:00:00+02:00');
    expect((await aby.assess(b3!.id, { assessedAt: '2027-04-03T10:00:00+02:00', profession: 'psychologist', mode: 'video' })).status).toBe(200);
    expect((await koping.assess(k1!.id, { assessedAt: '2027-04-02T09:00:00+02:00', profession: 'doctor', mode: 'phone' })).status).toBe(200);

    const query = `clinics=${aby.clinicId},${koping.clinicId}&from=2027-03-30&to=2027-03-31&groupBy=day`;
    const region = await s.addStaff('manager', [aby.clinicId, koping.clinicId]);
    const report = (await s.request('GET', `/api/reports/measures?${query}`, { headers: { Authorization: region } })).body;
    // The data exercise what the CSV must carry: several professions and modes, a spread histogram, every case state.
    expect(report.total.medicalAssessment).toMatchObject({ cases: 7, pending: 1, overdue: 1, assessedLate: 1, exclusions: { medically_motivated_wait: 1 } });
    expect(report.total.medicalAssessment.byProfession.map((b: any) => b.profession)).toEqual(['doctor', 'nurse', 'psychologist']);
    expect(report.total.timeDeviation.histogram.filter((b: any) => b.count > 0).length).toBeGreaterThanOrEqual(4);

    const res = await fetch(`${s.baseUrl}/api/reports/measures.csv?${query}`, { headers: { Authorization: region } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);

    // One well-formed table: unique column names, every row as wide as the header.
    expect(new Set(header).size).toBe(header!.length);
    for (const row of rows) expect(row).toHaveLength(header!.length);
    expect(header!.slice(0, IDENTITY.length)).toEqual(IDENTITY);
    expect(header!.slice(-TRAILER.length)).toEqual(TRAILER);
    const records = rows.map((r) => Object.fromEntries(r.map((v, i) => [header![i]!, v])));

    // Rows: each day for the whole scope, the scope's total, then each clinic over the range.
    const expectedRows = [
      ...report.periods.map((p: any) => ({ id: [p.period, p.from, p.to, 'all', ''], figures: p })),
      { id: ['total', '2027-03-30', '2027-03-31', 'all', ''], figures: report.total },
      ...report.clinics.map((c: any) => ({ id: ['total', '2027-03-30', '2027-03-31', c.clinicId, c.name], figures: c })),
    ];
    expect(records.map((r) => IDENTITY.map((k) => r[k]))).toEqual(expectedRows.map((e) => e.id));
    expect(records.map((r) => r.clinic_name)).toContain('Vårdcentralen Köping, Väst');

    const figureColumns = header!.slice(IDENTITY.length, -TRAILER.length);
    expectedRows.forEach(({ figures }, i) => {
      const { period, from, to, clinicId, name, ...only } = figures;
      const expected = Object.fromEntries(figureLeaves(only).map((l) => [l.column, cell(l.value)]));
      const record = records[i]!;
      // Every JSON figure is in its column with its value...
      for (const [column, value] of Object.entries(expected)) expect(record[column], `${record.period} ${record.clinic_id} ${column}`).toBe(value);
      // ...and every other figure column is a breakdown the JSON leaves out because it is empty.
      for (const column of figureColumns.filter((c) => !(c in expected))) {
        expect(column).toMatch(/^profession_[a-z_]+_(within|late|share)$/);
        expect(record[column]).toBe(column.endsWith('_share') ? '' : '0');
      }
      expect([record.guarantee_start, record.today]).toEqual(['contact', '2027-04-03']);
    });
  });
});
