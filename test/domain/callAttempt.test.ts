// After a call attempt: reached, retried later the same day, or given up (rules 3 and 4).
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { afterAttempt, callTimeProblem, CLOCK_SKEW_MINUTES, reachedAt } from '../../src/domain/callAttempt.js';
import { clinicRules } from '../../src/domain/clinic.js';

const rules = clinicRules({ id: 'vc-test', name: 'Test' }); // 3 attempts, 10 minutes apart, window 06–17
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const show = (r: ReturnType<typeof afterAttempt>) =>
  r.kind === 'retry' ? { kind: r.kind, dueAt: r.dueAt.setZone('Europe/Stockholm').toISO() } : r;

describe('afterAttempt', () => {
  it('is reached when answered, whatever the attempt number', () => {
    expect(afterAttempt(rules, 3, 'answered', at('2027-03-30T16:59:00+02:00'))).toEqual({ kind: 'reached' });
  });

  it.each(['no_answer', 'busy', 'voicemail'] as const)('retries 10 minutes after %s', (outcome) => {
    expect(show(afterAttempt(rules, 1, outcome, at('2027-03-30T08:20:00+02:00')))).toEqual({
      kind: 'retry',
      dueAt: '2027-03-30T08:30:00.000+02:00',
    });
  });

  it('gives up after the clinic’s last attempt and tells the patient', () => {
    expect(afterAttempt(rules, 3, 'no_answer', at('2027-03-30T08:20:00+02:00'))).toEqual({
      kind: 'unreachable',
      notifyPatient: true,
      reason: 'max_attempts',
    });
    const twoTries = clinicRules({ id: 'vc-test', name: 'Test', maxAttempts: 2 });
    expect(afterAttempt(twoTries, 2, 'busy', at('2027-03-30T08:20:00+02:00')).kind).toBe('unreachable');
  });

  it('retries at 16:59 but not at 17:00, when the booking window closes', () => {
    expect(show(afterAttempt(rules, 1, 'no_answer', at('2027-03-30T16:49:00+02:00')))).toEqual({
      kind: 'retry',
      dueAt: '2027-03-30T16:59:00.000+02:00',
    });
    expect(afterAttempt(rules, 1, 'no_answer', at('2027-03-30T16:50:00+02:00'))).toEqual({
      kind: 'unreachable',
      notifyPatient: true,
      reason: 'booking_window_closed',
    });
  });

  it('follows a clinic’s longer window', () => {
    const late = clinicRules({ id: 'vc-test', name: 'Test', bookingWindow: { '2': { open: '06:00', close: '19:00' }, '1': { open: '06:00', close: '17:00' }, '3': { open: '06:00', close: '17:00' }, '4': { open: '06:00', close: '17:00' }, '5': { open: '06:00', close: '17:00' } } });
    expect(afterAttempt(late, 1, 'no_answer', at('2027-03-30T17:30:00+02:00')).kind).toBe('retry');
  });

  it('ends a wrong number at once, without a message to that number', () => {
    expect(afterAttempt(rules, 1, 'wrong_number', at('2027-03-30T08:20:00+02:00'))).toEqual({
      kind: 'unreachable',
      notifyPatient: false,
      reason: 'wrong_number',
    });
  });
});

describe('callTimeProblem: the time a nurse or the telephone system reports for a call', () => {
  const booked = at('2027-03-30T08:00:00+02:00');
  const now = at('2027-03-30T10:00:00+02:00');

  it(`allows clocks ${CLOCK_SKEW_MINUTES} minutes apart, and no more`, () => {
    expect(CLOCK_SKEW_MINUTES).toBe(2);
    expect(callTimeProblem(at('2027-03-30T10:02:00+02:00'), booked, now)).toBeNull();
    expect(callTimeProblem(at('2027-03-30T10:02:01+02:00'), booked, now)).toBe('must not be more than 2 minutes in the future');
  });

  it('refuses a call before the callback was booked, and takes one at the moment of booking', () => {
    expect(callTimeProblem(at('2027-03-30T07:59:59+02:00'), booked, now)).toBe('must not be before the callback was booked');
    expect(callTimeProblem(booked, booked, now)).toBeNull();
    // The same instant written in UTC is the same instant.
    expect(callTimeProblem(at('2027-03-30T06:00:00Z'), booked, now)).toBeNull();
  });
});

describe('reachedAt: when an attempt reached the patient', () => {
  it('is the moment the call was answered, not when it ended', () => {
    const answered = { startedAt: at('2027-03-25T23:54:40+01:00'), answeredAt: at('2027-03-25T23:55:00+01:00'), outcome: 'answered' };
    expect(reachedAt(answered)?.toISO()).toBe('2027-03-25T23:55:00.000+01:00');
  });

  it('counts an answer the telephone system reported while the call still goes on', () => {
    expect(reachedAt({ startedAt: at('2027-03-25T10:00:00+01:00'), answeredAt: at('2027-03-25T10:00:15+01:00'), outcome: null })?.toISO()).toBe(
      '2027-03-25T10:00:15.000+01:00',
    );
  });

  it('takes the start of an answered attempt logged without an answer time, and null when nobody answered', () => {
    expect(reachedAt({ startedAt: at('2027-03-25T10:00:00+01:00'), answeredAt: null, outcome: 'answered' })?.toISO()).toBe(
      '2027-03-25T10:00:00.000+01:00',
    );
    expect(reachedAt({ startedAt: at('2027-03-25T10:00:00+01:00'), answeredAt: null, outcome: 'busy' })).toBeNull();
    expect(reachedAt({ startedAt: at('2027-03-25T10:00:00+01:00'), answeredAt: null, outcome: null })).toBeNull();
  });

  it('works on epoch milliseconds as the measures use them', () => {
    expect(reachedAt({ startedAt: 1_000, answeredAt: 1_500, outcome: 'answered' })).toBe(1_500);
    expect(reachedAt({ startedAt: 1_000, answeredAt: null, outcome: 'no_answer' })).toBeNull();
  });
});
