// 46elks authenticates nothing it sends: the app puts a secret key in every webhook URL it gives the provider,
// and answers 404 to any other key, as if the route did not exist.
//
// Two kinds of key, both derived from TELEPHONY_WEBHOOK_SECRET:
// - a key per clinic, in the voice_start URL an administrator pastes into 46elks for that clinic's booking numbers
//   (and the IVR's next and audio URLs after it): whoever holds it can speak for that clinic's numbers only;
// - the region's key, in URLs only the app hands 46elks (agent-first dialling, SMS delivery reports), shown to no one.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler, type Response } from 'express';
import express from 'express';

/** Every 46elks webhook lives under `${ELKS_WEBHOOK_PATH}/<key>/…` or `${ELKS_WEBHOOK_PATH}/clinics/<clinic>/<key>/…`. */
export const ELKS_WEBHOOK_PATH = '/api/telephony/46elks';

/**
 * The secrets webhooks are accepted under: the current one first (every URL handed out is made with it), then the
 * previous one during a rotation, so calls in progress and numbers not yet re-pointed keep working.
 */
export interface WebhookSecrets {
  current: string;
  previous: string | null;
}

/**
 * The region's key in the URLs, derived from the secret so the secret itself never travels in a URL (URLs end up
 * in the provider's dashboard and in proxies' logs). Rotating the secret rotates the key.
 */
export function webhookKey(secret: string): string {
  return createHmac('sha256', secret).update('46elks webhook key').digest('base64url');
}

/** A clinic's own key: valid for that clinic's webhooks only, so a key seen for one clinic opens no other. */
export function clinicWebhookKey(secret: string, clinicId: string): string {
  return createHmac('sha256', secret).update(`46elks webhook key of clinic ${clinicId.length}:${clinicId}`).digest('base64url');
}

/** The absolute URL the provider should call for `path` (e.g. "/calls/…/hangup") under the region's key. */
export function webhookUrl(publicBaseUrl: string, secret: string, path: string): string {
  return `${publicBaseUrl}${ELKS_WEBHOOK_PATH}/${webhookKey(secret)}${path}`;
}

/** The absolute URL of a clinic's webhook `path` (e.g. "/voice/start") under the clinic's key. */
export function clinicWebhookUrl(publicBaseUrl: string, secret: string, clinicId: string, path: string): string {
  return `${publicBaseUrl}${ELKS_WEBHOOK_PATH}/clinics/${encodeURIComponent(clinicId)}/${clinicWebhookKey(secret, clinicId)}${path}`;
}

/** Access logs show the route, never a key. */
export function redactWebhookKey(path: string): string {
  // Case-insensitive, as Express routes are: /API/Telephony/46elks/<key>/… reaches the same webhook.
  return path.replace(/^(\/api\/telephony\/46elks\/)(clinics\/[^/]+\/)?[^/]+/i, (_, base: string, clinic: string | undefined) => `${base}${clinic ?? ''}:key`);
}

/** The same, with the clinic as a pattern too: a metrics label, one per route rather than one per clinic. */
export function webhookRoutePattern(path: string): string {
  return redactWebhookKey(path).replace(/^(\/api\/telephony\/46elks\/clinics\/)[^/]+/i, '$1:clinicId');
}

function keyMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The clinic a request's URL speaks for (set only once its key matched). */
export const webhookClinicOf = (res: Response): string => res.locals.webhookClinicId as string;

/**
 * Mounts the 46elks webhook routers behind their keys: `region` under the region's key, `clinic` under each
 * clinic's (the handlers find the clinic with webhookClinicOf). 46elks posts form fields
 * (application/x-www-form-urlencoded). Without a secret configured every webhook answers 404: telephony is off.
 */
export function elksWebhooks(secrets: WebhookSecrets | null, notFound: RequestHandler, routers: { region: Router[]; clinic: Router[] }): Router {
  const accepted = secrets ? [secrets.current, ...(secrets.previous ? [secrets.previous] : [])] : [];
  const forms = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 });
  const outer = Router();

  const clinic = Router({ mergeParams: true });
  clinic.use((req, res, next) => {
    const { clinicId, key } = req.params as { clinicId?: unknown; key?: unknown };
    if (typeof clinicId !== 'string' || !accepted.some((secret) => keyMatches(clinicWebhookKey(secret, clinicId), key))) return notFound(req, res, next);
    res.locals.webhookClinicId = clinicId;
    next();
  });
  clinic.use(forms);
  for (const router of routers.clinic) clinic.use(router);
  outer.use(`${ELKS_WEBHOOK_PATH.replace(/^\/api/, '')}/clinics/:clinicId/:key`, clinic);

  const region = Router({ mergeParams: true });
  region.use((req, res, next) => {
    const { key } = req.params as { key?: unknown };
    if (!accepted.some((secret) => keyMatches(webhookKey(secret), key))) return notFound(req, res, next);
    next();
  });
  region.use(forms);
  for (const router of routers.region) region.use(router);
  outer.use(`${ELKS_WEBHOOK_PATH.replace(/^\/api/, '')}/:key`, region);
  return outer;
}
