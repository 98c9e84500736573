// Rule 1: the booking window (06:00–17:00 local on working days at least) and when booking opens next.
import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { clinicRules } from '../../src/domain/clinic.js';
import { bookingWindowOn, localDateAt, showInstant } from '../../src/domain/schedule.js';
import { isBookingOpen, nextBookingOpening } from '../../src/domain/slots.js';

const rules = clinicRules({ id: 'vc-test', name: 'Test' });

/** A wall-clock time in Stockholm, e.g. stockholm('2027-04-14T06:00'). */
function stockholm(localIso: string): DateTime {
  return DateTime.fromISO(localIso, { zone: 'Europe/Stockholm' });
}

function shown(instant: DateTime | null | undefined): string | null {
  return instant ? instant.setZone('Europe/Stockholm').toISO() : null;
}

describe('bookingWindowOn', () => {
  it('opens 06:00–17:00 local on an ordinary weekday', () => {
    const window = bookingWindowOn(rules, '2027-04-14');
    expect(shown(window?.opens)).toBe('2027-04-14T06:00:00.000+02:00');
    expect(shown(window?.closes)).toBe('2027-04-14T17:00:00.000+02:00');
  });

  it('uses winter time before the DST switch and summer time after it', () => {
    expect(shown(bookingWindowOn(rules, '2027-03-25')?.opens)).toBe('2027-03-25T06:00:00.000+01:00');
    expect(shown(bookingWindowOn(rules, '2027-03-30')?.opens)).toBe('2027-03-30T06:00:00.000+02:00');
    expect(shown(bookingWindowOn(rules, '2027-10-29')?.opens)).toBe('2027-10-29T06:00:00.000+02:00');
    expect(shown(bookingWindowOn(rules, '2027-11-01')?.opens)).toBe('2027-11-01T06:00:00.000+01:00');
  });

  it('has no window on weekends, holidays, Sunday-equivalents or clinic-closed dates', () => {
    expect(bookingWindowOn(rules, '2027-04-17')).toBeNull(); // Saturday
    expect(bookingWindowOn(rules, '2027-03-28')).toBeNull(); // påskdagen, DST switch
    expect(bookingWindowOn(rules, '2027-03-29')).toBeNull(); // annandag påsk
    expect(bookingWindowOn(rules, '2027-12-24')).toBeNull(); // julafton
    const closedOnce = clinicRules({
      id: 'vc-test',
      name: 'Test',
      dateExceptions: [{ date: '2027-04-14', closed: true }],
    });
    expect(bookingWindowOn(closedOnce, '2027-04-14')).toBeNull();
    expect(bookingWindowOn(closedOnce, '2027-04-15')).not.toBeNull();
  });
});

describe('isBookingOpen: the window is [open, close)', () => {
  it('is open at 06:00 exactly', () => {
    expect(isBookingOpen(rules, stockholm('2027-04-14T06:00'))).toBe(true);
  });

  it('is closed at 05:59', () => {
    expect(isBookingOpen(rules, stockholm('2027-04-14T05:59'))).toBe(false);
  });

  it('is open at 16:59:59', () => {
    expect(isBookingOpen(rules, stockholm('2027-04-14T16:59:59'))).toBe(true);
  });

  it('is closed at 17:00 exactly', () => {
    expect(isBookingOpen(rules, stockholm('2027-04-14T17:00'))).toBe(false);
  });

  it('judges the local time, not UTC: 04:30Z in summer is 06:30 in Stockholm', () => {
    expect(isBookingOpen(rules, DateTime.fromISO('2027-04-14T04:30:00Z'))).toBe(true);
    expect(isBookingOpen(rules, DateTime.fromISO('2027-04-14T15:30:00Z'))).toBe(false); // 17:30 local
  });

  it('is closed all day on julafton and on a Saturday', () => {
    expect(isBookingOpen(rules, stockholm('2027-12-24T10:00'))).toBe(false);
    expect(isBookingOpen(rules, stockholm('2027-04-17T10:00'))).toBe(false);
  });
});

