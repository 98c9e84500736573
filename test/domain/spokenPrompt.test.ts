// What the phone line says, as clips: clock times, days seen from today, dates across month ends and DST.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  bookingClosedPrompt,
  CLIP_TEXTS,
  fallbackPrompt,
  spokenClockTime,
  spokenDay,
  spokenDigits,
  spokenNumber,
  spokenOrdinal,
  spokenSlot,
  spokenAtClock,
  bookedPrompt,
  alreadyBookedPrompt,
  greetingPrompt,
} from '../../src/domain/spokenPrompt.js';

const ZONE = 'Europe/Stockholm';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });
const words = (clips: string[]) => clips.map((c) => CLIP_TEXTS.get(c)).join(' ');

describe('numbers and times', () => {
  it('says 0–20 as one clip and 21–59 as a ten and a unit', () => {
    expect(spokenNumber(0)).toEqual(['n0']);
    expect(spokenNumber(20)).toEqual(['n20']);
    expect(spokenNumber(21)).toEqual(['n20', 'n1']);
    expect(spokenNumber(45)).toEqual(['n40', 'n5']);
    expect(spokenNumber(50)).toEqual(['n50']);
    expect(() => spokenNumber(60)).toThrow(RangeError);
  });

  it('says clock times as Swedes say them: the full hour alone, otherwise the hour "och" the minutes', () => {
    expect(words(spokenClockTime(at('2027-03-30T06:00')))).toBe('sex');
    expect(words(spokenClockTime(at('2027-03-30T10:00')))).toBe('tio');
    expect(words(spokenClockTime(at('2027-03-30T08:45')))).toBe('åtta och fyrtio fem');
    expect(words(spokenClockTime(at('2027-03-30T10:05')))).toBe('tio och fem');
    expect(words(spokenClockTime(at('2027-03-30T16:45')))).toBe('sexton och fyrtio fem');
    expect(words(spokenClockTime(at('2027-03-30T12:30')))).toBe('tolv och trettio');
    expect(words(spokenClockTime(at('2027-03-30T00:15')))).toBe('noll och femton');
    expect(words(spokenAtClock(at('2027-03-30T06:00')))).toBe('klockan sex');
  });

  it('says ordinals 1–31, the twenties and thirties composed', () => {
    expect(spokenOrdinal(1)).toEqual(['o1']);
    expect(spokenOrdinal(21)).toEqual(['n20', 'o1']);
    expect(spokenOrdinal(30)).toEqual(['o30']);
    expect(spokenOrdinal(31)).toEqual(['n30', 'o1']);
    expect(words(spokenOrdinal(28))).toBe('tjugo åttonde');
  });

  it('reads a number digit by digit, skipping the rest', () => {
    expect(words(spokenDigits('08-123 45'))).toBe('noll åtta ett två tre fyra fem');
    expect(fallbackPrompt(null)).toEqual([]);
    expect(words(fallbackPrompt('0812'))).toBe('Ring i stället noll åtta ett två');
  });
});

describe('days seen from now', () => {
  const now = at('2027-03-30T08:00');

  it('says i dag, i morgon, and weekday with date for later days', () => {
    expect(words(spokenDay(at('2027-03-30T10:15'), now))).toBe('i dag');
    expect(words(spokenDay(at('2027-03-31T06:00'), now))).toBe('i morgon');
    expect(words(spokenDay(at('2027-04-01T06:00'), now))).toBe('torsdag den första april');
  });

  it('crosses month and year ends by the calendar', () => {
    expect(words(spokenDay(at('2027-02-01T08:00'), at('2027-01-31T20:00')))).toBe('i morgon');
    expect(words(spokenDay(at('2028-01-03T06:00'), at('2027-12-31T12:00')))).toBe('måndag den tredje januari');
    expect(words(spokenDay(at('2027-05-31T06:00'), at('2027-05-28T12:00')))).toBe('måndag den trettio första maj');
  });

  it('counts days by the local calendar across the DST switches (a 23- and a 25-hour day)', () => {
    // Spring forward: Saturday 27 March 2027 late evening → Monday 29 March is two local days on.
    expect(words(spokenDay(at('2027-03-28T23:30'), at('2027-03-27T23:30')))).toBe('i morgon');
    expect(words(spokenDay(at('2027-03-29T06:00'), at('2027-03-27T23:30')))).toBe('måndag den tjugo nionde mars');
    // Fall back: 31 October 2027 has 25 hours; 1 November 00:30 is still "i morgon" from 30 October 23:45.
    expect(words(spokenDay(at('2027-10-31T00:30'), at('2027-10-30T23:45')))).toBe('i morgon');
    expect(words(spokenDay(at('2027-11-01T06:00'), at('2027-10-31T00:10')))).toBe('i morgon');
    expect(words(spokenAtClock(at('2027-10-31T06:00')))).toBe('klockan sex');
  });

  it('says a slot with its day and both ends', () => {
    expect(words(spokenSlot({ start: at('2027-03-30T10:15'), end: at('2027-03-30T10:30') }, now))).toBe(
      'i dag mellan klockan tio och femton och klockan tio och trettio',
    );
    expect(words(spokenSlot({ start: at('2027-03-30T08:45'), end: at('2027-03-30T09:00') }, now))).toBe('i dag mellan klockan åtta och fyrtio fem och klockan nio');
  });

  it('says when booking opens, or that no opening is planned', () => {
    expect(words(bookingClosedPrompt(at('2027-04-05T06:00'), at('2027-04-02T17:30')))).toBe(
      'Bokningen är stängd just nu. Bokningen öppnar måndag den femte april klockan sex Tack för samtalet. Hej då.',
    );
    expect(bookingClosedPrompt(null, now)).toEqual(['booking_closed', 'no_opening', 'goodbye']);
  });
});

describe('what the caller is told about the call to come', () => {
  const now = at('2027-03-30T08:00');
  const slot = { start: at('2027-03-30T08:45'), end: at('2027-03-30T09:00') };

  it('names the number the call will come from in the confirmation, and leaves it out when the clinic has none', () => {
    expect(words(bookedPrompt(slot, now, '022112345'))).toBe(
      'Du är bokad. Vi ringer dig i dag mellan klockan åtta och fyrtio fem och klockan nio Vi ringer från noll två två ett ett två tre fyra fem Du får ett sms. Tack för samtalet. Hej då.',
    );
    expect(bookedPrompt(slot, now, null)).not.toContain('we_call_from');
  });

  it('tells a caller with a time that doing nothing keeps it', () => {
    expect(words(alreadyBookedPrompt(slot, now))).toBe(
      'Du har redan en bokad tid. Vi ringer dig i dag mellan klockan åtta och fyrtio fem och klockan nio Tryck 3 för att avboka. Gör du inget ligger din tid kvar.',
    );
  });

  it('greets with the clinic’s name when it has a clip of it, else generically, and points to 112 and 1177', () => {
    expect(greetingPrompt(true)).toEqual(['welcome_to', 'clinic_name', 'emergency']);
    expect(greetingPrompt(false)).toEqual(['greeting', 'emergency']);
  });
});
