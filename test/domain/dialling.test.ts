// When the app may place a call (rule 4, the clinic's calling hours) and what a 46elks hang-up record says.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { clinicRules } from '../../src/domain/clinic.js';
import { callingHoursOn, diallingRefusal, readHangup } from '../../src/domain/dialling.js';

const rules = clinicRules({ id: 'vc-test', name: 'Test' });
const at = (s: string) => DateTime.fromISO(s, { setZone: true });
const iso = (d: DateTime | null | undefined) => d?.setZone('Europe/Stockholm').toISO({ suppressMilliseconds: true }) ?? null;

describe('diallingRefusal', () => {
  it('allows a call from the promised slot’s start, within the day’s calling hours', () => {
    expect(diallingRefusal(rules, { start: at('2027-03-30T10:15:00+02:00') }, at('2027-03-30T10:15:00+02:00'))).toBeNull();
    expect(diallingRefusal(rules, { start: at('2027-03-30T10:15:00+02:00') }, at('2027-03-30T16:59:59+02:00'))).toBeNull();
  });

  it('refuses a call one second before the slot (rule 4), and allows the clinic’s early tolerance', () => {
    const refusal = diallingRefusal(rules, { start: at('2027-03-30T10:15:00+02:00') }, at('2027-03-30T10:14:59+02:00'));
    expect(refusal?.kind).toBe('before_promised_time');
    expect(iso(refusal?.kind === 'before_promised_time' ? refusal.callableFrom : null)).toBe('2027-03-30T10:15:00+02:00');
    const tolerant = clinicRules({ id: 'vc-test', name: 'Test', earlyToleranceMinutes: 5 });
    expect(diallingRefusal(tolerant, { start: at('2027-03-30T10:15:00+02:00') }, at('2027-03-30T10:10:00+02:00'))).toBeNull();
    expect(diallingRefusal(tolerant, { start: at('2027-03-30T10:15:00+02:00') }, at('2027-03-30T10:09:59+02:00'))?.kind).toBe('before_promised_time');
  });

  it('refuses at the close (17:00) and says calling begins again at 06:00 the next working day', () => {
    const refusal = diallingRefusal(rules, { start: at('2027-03-30T16:45:00+02:00') }, at('2027-03-30T17:00:00+02:00'));
    expect(refusal).toMatchObject({ kind: 'outside_calling_hours' });
    if (refusal?.kind !== 'outside_calling_hours') throw new Error('unreachable');
    expect([iso(refusal.hours?.opens), iso(refusal.hours?.closes), iso(refusal.opensAt)]).toEqual([
      '2027-03-30T06:00:00+02:00',
      '2027-03-30T17:00:00+02:00',
      '2027-03-31T06:00:00+02:00',
    ]);
  });

  it('places no calls on julafton, even for a callback of the day before, and calls again on 27 December', () => {
    // Thursday 23 December's 16:45 slot, still claimed on Friday 24 December (julafton, a Sunday in working life).
    const refusal = diallingRefusal(rules, { start: at('2027-12-23T16:45:00+01:00') }, at('2027-12-24T09:00:00+01:00'));
    expect(refusal).toMatchObject({ kind: 'outside_calling_hours', hours: null });
    if (refusal?.kind !== 'outside_calling_hours') throw new Error('unreachable');
    // 25 and 26 December are a Saturday and a Sunday (and juldagen, annandag jul): Monday 27 December.
    expect(iso(refusal.opensAt)).toBe('2027-12-27T06:00:00+01:00');
    expect(callingHoursOn(rules, '2027-12-24')).toBeNull();
  });

  it('keeps calling hours on the wall clock across the DST switches (the first working day after each)', () => {
    // Summer time began on Sunday 28 March 2027 (Easter Day; Monday is annandag påsk, closed): Tuesday's 06:00 is 04:00Z, not 05:00Z.
    expect(callingHoursOn(rules, '2027-03-29')).toBeNull();
    const spring = callingHoursOn(rules, '2027-03-30')!;
    expect([spring.opens.toUTC().toISO(), spring.closes.toUTC().toISO()]).toEqual(['2027-03-30T04:00:00.000Z', '2027-03-30T15:00:00.000Z']);
    const leftover = { start: at('2027-03-26T10:00:00+01:00') };
    expect(diallingRefusal(rules, leftover, at('2027-03-30T03:59:59Z'))).toMatchObject({ kind: 'outside_calling_hours' });
    expect(diallingRefusal(rules, leftover, at('2027-03-30T04:00:00Z'))).toBeNull();
    // Winter time began on Sunday 31 October 2027: Monday 1 November's 17:00 is 16:00Z.
    expect(diallingRefusal(rules, { start: at('2027-11-01T15:45:00+01:00') }, at('2027-11-01T15:59:59Z'))).toBeNull();
    const closed = diallingRefusal(rules, { start: at('2027-11-01T15:45:00+01:00') }, at('2027-11-01T16:00:00Z'));
    expect(closed?.kind === 'outside_calling_hours' && iso(closed.opensAt)).toBe('2027-11-02T06:00:00+01:00');
  });

  it('places no calls on the DST Sunday itself, naming the next working day’s 06:00 in summer time', () => {
    const refusal = diallingRefusal(rules, { start: at('2027-03-26T16:45:00+01:00') }, at('2027-03-28T10:00:00+02:00'));
    expect(refusal?.kind === 'outside_calling_hours' && iso(refusal.opensAt)).toBe('2027-03-30T06:00:00+02:00');
  });
});

