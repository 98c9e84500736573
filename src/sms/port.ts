// The SMS port: how the rest of the system sends a text message, whatever the provider.

export interface OutgoingSms {
  /** E.164 */
  to: string;
  text: string;
  /** Our message id; providers that deduplicate on it make a retried send harmless. */
  reference: string;
}

export interface SmsSender {
  /** Returns the provider's message id. Throws SmsRejected for a permanent refusal, anything else for a transient fault. */
  send(message: OutgoingSms): Promise<string>;
  /**
   * Whether a message with this text (its SHA-256) went to `to` since `since`, by the provider's own history: its id,
   * or null when it surely did not. Throws when the provider cannot say. Absent: the provider sends a reference only
   * once however often it is asked (the HTTP adapter's Idempotency-Key), so sending again is safe.
   */
  findSent?(query: { to: string; textSha256: string; since: Date }): Promise<string | null>;
}

/** The provider refused the message for good (bad number, bad credentials): retrying cannot help. */
export class SmsRejected extends Error {}

/** "+46701234567" → "+46 70 *** ** 67": enough to tell messages apart in a log, not enough to call anyone. */
export function maskPhone(e164: string): string {
  return `${e164.slice(0, 3)} ${e164.slice(3, 5)} *** ** ${e164.slice(-2)}`;
}
