// The queue's states and order (ringlistan).
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compareQueueEntries, minutesFromPromise, queueState } from '../../src/domain/callQueue.js';

const t = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const now = t('2027-03-30T08:37:00+02:00');

describe('queueState', () => {
  it.each([
    ['due', null, '2027-03-30T08:15:00+02:00', 'due'],
    ['booked', null, '2027-03-30T08:37:00+02:00', 'due'],
    ['booked', null, '2027-03-30T08:38:00+02:00', 'upcoming'],
    ['claimed', '2027-03-30T08:38:00+02:00', '2027-03-30T08:15:00+02:00', 'claimed'],
    ['claimed', '2027-03-30T08:37:00+02:00', '2027-03-30T08:15:00+02:00', 'due'],
    ['completed', null, '2027-03-30T08:15:00+02:00', null],
    ['cancelled', null, '2027-03-30T08:15:00+02:00', null],
  ] as const)('%s (claim until %s, due %s) is %s at 08:37', (status, claimExpiresAt, dueAt, expected) => {
    expect(queueState({ status, claimExpiresAt: claimExpiresAt ? t(claimExpiresAt) : null, dueAt: t(dueAt) }, now)).toBe(expected);
  });
});

describe('minutesFromPromise', () => {
  it('is positive when late and negative when early, in whole minutes', () => {
    const slot = { start: t('2027-03-30T08:15:00+02:00'), end: t('2027-03-30T08:30:00+02:00') };
    expect(minutesFromPromise({ slot }, now)).toBe(22);
    expect(minutesFromPromise({ slot }, t('2027-03-30T08:10:00+02:00'))).toBe(-5);
  });
});

describe('compareQueueEntries', () => {
  it('puts due before claimed before upcoming; oldest promise first; upcoming by due time', () => {
    const entry = (id: string, state: 'due' | 'claimed' | 'upcoming', slot: string, due: string) => ({
      id,
      state,
      callback: { slot: { start: t(slot), end: t(slot).plus({ minutes: 15 }) }, dueAt: t(due) },
    });
    const entries = [
      entry('up-late', 'upcoming', '2027-03-30T09:00:00+02:00', '2027-03-30T09:00:00+02:00'),
      entry('up-retry', 'upcoming', '2027-03-30T08:00:00+02:00', '2027-03-30T08:45:00+02:00'),
      entry('claimed', 'claimed', '2027-03-30T08:00:00+02:00', '2027-03-30T08:00:00+02:00'),
      entry('due-new', 'due', '2027-03-30T08:30:00+02:00', '2027-03-30T08:30:00+02:00'),
      entry('due-old', 'due', '2027-03-30T08:15:00+02:00', '2027-03-30T08:15:00+02:00'),
    ];
    expect(entries.sort(compareQueueEntries).map((e) => e.id)).toEqual(['due-old', 'due-new', 'claimed', 'up-retry', 'up-late']);
  });
});
