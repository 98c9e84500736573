// Rule 2: which Swedish dates are working days (vardagar), before and after a clinic's own exceptions.
import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { clinicDayStatus, nationalDayStatus } from '../../src/domain/calendar.js';
import { DateExceptionSchema } from '../../src/domain/clinic.js';

// Listed by hand from the Swedish calendar (lag 1989:253 om allmänna helgdagar).
// Easter Sunday is 2026-04-05 and 2027-03-28; Kristi himmelsfärd is Easter + 39 days, pingstdagen Easter + 49.
// Midsommardagen is the Saturday 20–26 June; alla helgons dag the Saturday 31 Oct – 6 Nov.
const PUBLIC_HOLIDAYS: Array<[date: string, name: string]> = [
  ['2026-01-01', 'nyårsdagen'], // Thursday
  ['2026-01-06', 'trettondedag jul'], // Tuesday
  ['2026-04-03', 'långfredagen'], // Friday
  ['2026-04-05', 'påskdagen'], // Sunday
  ['2026-04-06', 'annandag påsk'], // Monday
  ['2026-05-01', 'första maj'], // Friday
  ['2026-05-14', 'Kristi himmelsfärdsdag'], // Thursday
  ['2026-05-24', 'pingstdagen'], // Sunday
  ['2026-06-06', 'nationaldagen'], // Saturday
  ['2026-06-20', 'midsommardagen'], // Saturday
  ['2026-10-31', 'alla helgons dag'], // Saturday
  ['2026-12-25', 'juldagen'], // Friday
  ['2026-12-26', 'annandag jul'], // Saturday
  ['2027-01-01', 'nyårsdagen'], // Friday
  ['2027-01-06', 'trettondedag jul'], // Wednesday
  ['2027-03-26', 'långfredagen'], // Friday
  ['2027-03-28', 'påskdagen'], // Sunday (also the DST switch)
  ['2027-03-29', 'annandag påsk'], // Monday
  ['2027-05-01', 'första maj'], // Saturday
  ['2027-05-06', 'Kristi himmelsfärdsdag'], // Thursday
  ['2027-05-16', 'pingstdagen'], // Sunday
  ['2027-06-06', 'nationaldagen'], // Sunday
  ['2027-06-26', 'midsommardagen'], // Saturday
  ['2027-11-06', 'alla helgons dag'], // Saturday (31 Oct 2027 is a Sunday, so the Saturday in 31 Oct–6 Nov is 6 Nov)
  ['2027-12-25', 'juldagen'], // Saturday
  ['2027-12-26', 'annandag jul'], // Sunday
];

// Days Swedish working life treats as Sundays, although a holiday library types them "bank".
const SUNDAY_EQUIVALENTS: Array<[date: string, name: string]> = [
  ['2026-06-19', 'midsommarafton'], // Friday
  ['2026-12-24', 'julafton'], // Thursday
  ['2026-12-31', 'nyårsafton'], // Thursday
  ['2027-06-25', 'midsommarafton'], // Friday
  ['2027-12-24', 'julafton'], // Friday
  ['2027-12-31', 'nyårsafton'], // Friday
];

// Eves and observances that are ordinary working days.
const WORKING_EVES: Array<[date: string, name: string]> = [
  ['2026-01-05', 'trettondagsafton'], // Monday
  ['2026-04-02', 'skärtorsdagen'], // Thursday
  ['2026-04-30', 'valborgsmässoafton'], // Thursday
  ['2026-05-25', 'annandag pingst'], // Monday (a holiday until 2005, now a working day)
  ['2026-10-30', 'allhelgonaafton'], // Friday
  ['2027-01-05', 'trettondagsafton'], // Tuesday
  ['2027-03-25', 'skärtorsdagen'], // Thursday
  ['2027-04-30', 'valborgsmässoafton'], // Friday
  ['2027-05-17', 'annandag pingst'], // Monday
  ['2027-11-05', 'allhelgonaafton'], // Friday
];

