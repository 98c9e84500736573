// 46elks REST client (calls and SMS): HTTP basic auth, form-encoded requests, JSON replies. A 4xx other than
// 408/429 is a refusal that retrying cannot mend; anything else (5xx, timeout, network) is transient.
import { CallOutcomeUnknown, CallRefused, type TelephonyProvider } from './port.js';

export const DEFAULT_ELKS_API_URL = 'https://api.46elks.com/a1';

/** Our webhook paths under the key (src/telephony/webhookKey.ts) that we hand 46elks for calls and SMS. */
export const ELKS_WEBHOOK_PATHS = {
  // `placement`: which placement of the outgoing call (src/db/outgoingCalls.ts) the provider's request is about.
  voiceStart: (outgoingCallId: string, placement: number) => `/calls/${outgoingCallId}/voice-start?placement=${placement}`,
  hangup: (outgoingCallId: string, placement: number) => `/calls/${outgoingCallId}/hangup?placement=${placement}`,
  smsDelivered: (messageId: string) => `/sms/${encodeURIComponent(messageId)}/delivered`,
};

export interface ElksCredentials {
  /** e.g. https://api.46elks.com/a1 (no trailing slash needed). */
  apiUrl: string;
  username: string;
  password: string;
  /** Per request; default 10 s. A nurse waits on a call being placed, and the SMS worker retries anyway. */
  timeoutMs?: number;
}

/** 46elks refused the request (HTTP 4xx): bad number, bad credentials, no credit. */
export class ElksRefused extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`46elks refused the request (HTTP ${status}${detail ? `: ${detail}` : ''})`);
  }
}

export interface ElksClient {
  /** POSTs form fields to `path` (e.g. "/calls"); returns the JSON reply. */
  post(path: string, fields: Record<string, string>): Promise<Record<string, unknown>>;
  /** GETs `path` with a query (e.g. "/sms", { to }); returns the JSON reply. */
  get(path: string, query: Record<string, string>): Promise<Record<string, unknown>>;
}

export function createElksClient(credentials: ElksCredentials): ElksClient {
  const base = credentials.apiUrl.replace(/\/$/, '');
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  async function request(path: string, init: { method: 'GET' | 'POST'; body?: string }): Promise<Record<string, unknown>> {
    const response = await fetch(`${base}${path}`, {
      method: init.method,
      headers: { authorization, accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: init.body,
      signal: AbortSignal.timeout(credentials.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (response.ok) {
      try {
        const body: unknown = JSON.parse(text);
        if (body && typeof body === 'object') return body as Record<string, unknown>;
      } catch {
        // fall through: a 2xx without JSON is a fault on their side, worth a retry
      }
      throw new Error(`46elks answered HTTP ${response.status} without a JSON body`);
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      // 46elks explains refusals in a short plain-text body ("Invalid to number"); never a phone number of ours.
      throw new ElksRefused(response.status, text.slice(0, 200).replace(/\+?\d{6,}/g, '…'));
    }
    throw new Error(`46elks unavailable (HTTP ${response.status})`);
  }
  return {
    post: (path, fields) => request(path, { method: 'POST', body: new URLSearchParams(fields).toString() }),
    get: (path, query) => request(`${path}?${new URLSearchParams(query).toString()}`, { method: 'GET' }),
  };
}

/** The provider port on 46elks' POST /calls. */
export function createElksTelephony(client: ElksClient): TelephonyProvider {
  return {
    async placeCall(call) {
      let body: Record<string, unknown>;
      try {
        body = await client.post('/calls', {
          from: call.from,
          to: call.to,
          voice_start: call.voiceStartUrl,
          whenhangup: call.whenHangupUrl,
          timeout: String(call.timeoutSeconds),
        });
      } catch (error) {
        if (error instanceof ElksRefused) throw new CallRefused(error.message);
        // Our timeout: 46elks may have placed the call and be answering late.
        if ((error as Error)?.name === 'TimeoutError') throw new CallOutcomeUnknown('46elks did not answer in time');
        throw error;
      }
      if (typeof body.id !== 'string' || !body.id) throw new Error('46elks placed a call without an id in its reply');
      return { providerCallId: body.id };
    },
  };
}