describe('readHangup (46elks whenhangup of an agent-first call)', () => {
  const PATIENT = '+46701234567';
  const base = { id: 'c1', created: '2027-03-30T06:16:00.000000' };

  it('starts the attempt when the nurse answered, answered when the patient’s leg began, ended at start + duration', () => {
    const reading = readHangup(
      {
        ...base,
        start: '2027-03-30T06:16:10.250000',
        duration: '200',
        state: 'success',
        actions: JSON.stringify([{ connect: PATIENT, result: 'success' }]),
        legs: JSON.stringify([{ duration: 180, to: PATIENT, state: 'success', from: '+46101234567' }]),
      },
      PATIENT,
    );
    expect(reading).toMatchObject({ kind: 'dialled', outcome: 'answered' });
    if (reading.kind !== 'dialled') throw new Error('unreachable');
    expect([reading.startedAt.toISO(), reading.answeredAt?.toISO(), reading.endedAt.toISO()]).toEqual([
      '2027-03-30T06:16:10.250Z',
      '2027-03-30T06:16:30.250Z',
      '2027-03-30T06:19:30.250Z',
    ]);
  });

  it('reads a busy leg as busy and a failed one as no answer, without an answer time', () => {
    for (const [state, outcome] of [
      ['busy', 'busy'],
      ['failed', 'no_answer'],
    ] as const) {
      const reading = readHangup(
        { ...base, start: '2027-03-30T06:16:05', duration: '31', actions: JSON.stringify([{ connect: PATIENT, result: state }]), legs: JSON.stringify([{ duration: 0, to: PATIENT, state }]) },
        PATIENT,
      );
      expect(reading).toMatchObject({ kind: 'dialled', outcome, answeredAt: null });
    }
  });

  it('falls back on the connect result when there are no legs', () => {
    const reading = readHangup({ ...base, start: '2027-03-30T06:16:05', duration: '20', actions: JSON.stringify([{ connect: PATIENT, result: 'busy' }]) }, PATIENT);
    expect(reading).toMatchObject({ kind: 'dialled', outcome: 'busy' });
  });

  it('says the patient was never rung when the nurse did not answer, or answered but nothing was connected', () => {
    expect(readHangup({ ...base, state: 'failed', duration: '0', actions: '[]', legs: '[]' }, PATIENT)).toEqual({ kind: 'not_dialled', reason: 'agent_unanswered' });
    expect(readHangup({ ...base, start: '2027-03-30T06:16:05', actions: JSON.stringify([{ hangup: 'reject' }]) }, PATIENT)).toEqual({
      kind: 'not_dialled',
      reason: 'patient_not_dialled',
    });
    expect(readHangup({ ...base, actions: 'not json' }, PATIENT)).toEqual({ kind: 'not_dialled', reason: 'agent_unanswered' });
  });

  // `created` is when the provider began ringing the nurse, before she answered and the patient was rung: an
  // attempt dated from it would start early (up to the nurse's ring time) and could count as a call before the slot.
  it('refuses a connected call without a readable start instead of dating it from created', () => {
    const connected = { ...base, duration: '60', actions: JSON.stringify([{ connect: PATIENT, result: 'success' }]), legs: JSON.stringify([{ duration: 50, to: PATIENT, state: 'success' }]) };
    expect(() => readHangup(connected, PATIENT)).toThrow(/^start: /);
    expect(() => readHangup({ ...connected, start: 'yesterday' }, PATIENT)).toThrow(/^start: /);
    expect(readHangup({ ...connected, start: '2027-03-30T06:16:20' }, PATIENT)).toMatchObject({ kind: 'dialled', outcome: 'answered' });
  });
});
