// The texts patients receive, in Swedish. Each says the time it is about as a patient reads it, the number the call
// will come from (many do not answer unknown numbers), and what the patient can do next.
import type { DateTime } from 'luxon';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import type { CancelledBy, SmsKind } from '../domain/patientSms.js';

export interface SmsContext {
  clinicName: string;
  timezone: string;
  /** The time the message is about. */
  slotStart: DateTime;
  slotEnd: DateTime;
  cancelUrl: string;
  bookingUrl: string;
  /** The number the clinic calls from (E.164), or null when it has none. */
  callerId: string | null;
  /** A number to call to book by keypad (E.164), or null. */
  bookingNumber: string | null;
  /** Who cancelled (kind cancelled). */
  cancelledBy: CancelledBy | null;
}

/** A number as Swedes write it: +4622112345 → "0221-123 45". */
export function displayedNumber(e164: string): string {
  try {
    return parsePhoneNumberWithError(e164).formatNational();
  } catch {
    return e164;
  }
}

export function smsText(kind: SmsKind, c: SmsContext): string {
  const start = c.slotStart.setZone(c.timezone).setLocale('sv');
  const end = c.slotEnd.setZone(c.timezone).setLocale('sv');
  const when = `${start.toFormat('cccc d MMMM')} mellan ${start.toFormat('HH:mm')} och ${end.toFormat('HH:mm')}`;
  const from = c.callerId ? ` Vi ringer från ${displayedNumber(c.callerId)}.` : '';
  const bookAgain = `boka en ny tid: ${c.bookingUrl}${c.bookingNumber ? ` eller ring ${displayedNumber(c.bookingNumber)}` : ''}`;
  switch (kind) {
    case 'booking_confirmation':
      return `${c.clinicName} ringer dig ${when}.${from} Avboka: ${c.cancelUrl}`;
    case 'time_changed':
      return `${c.clinicName}: din tid är ändrad. Vi ringer dig ${when}.${from} Avboka: ${c.cancelUrl}`;
    case 'cancelled': {
      const slot = `${start.toFormat('cccc d MMMM')} ${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}`;
      // Caller id can be forged by anyone on the telephone network: a cancel by keypad must reach the patient.
      if (c.cancelledBy === 'phone') {
        return `${c.clinicName}: din tid ${slot} avbokades per telefon. Var det inte du, eller behöver du fortfarande kontakt, ${bookAgain}`;
      }
      const by = c.cancelledBy === 'staff' ? 'avbokades av vårdcentralen' : 'är avbokad';
      return `${c.clinicName}: din tid ${slot} ${by}. Behöver du fortfarande kontakt, ${bookAgain}`;
    }
    case 'unreachable':
      return (
        `${c.clinicName} har försökt ringa dig${c.callerId ? ` från ${displayedNumber(c.callerId)}` : ''} men inte nått dig. ` +
        `Behöver du fortfarande kontakt, ${bookAgain}`
      );
  }
}
