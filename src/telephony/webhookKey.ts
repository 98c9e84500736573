// 46elks authenticates nothing it sends: the app puts a secret key in every webhook URL it gives the provider,
// and answers 404 to any other key, as if the route did not exist.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import express from 'express';

/** Every 46elks webhook lives under `${ELKS_WEBHOOK_PATH}/<key>/…`. */
export const ELKS_WEBHOOK_PATH = '/api/telephony/46elks';

/**
 * The key in the URLs, derived from TELEPHONY_WEBHOOK_SECRET so the secret itself never travels in a URL
 * (URLs end up in the provider's dashboard and in proxies' logs). Rotating the secret rotates the key.
 */
export function webhookKey(secret: string): string {
  return createHmac('sha256', secret).update('46elks webhook key').digest('base64url');
}

/** The absolute URL the provider should call for `path` (e.g. "/voice/start"). */
export function webhookUrl(publicBaseUrl: string, secret: string, path: string): string {
  return `${publicBaseUrl}${ELKS_WEBHOOK_PATH}/${webhookKey(secret)}${path}`;
}

/** Access logs show the route, never the key. */
export function redactWebhookKey(path: string): string {
  // Case-insensitive, as Express routes are: /API/Telephony/46elks/<key>/… reaches the same webhook.
  return path.replace(/^(\/api\/telephony\/46elks\/)[^/]+/i, '$1:key');
}

function keyMatches(expected: Buffer, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const buffer = Buffer.from(given);
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

/**
 * Mounts the 46elks webhook routers behind the key. 46elks posts form fields (application/x-www-form-urlencoded).
 * Without a secret configured every webhook answers 404: telephony is off.
 */
export function elksWebhooks(secret: string | null, notFound: RequestHandler, ...routers: Router[]): Router {
  const outer = Router();
  const inner = Router({ mergeParams: true });
  const expected = secret ? Buffer.from(webhookKey(secret)) : null;
  inner.use((req, res, next) => {
    if (!expected || !keyMatches(expected, (req.params as { key?: unknown }).key)) return notFound(req, res, next);
    next();
  });
  inner.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }));
  for (const router of routers) inner.use(router);
  outer.use(`${ELKS_WEBHOOK_PATH.replace(/^\/api/, '')}/:key`, inner);
  return outer;
}
