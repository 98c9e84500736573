// The IVR carries a call's state (clinic, offered slot, number to call, callback to cancel…) in the next URLs it
// gives 46elks. The webhook key alone does not protect it: every clinic's manager sees that key in the voice_start
// URL, and could otherwise forge a state (another clinic's callback, someone else's number). So the state is
// signed: an HMAC under a key derived from TELEPHONY_WEBHOOK_SECRET for this purpose only, over the call id and
// the state's fields, checked in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query parameter holding the signature. */
export const STATE_SIGNATURE_PARAM = 'v';

/** A signing key of its own, so a signature is never valid as the webhook key or anything else made from the secret. */
function stateKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('46elks ivr call state v1').digest();
}

/**
 * The signature of a state given as ordered fields (the call id among them). Each name and value is
 * length-prefixed so no two different states share a signed text.
 */
export function createStateSigner(secret: string) {
  const key = stateKey(secret);
  const sign = (fields: readonly (readonly [string, string])[]): string => {
    const mac = createHmac('sha256', key);
    for (const [name, value] of fields) mac.update(`${name.length}:${name}=${value.length}:${value};`);
    return mac.digest('base64url');
  };
  return {
    sign,
    /** True only when `given` is the signature of exactly these fields. */
    verify(fields: readonly (readonly [string, string])[], given: unknown): boolean {
      if (typeof given !== 'string') return false;
      const expected = Buffer.from(sign(fields));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
