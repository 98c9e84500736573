// The national receiver over HTTP(S): each unit's file of a month is POSTed as CSV with the region's bearer token and an
// Idempotency-Key per unit and month. A 2xx answer is acceptance; anything else, or no answer in time, is not (the
// job retries with backoff). https is required in production (src/config/nationalTransfer.ts).
import type { NationalDeliveryRequest, NationalDeliveryResult, NationalTransfer } from './port.js';

/** How long one attempt may take before it counts as not accepted. */
export const TRANSFER_TIMEOUT_MS = 30_000;

/** The first words of a refusal, on one line: enough to tell why, never a whole echoed body. */
function excerpt(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function createHttpsTransfer(settings: { url: string; token: string; timeoutMs?: number }): NationalTransfer {
  const url = new URL(settings.url);
  return {
    target: url.origin,
    async deliver(request: NationalDeliveryRequest): Promise<NationalDeliveryResult> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${settings.token}`,
            'Content-Type': 'text/csv; charset=utf-8',
            'Idempotency-Key': request.idempotencyKey,
            'X-HSA-Id': request.hsaId,
            'X-Period': request.month,
          },
          body: request.csv,
          signal: AbortSignal.timeout(settings.timeoutMs ?? TRANSFER_TIMEOUT_MS),
          redirect: 'error',
        });
      } catch (error) {
        // Refused, unreachable, timed out, or a redirect (never followed: the token would go with it).
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return { accepted: false, status: null, error: `no answer: ${excerpt(cause?.code ?? cause?.message ?? (error as Error).name)}` };
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return { accepted: true, status: response.status };
      return { accepted: false, status: response.status, error: `HTTP ${response.status}${text ? `: ${excerpt(text)}` : ''}` };
    },
  };
}
