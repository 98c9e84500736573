// The telephony provider port: how the app asks a voice provider to place a call, whatever the provider
// (46elks today; Twilio or a PBX could implement the same interface).

export interface PlaceCall {
  /** The number the call comes from (one of the provider's numbers, E.164). */
  from: string;
  /** Who is rung first (E.164): in agent-first dialling, the nurse. */
  to: string;
  /** Loaded when `to` answers; answers with what the call does next (connect the patient). */
  voiceStartUrl: string;
  /** Receives the call's record when it ends, also when it never connected. */
  whenHangupUrl: string;
  /** How long `to` may ring before the provider gives up. */
  timeoutSeconds: number;
}

export interface TelephonyProvider {
  /** Throws CallRefused for a permanent refusal, anything else for a transient fault (retrying may help). */
  placeCall(call: PlaceCall): Promise<{ providerCallId: string }>;
}

/** The provider refused the call for good (bad number, bad credentials, no credit): retrying cannot help. */
export class CallRefused extends Error {}

/**
 * The provider did not answer in time: the call may or may not have been placed. Not a failure to report as
 * certain: its voice_start or hang-up record, if it comes, is still taken as this placement's call.
 */
export class CallOutcomeUnknown extends Error {}
