// A clinic patients book by phone keypad: a booking number of its own, for the tests of the phone line.
import { randomInt } from 'node:crypto';
import { replaceClinicTelephony } from '../../src/db/clinicTelephony.js';
import type { ClinicRulesInput } from '../../src/domain/clinic.js';
import type { TestServer } from './server.js';

/** A fresh clinic with a random booking number, fallback 08-123 456 70 and caller id 0221-123 45 unless told otherwise. */
export async function ivrClinic(
  s: TestServer,
  { fallbackPhone = '+46812345670', callerId = '+4622112345', ...rules }: Partial<ClinicRulesInput> & { fallbackPhone?: string | null; callerId?: string | null } = {},
): Promise<{ id: string; bookingNumber: string }> {
  const id = await s.addClinic(rules);
  const bookingNumber = `+4686${randomInt(1_000_000, 9_999_999)}`;
  await replaceClinicTelephony(s.db, id, { bookingNumbers: [bookingNumber], fallbackPhone, dialAgentFirst: false, callerId });
  return { id, bookingNumber };
}

/** A caller's mobile number, random enough that no other call of the run shares it. */
export const aCaller = () => `+4670${randomInt(1_000_000, 9_999_999)}`;
