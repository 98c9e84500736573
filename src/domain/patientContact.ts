// Patient identifiers: Swedish phone numbers and personal identity numbers, normalised or refused.
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import PersonnummerExport from 'personnummer';

// The package's CommonJS build exports the class itself while its types declare an ES default export.
const Personnummer = PersonnummerExport as unknown as typeof PersonnummerExport.default;

export type Normalised = { ok: true; value: string } | { ok: false; message: string };

const PHONE_CHARACTERS = /^[+0-9 ()\-.]+$/;

/** Accepts Swedish numbers in everyday forms (070-123 45 67, +46701234567, 0046…) and returns E.164. */
export function normaliseSwedishPhone(input: string): Normalised {
  const refusal: Normalised = {
    ok: false,
    message: 'must be a Swedish phone number, e.g. 070-123 45 67 or +46701234567',
  };
  if (!PHONE_CHARACTERS.test(input.trim())) return refusal;
  try {
    const parsed = parsePhoneNumberWithError(input.trim(), { defaultCountry: 'SE', extract: false });
    if (parsed.country !== 'SE' || !parsed.isValid()) return refusal;
    return { ok: true, value: parsed.number };
  } catch {
    return refusal;
  }
}

/**
 * Validates a personnummer or samordningsnummer (Luhn checksum and a real date) and returns
 * the 12-digit form YYYYMMDDNNNN, so the same person is always stored the same way.
 */
export function normalisePersonalIdentityNumber(input: string): Normalised {
  const refusal: Normalised = {
    ok: false,
    message: 'must be a valid Swedish personal identity number or coordination number, e.g. 19121212-1212',
  };
  try {
    if (!Personnummer.valid(input)) return refusal;
    return { ok: true, value: Personnummer.parse(input).format(true) };
  } catch {
    return refusal;
  }
}
