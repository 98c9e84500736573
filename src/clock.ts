// The one source of "now". Every rule receives a Clock; nothing reads the system time directly.
import { DateTime } from 'luxon';

export interface Clock {
  /** The current instant, in UTC. Callers convert to the clinic's zone. */
  now(): DateTime;
}

export const systemClock: Clock = { now: () => DateTime.utc() };

/** A clock that starts at `start` and runs forward in real time (APP_NOW demos and black-box tests). */
export function shiftedClock(start: DateTime, real: Clock = systemClock): Clock {
  const realMs = real === systemClock ? Date.now : () => real.now().toMillis();
  const offsetMs = start.toMillis() - realMs();
  // One DateTime per reading: plus() and toUTC() on each cost a cached slot listing 7 % (the benches run on APP_NOW).
  return { now: () => DateTime.fromMillis(realMs() + offsetMs, { zone: 'utc' }) };
}

/** A clock for tests: stands still until moved. */
export interface ManualClock extends Clock {
  set(instant: DateTime | string): void;
  advance(duration: { minutes?: number; seconds?: number; hours?: number; days?: number }): void;
}

export function manualClock(start: DateTime | string): ManualClock {
  let current = toInstant(start);
  return {
    now: () => current,
    set: (instant) => {
      current = toInstant(instant);
    },
    advance: (duration) => {
      current = current.plus(duration);
    },
  };
}

function toInstant(value: DateTime | string): DateTime {
  return (typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }) : value).toUTC();
}
