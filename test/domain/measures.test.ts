// The measures' rules on hand-made callbacks and cases; every expected value is worked out in the test.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { clinicRules } from '../../src/domain/clinic.js';
import {
  caseUrgency,
  classifyCase,
  deadline,
  openCaseState,
  pendingFrom,
  rating,
  type GuaranteeCase,
} from '../../src/domain/guaranteeCase.js';
import { addCallback, addCase, emptyRollup, figures } from '../../src/domain/measureRollup.js';
import {
  absDeviationBucket,
  contactSameDay,
  percentileFromHistogram,
  timeDeviation,
  type MeasuredAttempt,
  type MeasuredCallback,
} from '../../src/domain/measures.js';
import { periodsOf, previousMonth } from '../../src/domain/reportPeriod.js';

const rules = clinicRules({ id: 'vc-test', name: 'Test', dateExceptions: [{ date: '2027-04-07', closed: true, note: 'utbildningsdag' }] });
const t = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toUTC();
const ms = (iso: string) => t(iso).toMillis();

function callback(requestedAt: string, slotStart: string, extra: Partial<MeasuredCallback> = {}): MeasuredCallback {
  const start = ms(slotStart);
  return {
    requestedAt: ms(requestedAt),
    slot: { start, end: start + 15 * 60_000 },
    requestedBeforeCutoff: true,
    sameDaySlotFree: true,
    patientChoseLaterDay: false,
    cancelledAt: null,
    missedAt: null,
    attempts: [],
    ...extra,
  };
}
const answered = (at: string): MeasuredAttempt => ({ startedAt: ms(at), answeredAt: ms(at), outcome: 'answered' });
const noAnswer = (at: string): MeasuredAttempt => ({ startedAt: ms(at), answeredAt: null, outcome: 'no_answer' });

describe('contact the same day (A / B)', () => {
  // Tuesday 30 March 2027, the week after the switch to summer time (+02:00).
  it('counts a request reached at 23:30 the same evening, but not one reached at 00:10 the next day', () => {
    const at2330 = callback('2027-03-30T10:00:00+02:00', '2027-03-30T10:15:00+02:00', { attempts: [answered('2027-03-30T23:30:00+02:00')] });
    const at0010 = callback('2027-03-30T10:00:00+02:00', '2027-03-30T10:15:00+02:00', { attempts: [answered('2027-03-31T00:10:00+02:00')] });
    expect(contactSameDay(rules, at2330)).toBe('reached');
    expect(contactSameDay(rules, at0010)).toBe('not_called_same_day');
  });

  it('counts a call answered and still going on as reached', () => {
    const inCall = callback('2027-03-30T10:00:00+02:00', '2027-03-30T10:15:00+02:00', {
      attempts: [{ startedAt: ms('2027-03-30T10:16:00+02:00'), answeredAt: ms('2027-03-30T10:16:20+02:00'), outcome: null }],
    });
    expect(contactSameDay(rules, inCall)).toBe('reached');
  });

  it('uses the local date, not UTC: 00:30 local is still the day before in UTC', () => {
    // Thursday 25 March 2027 request; reached Friday 00:30 +01:00 = Thursday 23:30 UTC: not the same local day.
    const c = callback('2027-03-25T09:00:00+01:00', '2027-03-25T09:15:00+01:00', { attempts: [answered('2027-03-26T00:30:00+01:00')] });
    expect(contactSameDay(rules, c)).toBe('not_called_same_day');
  });

  it('leaves out requests on holidays, weekends and the clinic’s own closed dates', () => {
    const goodFriday = callback('2027-03-26T09:00:00+01:00', '2027-03-29T09:15:00+02:00');
    expect(contactSameDay(rules, { ...goodFriday, requestedAt: ms('2027-03-26T09:00:00+01:00') })).toBe('closed_day'); // långfredagen
    expect(contactSameDay(rules, callback('2027-06-25T08:00:00+02:00', '2027-06-28T08:15:00+02:00'))).toBe('closed_day'); // midsommarafton
    expect(contactSameDay(rules, callback('2027-12-24T08:00:00+01:00', '2027-12-27T08:15:00+01:00'))).toBe('closed_day'); // julafton
    expect(contactSameDay(rules, callback('2027-04-07T08:00:00+02:00', '2027-04-08T08:15:00+02:00'))).toBe('closed_day'); // clinic closed
  });

  it('takes the cut-off from the booking, and excludes cancellations before the slot and chosen later days', () => {
    const base = ['2027-03-30T15:59:00+02:00', '2027-03-30T16:15:00+02:00'] as const;
    expect(contactSameDay(rules, callback(...base, { attempts: [answered('2027-03-30T16:16:00+02:00')] }))).toBe('reached');
    expect(contactSameDay(rules, callback(...base, { requestedBeforeCutoff: false }))).toBe('after_cutoff');
    expect(contactSameDay(rules, callback(...base, { cancelledAt: ms('2027-03-30T16:10:00+02:00') }))).toBe('cancelled_before_slot');
    // Cancelled after the slot began: still in B, and it failed.
    expect(contactSameDay(rules, callback(...base, { cancelledAt: ms('2027-03-30T16:20:00+02:00') }))).toBe('not_called_same_day');
    expect(contactSameDay(rules, callback(...base, { patientChoseLaterDay: true }))).toBe('chose_later_day');
  });

  it('separates full days from unanswered calls among the failures', () => {
    const full = callback('2027-03-30T15:00:00+02:00', '2027-03-31T08:00:00+02:00', { sameDaySlotFree: false });
    const unanswered = callback('2027-03-30T09:00:00+02:00', '2027-03-30T09:15:00+02:00', {
      attempts: [noAnswer('2027-03-30T09:16:00+02:00'), answered('2027-03-31T08:00:00+02:00')],
    });
    expect(contactSameDay(rules, full)).toBe('no_same_day_slot');
    expect(contactSameDay(rules, unanswered)).toBe('attempted_unanswered');
  });
});