describe('nextBookingOpening', () => {
  it('says booking opens at 06:00 the same day when asked before 06:00', () => {
    expect(shown(nextBookingOpening(rules, stockholm('2027-04-14T05:59')))).toBe('2027-04-14T06:00:00.000+02:00');
  });

  it('says booking opens the next morning when asked at 17:00 on a Wednesday', () => {
    expect(shown(nextBookingOpening(rules, stockholm('2027-04-14T17:00')))).toBe('2027-04-15T06:00:00.000+02:00');
  });

  it('says booking opens the next working morning while it is open (06:00 is not "after now")', () => {
    expect(shown(nextBookingOpening(rules, stockholm('2027-04-14T06:00')))).toBe('2027-04-15T06:00:00.000+02:00');
  });

  it('refers a Friday 17:00 request to Monday 06:00', () => {
    // 2027-04-16 is a Friday, 2027-04-19 the Monday after.
    expect(shown(nextBookingOpening(rules, stockholm('2027-04-16T17:00')))).toBe('2027-04-19T06:00:00.000+02:00');
  });

  it('refers skärtorsdagen 17:00 to Tuesday 06:00 after Easter, in summer time', () => {
    // Thu 25 Mar (skärtorsdagen, working) → Fri 26 långfredagen, Sat 27, Sun 28 påskdagen (DST +01→+02),
    // Mon 29 annandag påsk → Tue 30 Mar.
    expect(shown(nextBookingOpening(rules, stockholm('2027-03-25T17:00')))).toBe('2027-03-30T06:00:00.000+02:00');
  });

  it('refers julafton to Monday 27 December 06:00', () => {
    // Fri 24 julafton, Sat 25 juldagen, Sun 26 annandag jul → Mon 27.
    expect(shown(nextBookingOpening(rules, stockholm('2027-12-24T09:00')))).toBe('2027-12-27T06:00:00.000+01:00');
  });

  it('refers midsommarafton to the Monday after midsommar', () => {
    // Fri 25 Jun midsommarafton, Sat 26 midsommardagen, Sun 27 → Mon 28 Jun.
    expect(shown(nextBookingOpening(rules, stockholm('2027-06-25T08:00')))).toBe('2027-06-28T06:00:00.000+02:00');
  });

  it('refers Thursday 30 December 17:30 to Monday 3 January 2028', () => {
    // Fri 31 Dec nyårsafton, Sat 1 Jan 2028 nyårsdagen, Sun 2 Jan → Mon 3 Jan 2028.
    expect(shown(nextBookingOpening(rules, stockholm('2027-12-30T17:30')))).toBe('2028-01-03T06:00:00.000+01:00');
  });

  it('refers the evening before the autumn DST switch weekend to Monday in winter time', () => {
    // Fri 29 Oct 2027 (+02) → Sun 31 Oct DST back to +01 → Mon 1 Nov 06:00+01:00 = 05:00Z.
    const opens = nextBookingOpening(rules, stockholm('2027-10-29T18:00'));
    expect(shown(opens)).toBe('2027-11-01T06:00:00.000+01:00');
    expect(opens?.toUTC().toISO()).toBe('2027-11-01T05:00:00.000Z');
  });

  it('skips the clinic’s own closed dates', () => {
    // Thu 15, Fri 16, Mon 19, Tue 20 April closed by the clinic → Wed 21 April.
    const manyClosed = clinicRules({
      id: 'vc-test',
      name: 'Test',
      dateExceptions: ['2027-04-15', '2027-04-16', '2027-04-19', '2027-04-20'].map((date) => ({ date, closed: true })),
    });
    expect(shown(nextBookingOpening(manyClosed, stockholm('2027-04-14T17:00')))).toBe('2027-04-21T06:00:00.000+02:00');
  });

  it('returns null when the clinic is closed on every date of the coming year', () => {
    const dates: string[] = [];
    for (let d = DateTime.fromISO('2027-04-15'); d <= DateTime.fromISO('2028-05-31'); d = d.plus({ days: 1 })) {
      dates.push(d.toISODate()!);
    }
    const closedForAYear = clinicRules({
      id: 'vc-test',
      name: 'Test',
      dateExceptions: dates.map((date) => ({ date, closed: true })),
    });
    expect(nextBookingOpening(closedForAYear, stockholm('2027-04-14T17:00'))).toBeNull();
  });
});