describe('nationalDayStatus: Swedish working days (rule 2)', () => {
  it.each(PUBLIC_HOLIDAYS)('closes %s (%s) as a public holiday', (date, name) => {
    expect(nationalDayStatus(date)).toEqual({ working: false, reason: 'public_holiday', name });
  });

  it.each(SUNDAY_EQUIVALENTS)('closes %s (%s) as a day treated as a Sunday', (date, name) => {
    expect(nationalDayStatus(date)).toEqual({ working: false, reason: 'sunday_equivalent', name });
  });

  it.each(WORKING_EVES)('keeps %s (%s) a working day', (date) => {
    expect(nationalDayStatus(date)).toEqual({ working: true });
  });

  it('closes Saturdays and Sundays that are no holiday', () => {
    expect(nationalDayStatus('2027-04-17')).toEqual({ working: false, reason: 'weekend', name: 'lördag' });
    expect(nationalDayStatus('2027-04-18')).toEqual({ working: false, reason: 'weekend', name: 'söndag' });
    expect(nationalDayStatus('2027-10-31')).toEqual({ working: false, reason: 'weekend', name: 'söndag' });
  });

  it('keeps an ordinary Monday to Friday open', () => {
    for (const date of ['2027-04-12', '2027-04-13', '2027-04-14', '2027-04-15', '2027-04-16']) {
      expect(nationalDayStatus(date), date).toEqual({ working: true });
    }
  });

  it('counts only Friday 19–25 June as midsommarafton', () => {
    // 2027-06-18 is the Friday before; 2027-06-24 the Thursday of midsommar week.
    expect(nationalDayStatus('2027-06-18')).toEqual({ working: true });
    expect(nationalDayStatus('2027-06-24')).toEqual({ working: true });
  });

  it('gives 2027 exactly 253 working days', () => {
    // 2027 has 365 days and starts on a Friday: 52 whole weeks (104 weekend days) plus one extra
    // day, 31 December, a Friday. So 365 − 104 = 261 weekdays.
    // Holidays and Sunday-equivalents falling on a weekday in 2027:
    //   nyårsdagen Fri 1 Jan, trettondedag jul Wed 6 Jan, långfredagen Fri 26 Mar,
    //   annandag påsk Mon 29 Mar, Kristi himmelsfärd Thu 6 May, midsommarafton Fri 25 Jun,
    //   julafton Fri 24 Dec, nyårsafton Fri 31 Dec = 8 days.
    // (första maj, nationaldagen, midsommardagen, alla helgons dag, juldagen, annandag jul,
    //  påskdagen and pingstdagen all fall on a Saturday or Sunday in 2027.)
    // 261 − 8 = 253.
    expect(workingDaysIn(2027)).toBe(253);
  });

  it('gives 2026 exactly 251 working days', () => {
    // 2026 starts on a Thursday: 104 weekend days, 261 weekdays (the extra day, 31 Dec, is a Thursday).
    // On weekdays: nyårsdagen Thu 1 Jan, trettondedag jul Tue 6 Jan, långfredagen Fri 3 Apr,
    // annandag påsk Mon 6 Apr, första maj Fri 1 May, Kristi himmelsfärd Thu 14 May,
    // midsommarafton Fri 19 Jun, julafton Thu 24 Dec, juldagen Fri 25 Dec, nyårsafton Thu 31 Dec = 10.
    // 261 − 10 = 251.
    expect(workingDaysIn(2026)).toBe(251);
  });
});

describe('clinicDayStatus: a clinic’s own exceptions', () => {
  it('closes an ordinary weekday the clinic has closed, with its note', () => {
    const exceptions = [DateExceptionSchema.parse({ date: '2027-04-14', closed: true, note: 'Personaldag' })];
    expect(clinicDayStatus('2027-04-14', exceptions)).toEqual({
      working: false,
      reason: 'clinic_closed',
      name: 'Personaldag',
    });
  });

  it('names a clinic closure without a note "closed by the clinic"', () => {
    const exceptions = [DateExceptionSchema.parse({ date: '2027-04-14', closed: true })];
    expect(clinicDayStatus('2027-04-14', exceptions)).toEqual({
      working: false,
      reason: 'clinic_closed',
      name: 'closed by the clinic',
    });
  });

  it('keeps a date open when the exception only changes its capacity', () => {
    const exceptions = [DateExceptionSchema.parse({ date: '2027-04-14', capacity: 1 })];
    expect(clinicDayStatus('2027-04-14', exceptions)).toEqual({ working: true });
  });

  it('leaves other dates to the national calendar', () => {
    const exceptions = [DateExceptionSchema.parse({ date: '2027-04-14', closed: true })];
    expect(clinicDayStatus('2027-04-15', exceptions)).toEqual({ working: true });
    expect(clinicDayStatus('2027-12-24', exceptions)).toEqual({
      working: false,
      reason: 'sunday_equivalent',
      name: 'julafton',
    });
  });

  it('cannot open a national holiday by setting a capacity on it', () => {
    const exceptions = [DateExceptionSchema.parse({ date: '2027-05-06', capacity: 3 })];
    expect(clinicDayStatus('2027-05-06', exceptions)).toEqual({
      working: false,
      reason: 'public_holiday',
      name: 'Kristi himmelsfärdsdag',
    });
  });
});

function workingDaysIn(year: number): number {
  let count = 0;
  const end = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone: 'UTC' });
  for (let day = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'UTC' }); day < end; day = day.plus({ days: 1 })) {
    if (nationalDayStatus(day.toISODate()!).working) count++;
  }
  return count;
}