describe('time deviation', () => {
  const slot = '2027-03-30T10:15:00+02:00';
  it('measures from the first attempt, signed, and is on time inside [start, end)', () => {
    const at = (iso: string, extra: MeasuredAttempt[] = []) =>
      timeDeviation(rules, callback('2027-03-30T08:00:00+02:00', slot, { attempts: [...extra, noAnswer(iso)] }));
    expect(at('2027-03-30T10:15:00+02:00')).toEqual({ minutes: 0, punctuality: 'on_time' });
    expect(at('2027-03-30T10:29:59+02:00')).toEqual({ minutes: 14, punctuality: 'on_time' });
    expect(at('2027-03-30T10:30:00+02:00')).toEqual({ minutes: 15, punctuality: 'late' });
    expect(at('2027-03-30T10:14:30+02:00')).toEqual({ minutes: 0, punctuality: 'early' }); // 30 s early: early, 0 whole minutes
    expect(at('2027-03-30T10:05:00+02:00')).toEqual({ minutes: -10, punctuality: 'early' });
    // A later second attempt does not change it: the first attempt counts.
    expect(at('2027-03-30T11:00:00+02:00', [noAnswer('2027-03-30T10:20:00+02:00')])).toEqual({ minutes: 5, punctuality: 'on_time' });
    expect(timeDeviation(rules, callback('2027-03-30T08:00:00+02:00', slot))).toBeNull();
  });

  it('widens on time by the clinic’s tolerances', () => {
    const tolerant = clinicRules({ id: 'vc-tol', name: 'T', earlyToleranceMinutes: 5, lateToleranceMinutes: 10 });
    const at = (iso: string) => timeDeviation(tolerant, callback('2027-03-30T08:00:00+02:00', slot, { attempts: [noAnswer(iso)] }))!.punctuality;
    expect(at('2027-03-30T10:10:00+02:00')).toBe('on_time');
    expect(at('2027-03-30T10:09:59+02:00')).toBe('early');
    expect(at('2027-03-30T10:39:59+02:00')).toBe('on_time');
    expect(at('2027-03-30T10:40:00+02:00')).toBe('late');
  });

  it('counts whole minutes across the autumn DST switch (the repeated hour is 60 real minutes)', () => {
    // Slot Friday 29 Oct 2027 is irrelevant here; take a slot at 01:30 +02:00 on 31 Oct and a call at 02:30 +01:00: 120 minutes.
    const c = callback('2027-10-31T01:00:00+02:00', '2027-10-31T01:30:00+02:00', { attempts: [noAnswer('2027-10-31T02:30:00+01:00')] });
    expect(timeDeviation(rules, c)).toEqual({ minutes: 120, punctuality: 'late' });
  });

  it('takes nearest-rank percentiles: median of 5, 5, 10, 30, 50 is 10 and the 90th percentile 50', () => {
    const histogram = new Array(123).fill(0);
    for (const m of [5, 5, 10, 30, 50]) histogram[absDeviationBucket(m)]++;
    expect(percentileFromHistogram(histogram, 0.5)).toBe(10);
    expect(percentileFromHistogram(histogram, 0.9)).toBe(50);
    expect(percentileFromHistogram(new Array(123).fill(0), 0.5)).toBeNull();
    // Beyond two hours the band's lower bound is reported: 130 → 120, 200 → 180, 795 → 240.
    expect([130, 200, 795].map(absDeviationBucket).map((b) => { const h = new Array(123).fill(0); h[b] = 1; return percentileFromHistogram(h, 0.5); })).toEqual([120, 180, 240]);
  });
});

