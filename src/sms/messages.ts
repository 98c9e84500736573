// The texts patients receive, in Swedish.
import type { DateTime } from 'luxon';
import type { SmsKind } from '../db/smsMessages.js';

export interface SmsContext {
  clinicName: string;
  timezone: string;
  slotStart: DateTime;
  slotEnd: DateTime;
  cancelUrl: string;
  bookingUrl: string;
}

export function smsText(kind: SmsKind, c: SmsContext): string {
  const start = c.slotStart.setZone(c.timezone).setLocale('sv');
  const end = c.slotEnd.setZone(c.timezone).setLocale('sv');
  switch (kind) {
    case 'booking_confirmation':
      return (
        `${c.clinicName} ringer dig ${start.toFormat('cccc d MMMM')} mellan ${start.toFormat('HH:mm')} och ${end.toFormat('HH:mm')}. ` +
        `Avboka: ${c.cancelUrl}`
      );
    case 'unreachable':
      return (
        `${c.clinicName} har försökt ringa dig men inte nått dig. ` +
        `Behöver du fortfarande kontakt, boka en ny tid: ${c.bookingUrl}`
      );
  }
}
