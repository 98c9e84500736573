// The groups national follow-up breaks results down by (Socialstyrelsen's follow-up of nära vård: sex, age), read
// from the personal identity number when one was given. Nothing else of the number is kept in a breakdown.
import { DateTime } from 'luxon';

export const SEXES = ['female', 'male', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export const AGE_GROUPS = ['0-17', '18-64', '65-79', '80+', 'unknown'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

/**
 * Sex as the personnummer records it: the second-to-last digit (of the 12-digit form YYYYMMDDNNNC) is odd for men and
 * even for women; samordningsnummer follow the same rule. 'unknown' when no number was given.
 */
export function sexOf(pin12: string | null): Sex {
  if (!pin12 || !/^\d{12}$/.test(pin12)) return 'unknown';
  return Number(pin12[10]) % 2 === 1 ? 'male' : 'female';
}

/** The birth date in the number; a samordningsnummer has 60 added to the day. Null when there is none. */
export function birthDateOf(pin12: string | null): DateTime | null {
  if (!pin12 || !/^\d{12}$/.test(pin12)) return null;
  const day = Number(pin12.slice(6, 8));
  const date = DateTime.fromObject(
    { year: Number(pin12.slice(0, 4)), month: Number(pin12.slice(4, 6)), day: day > 60 ? day - 60 : day },
    { zone: 'UTC' },
  );
  return date.isValid ? date : null;
}

/** Age in whole years on a local date (ISO yyyy-MM-dd), in the groups 0–17, 18–64, 65–79, 80+. */
export function ageGroupOf(pin12: string | null, onDate: string): AgeGroup {
  const born = birthDateOf(pin12);
  const on = DateTime.fromISO(onDate, { zone: 'UTC' });
  if (!born || !on.isValid || on < born) return 'unknown';
  // Whole years: luxon's diff counts a 29 February birthday's year as ending on 28 February in other years.
  const age = Math.floor(on.diff(born, 'years').years);
  if (age < 18) return '0-17';
  if (age < 65) return '18-64';
  if (age < 80) return '65-79';
  return '80+';
}
