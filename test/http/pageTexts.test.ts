// The pages' words: each audience's English catalogue has exactly the Swedish one's keys with the same
// placeholders, every key belongs to its audience (so no catalogue can shadow another's), and the settings page
// says the API's refusals by their code, whatever the English message says.
import { describe, expect, it } from 'vitest';
import { settingsMessage, telephonyMessage } from '../../src/http/pages/manager/settings/present.js';
import { CATALOGUES, text } from '../../src/http/pages/texts/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the text catalogues', () => {
  for (const [audience, catalogue] of Object.entries(CATALOGUES)) {
    const sv: Record<string, string> = catalogue.sv;
    const en: Record<string, string> = catalogue.en;
    it(`${audience}: the same keys in Swedish and English, each with the same placeholders`, () => {
      expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
      for (const key of Object.keys(sv)) {
        expect(placeholders(en[key]!), key).toEqual(placeholders(sv[key]!));
        expect(sv[key]!.trim(), key).not.toBe('');
        expect(en[key]!.trim(), key).not.toBe('');
      }
    });

    it(`${audience}: every key starts with "${audience}."`, () => {
      expect(Object.keys(sv).filter((key) => !key.startsWith(`${audience}.`))).toEqual([]);
    });
  }
});

describe('the settings page’s words for the API’s refusals', () => {
  it('chooses them by code and fills them in from params, never from the message', () => {
    const vanish = { field: 'body.capacityRules', message: 'whatever the API says', code: 'slot_would_vanish', params: { slot: '2027-03-31 10:00', booked: 2 } };
    expect(settingsMessage('sv', vanish)).toBe('Telefontiden 2027-03-31 10:00 har 2 bokade patienter och skulle försvinna. Flytta eller avboka dem först.');
    expect(settingsMessage('en', vanish)).toBe('The slot 2027-03-31 10:00 has 2 booked patients and would no longer exist. Move or cancel them first.');
    const fewer = { field: 'body.dateExceptions.0.capacity', message: '', code: 'fewer_places', params: { slot: '2027-03-31 10:00', booked: 2, places: 1 } };
    expect(settingsMessage('sv', fewer)).toBe('Telefontiden 2027-03-31 10:00 har 2 bokade patienter men skulle bara få 1 platser.');
    expect(settingsMessage('en', fewer)).toBe('The slot 2027-03-31 10:00 has 2 booked patients but would have only 1 places.');
    expect(settingsMessage('sv', { field: 'body.bookingWindow.1', message: 'x', code: 'booking_window_too_short' })).toBe(text('sv', 'manager.settings.error.window'));
    expect(telephonyMessage('sv', { field: 'body.bookingNumbers.1', message: 'x', code: 'number_listed_twice', params: { number: '+46812345670' } })).toBe(
      '+46812345670 står två gånger.',
    );
    expect(telephonyMessage('en', { field: 'body.callerId', message: 'x', code: 'not_a_phone_number' })).toBe('Enter a phone number, e.g. 08-123 456 70.');
    expect(telephonyMessage('sv', { field: 'body.fallbackPhone', message: 'x', code: 'fallback_is_booking_number' })).toBe(text('sv', 'manager.telephony.error.fallback'));
  });

  it('shows the API’s own message where the page has no words for its code, or it has none', () => {
    const wording = 'the slot 2027-03-31 10:00 has 2 booked patients and would no longer exist; move or cancel those callbacks first';
    expect(settingsMessage('sv', { field: 'body.capacityRules', message: wording })).toBe(wording);
    expect(settingsMessage('sv', { field: 'body.capacityRules.0', message: 'from must be before to', code: 'from_before_to' })).toBe('from must be before to');
    // A telephony code means nothing to the settings form, and the other way round.
    expect(settingsMessage('sv', { field: 'body.slotMinutes', message: 'm', code: 'not_a_phone_number' })).toBe('m');
    expect(telephonyMessage('sv', { field: 'body.callerId', message: 'm', code: 'fewer_places' })).toBe('m');
    expect(settingsMessage('sv', { field: 'body.slotMinutes', message: 'm', code: 'constructor' })).toBe('m');
  });
});
