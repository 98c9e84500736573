// The port the national file is delivered through (rule 10: automated transfer, not by hand). The HTTPS adapter is
// src/transfer/httpsTransfer.ts; tests point it at a local receiver.

/** One unit's file of one month. */
export interface NationalDeliveryRequest {
  month: string;
  hsaId: string;
  /** The same for every attempt of this unit and month, so the receiver can refuse a second copy. */
  idempotencyKey: string;
  /** The unit's rows as CSV (UTF-8). */
  csv: string;
}

/** What the receiver answered: accepted (a 2xx), or not, with what it said (no patient data is ever in it). */
export type NationalDeliveryResult = { accepted: true; status: number } | { accepted: false; status: number | null; error: string };

export interface NationalTransfer {
  /** Where files go, for the admins' status view: the receiver's origin, never its credentials. */
  readonly target: string;
  deliver(request: NationalDeliveryRequest): Promise<NationalDeliveryResult>;
}
