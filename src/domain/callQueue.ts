// The nurses' call queue (ringlista): which callbacks are waiting, in what order, and how late they are.
import type { DateTime } from 'luxon';
import type { Callback } from './callback.js';

/** due: can be claimed now; claimed: a nurse has it; upcoming: not yet due (calling early breaks the promise). */
export type QueueState = 'due' | 'claimed' | 'upcoming';

/**
 * A claim past its expiry counts as released, and a booked callback past its due time counts as due
 * even before the worker has marked it: the queue never depends on a job having run on time.
 */
export function queueState(c: Pick<Callback, 'status' | 'dueAt' | 'claimExpiresAt'>, now: DateTime): QueueState | null {
  if (c.status === 'claimed') return c.claimExpiresAt && c.claimExpiresAt > now ? 'claimed' : 'due';
  if (c.status === 'due') return 'due';
  if (c.status === 'booked') return c.dueAt <= now ? 'due' : 'upcoming';
  return null;
}

/** Signed minutes from the promised slot start to now: positive is late, negative is early. */
export function minutesFromPromise(c: Pick<Callback, 'slot'>, now: DateTime): number {
  return Math.floor(now.diff(c.slot.start, 'minutes').minutes);
}

const STATE_ORDER: Record<QueueState, number> = { due: 0, claimed: 1, upcoming: 2 };

/** Due and overdue first, oldest promise first; then those other nurses hold; then the upcoming ones by due time. */
export function compareQueueEntries(
  a: { state: QueueState; callback: Pick<Callback, 'slot' | 'dueAt'> },
  b: { state: QueueState; callback: Pick<Callback, 'slot' | 'dueAt'> },
): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    (a.state === 'upcoming'
      ? a.callback.dueAt.toMillis() - b.callback.dueAt.toMillis()
      : a.callback.slot.start.toMillis() - b.callback.slot.start.toMillis())
  );
}