describe('a clinic with a longer window (05:00–20:00)', () => {
  const long = { open: '05:00', close: '20:00' };
  const longRules = clinicRules({
    id: 'vc-test',
    name: 'Test',
    bookingWindow: { '1': long, '2': long, '3': long, '4': long, '5': long },
  });

  it('opens at 05:00 and closes at 20:00', () => {
    expect(isBookingOpen(longRules, stockholm('2027-04-14T04:59'))).toBe(false);
    expect(isBookingOpen(longRules, stockholm('2027-04-14T05:00'))).toBe(true);
    expect(isBookingOpen(longRules, stockholm('2027-04-14T17:30'))).toBe(true);
    expect(isBookingOpen(longRules, stockholm('2027-04-14T19:59'))).toBe(true);
    expect(isBookingOpen(longRules, stockholm('2027-04-14T20:00'))).toBe(false);
  });

  it('says booking opens at 05:00 the next working day', () => {
    expect(shown(nextBookingOpening(longRules, stockholm('2027-04-14T20:00')))).toBe('2027-04-15T05:00:00.000+02:00');
    expect(shown(nextBookingOpening(longRules, stockholm('2027-03-25T20:00')))).toBe('2027-03-30T05:00:00.000+02:00');
  });

  it('still keeps weekends closed although the window is longer', () => {
    expect(isBookingOpen(longRules, stockholm('2027-04-17T10:00'))).toBe(false);
  });
});

describe('a clinic open on Saturdays', () => {
  const saturday = clinicRules({
    id: 'vc-test',
    name: 'Test',
    bookingWindow: {
      '1': { open: '06:00', close: '17:00' },
      '2': { open: '06:00', close: '17:00' },
      '3': { open: '06:00', close: '17:00' },
      '4': { open: '06:00', close: '17:00' },
      '5': { open: '06:00', close: '17:00' },
      '6': { open: '09:00', close: '12:00' },
    },
  });

  it('still takes no bookings on a Saturday, since Saturdays are not working days (rule 2)', () => {
    expect(bookingWindowOn(saturday, '2027-04-17')).toBeNull();
    expect(shown(nextBookingOpening(saturday, stockholm('2027-04-16T17:00')))).toBe('2027-04-19T06:00:00.000+02:00');
  });
});

describe('showInstant', () => {
  it('shows an instant in the clinic’s zone with its offset, winter and summer', () => {
    expect(showInstant(rules, DateTime.fromISO('2027-03-25T05:00:00Z'))).toBe('2027-03-25T06:00:00+01:00');
    expect(showInstant(rules, DateTime.fromISO('2027-03-30T04:00:00Z'))).toBe('2027-03-30T06:00:00+02:00');
  });
});

describe('localDateAt (the fast local date the reports use)', () => {
  it('agrees with luxon every 5 minutes across DST switches, including zones that switch at midnight', () => {
    const cases: [string, string][] = [
      ['Europe/Stockholm', '2027-03-27T12:00:00Z'],
      ['Europe/Stockholm', '2027-10-30T12:00:00Z'],
      ['America/Santiago', '2026-09-05T12:00:00Z'], // clocks jump from 00:00 to 01:00
      ['America/Santiago', '2026-04-04T12:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T12:00:00Z'], // a 30-minute DST shift
    ];
    for (const [zone, from] of cases) {
      const start = DateTime.fromISO(from).toMillis();
      for (let ms = start; ms < start + 48 * 3_600_000; ms += 5 * 60_000) {
        expect(localDateAt(zone, ms), `${zone} ${new Date(ms).toISOString()}`).toBe(DateTime.fromMillis(ms, { zone }).toISODate());
      }
    }
  });
});