describe('medical assessment within three days (C / D)', () => {
  const kase = (over: Partial<GuaranteeCase>): GuaranteeCase => ({
    callbackId: 'x',
    clinicId: 'vc-test',
    contactDate: '2027-03-05',
    decisionDate: '2027-03-06',
    status: 'open',
    assessment: null,
    exclusionReason: null,
    ...over,
  });
  const assessedOn = (date: string): GuaranteeCase['assessment'] => ({ at: t(`${date}T10:00:00+01:00`), date, profession: 'doctor', mode: 'visit' });

  it('counts calendar days: contact 5 March, assessed 8 March is within; 9 March fails', () => {
    expect(classifyCase(kase({ status: 'assessed', assessment: assessedOn('2027-03-08') }), 'contact')).toEqual({ start: '2027-03-05', result: 'within', daysToAssessment: 3 });
    expect(classifyCase(kase({ status: 'assessed', assessment: assessedOn('2027-03-09') }), 'contact')).toEqual({ start: '2027-03-05', result: 'late', daysToAssessment: 4 });
  });

  it('counts from the triage decision when the region says so', () => {
    expect(classifyCase(kase({ status: 'assessed', assessment: assessedOn('2027-03-09') }), 'triage_decision')).toEqual({ start: '2027-03-06', result: 'within', daysToAssessment: 3 });
  });

  it('spans the DST switch in calendar days: contact Friday 26 March, assessed Monday 29 March is day 3', () => {
    const c = kase({ contactDate: '2027-03-26', status: 'assessed', assessment: { at: t('2027-03-29T16:00:00+02:00'), date: '2027-03-29', profession: 'nurse', mode: 'phone' } });
    expect(classifyCase(c, 'contact').result).toBe('within');
  });

  it('keeps open cases pending until their deadline has passed, then overdue', () => {
    expect(deadline('2027-03-05')).toBe('2027-03-08');
    expect(openCaseState('2027-03-05', '2027-03-08')).toBe('pending');
    expect(openCaseState('2027-03-05', '2027-03-09')).toBe('overdue');
    expect(caseUrgency('2027-03-05', '2027-03-07')).toBe('upcoming');
    expect(caseUrgency('2027-03-05', '2027-03-08')).toBe('due_today');
    expect(caseUrgency('2027-03-05', '2027-03-09')).toBe('overdue');
    // The SQL filter's form of the same rule agrees with it on every day around the deadline.
    for (const today of ['2027-03-07', '2027-03-08', '2027-03-09']) {
      expect('2027-03-05' >= pendingFrom(today)).toBe(openCaseState('2027-03-05', today) === 'pending');
    }
        // Month end: 29 January + 3 = 1 February.
    expect(deadline('2027-01-29')).toBe('2027-02-01');
  });

  it('rates against the reference lines: below 85 % poor, above 95 % excellent', () => {
    expect([0.849, 0.85, 0.95, 0.951, null].map(rating)).toEqual(['poor', 'acceptable', 'acceptable', 'excellent', null]);
  });

  it('leaves exclusions and pending cases out of D and shows them beside it', () => {
    const r = emptyRollup();
    addCase(r, { result: 'within', profession: 'doctor', mode: 'visit', exclusionReason: null });
    addCase(r, { result: 'within', profession: 'nurse', mode: 'phone', exclusionReason: null });
    addCase(r, { result: 'late', profession: 'doctor', mode: 'video', exclusionReason: null });
    addCase(r, { result: 'open', profession: null, mode: null, exclusionReason: null }); // overdue
    addCase(r, { result: 'open', profession: null, mode: null, exclusionReason: null }); // pending
    addCase(r, { result: 'excluded', profession: null, mode: null, exclusionReason: 'medically_motivated_wait' });
    const m = figures(r, 1).medicalAssessment;
    // C = 2 within; D = 2 within + 1 late + 1 overdue = 4.
    expect(m).toMatchObject({ numerator: 2, denominator: 4, share: 0.5, rating: 'poor', pending: 1, overdue: 1, assessedLate: 1, cases: 6 });
    expect(m.exclusions).toEqual({ patient_chose_later: 0, medically_motivated_wait: 1, not_covered: 0 });
    expect(m.byProfession).toEqual([
      { profession: 'doctor', within: 1, late: 1, share: 0.5 },
      { profession: 'nurse', within: 1, late: 0, share: 1 },
    ]);
    expect(m.byMode).toEqual([
      { mode: 'visit', within: 1, late: 0, share: 1 },
      { mode: 'video', within: 0, late: 1, share: 0 },
      { mode: 'phone', within: 1, late: 0, share: 1 },
    ]);
  });
});

describe('the rollup and the reports built from it', () => {
  it('adds up contact the same day with its side figures', () => {
    const r = emptyRollup();
    for (const c of ['reached', 'reached', 'no_same_day_slot', 'attempted_unanswered', 'after_cutoff', 'cancelled_before_slot'] as const) {
      addCallback(r, c, null);
    }
    // B = 2 reached + 1 full day + 1 unanswered = 4; A = 2.
    expect(figures(r, 0).contactSameDay).toMatchObject({ numerator: 2, denominator: 4, share: 0.5, requests: 6, afterCutoff: 1, cancelledBeforeSlot: 1, noSameDaySlot: 1, attemptedUnanswered: 1 });
  });

  it('groups a range into clipped periods: ISO weeks start Monday, months end on their last day', () => {
    expect(periodsOf({ from: '2027-01-29', to: '2027-02-02', groupBy: 'week' })).toEqual([
      { label: '2027-W04', from: '2027-01-29', to: '2027-01-31' },
      { label: '2027-W05', from: '2027-02-01', to: '2027-02-02' },
    ]);
    expect(periodsOf({ from: '2027-01-15', to: '2027-03-01', groupBy: 'month' }).map((p) => [p.label, p.from, p.to])).toEqual([
      ['2027-01', '2027-01-15', '2027-01-31'],
      ['2027-02', '2027-02-01', '2027-02-28'],
      ['2027-03', '2027-03-01', '2027-03-01'],
    ]);
  });

  it('makes the national file on the 1st for the month before, across the turn of the year', () => {
    expect(previousMonth('2027-01-01')).toEqual({ month: '2026-12', from: '2026-12-01', to: '2026-12-31' });
    expect(previousMonth('2028-03-01')).toEqual({ month: '2028-02', from: '2028-02-01', to: '2028-02-29' });
  });
});
