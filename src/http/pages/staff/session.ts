// Staff pages' sign-in: a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and a CSRF token that
// every form post and page fetch must carry. Pages get the signed-in member in res.locals.session.
import { Router, urlencoded, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError, Forbidden, Unauthenticated } from '../../../errors.js';
import type { StaffRole } from '../../../db/staff.js';
import { csrfMatches, type StaffSession, type StaffSessions } from '../../../services/staffSessions.js';
import { html, type Html } from '../html.js';
import { layout } from '../layout.js';
import { langOf, text, type Lang } from '../texts/index.js';

export const SESSION_COOKIE = 'cbs_session';
/**
 * Behind TLS the cookie is `__Host-` prefixed: browsers then refuse it from a sibling subdomain or without Secure,
 * so nobody else can plant one.
 */
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
export const SIGN_IN_PATH = '/personal/logga-in';

/** A session id as this app issues it (32 random bytes, base64url); any other value is no session at all. */
const SESSION_ID = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * Every value sent under `names` in a Cookie header, as sent (never decoded, so never a URIError). A header can
 * carry one name several times: a cookie planted for a longer path or a parent domain comes along with ours.
 */
export function cookieValues(header: string | undefined, names: readonly string[]): string[] {
  const values: string[] = [];
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (names.includes(part.slice(0, at).trim())) values.push(part.slice(at + 1).trim());
  }
  return values;
}

/**
 * The session id the request carries: exactly one well-formed session cookie. Two (a planted one beside ours) are
 * no session rather than a guess at which is ours; the person signs in again.
 */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  const values = cookieValues(cookieHeader, [SESSION_COOKIE, HOST_SESSION_COOKIE]);
  return values.length === 1 && SESSION_ID.test(values[0]!) ? values[0] : undefined;
}

export const sessionOf = (res: Response): StaffSession => res.locals.session as StaffSession;

/** Only a path of our own staff pages may be a return address (no open redirect). */
const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/personal(\/[\w\-./]*)?(\?[\w\-=&%.]*)?$/.test(next) ? next : '/personal');

/** The signed-in header: who, and a sign-out form (POST with the CSRF token). */
export function staffHeader(lang: Lang, session: StaffSession): Html {
  return html`<form class="sign-out" method="post" action="/personal/logga-ut">
  <span>${text(lang, 'staff.signedInAs', { name: session.staff.name, role: session.staff.role })}</span>
  <input type="hidden" name="_csrf" value="${session.csrfToken}">
  <button type="submit" class="secondary">${text(lang, 'staff.signOut')}</button>
</form>`;
}

/**
 * Requires a signed-in staff member (with one of `roles`, when given). Unsafe methods must carry the session's
 * CSRF token (form field _csrf or header X-CSRF-Token). Pages without a session go to the sign-in page;
 * JSON fetches get the one error shape.
 */
export function requireStaff(sessions: StaffSessions, roles?: readonly StaffRole[]): RequestHandler[] {
  return [
    urlencoded({ extended: false, limit: '16kb' }),
    async (req: Request, res: Response, next: NextFunction) => {
      let session: StaffSession;
      try {
        session = await sessions.resume(sessionIdOf(req.headers.cookie));
      } catch (error) {
        if (!(error instanceof Unauthenticated) || wantsJson(req)) throw error;
        res.redirect(303, `${SIGN_IN_PATH}?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      if (!['GET', 'HEAD'].includes(req.method) && !csrfMatches(session, req.body?._csrf ?? req.headers['x-csrf-token'])) {
        throw new Forbidden(text(langOf(req.query, req.headers.cookie), 'staff.csrf'));
      }
      if (roles && !roles.includes(session.staff.role)) {
        throw new Forbidden(`This page needs the role ${roles.join(' or ')}; you are ${session.staff.role}.`);
      }
      res.locals.session = session;
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}

const wantsJson = (req: Request) => req.path.endsWith('.json') || (req.headers.accept ?? '').includes('application/json');

function signInPage(lang: Lang, next: string, error?: string, notice?: string): string {
  return layout({
    lang,
    title: text(lang, 'staff.signIn.title'),
    body: html`
${error ? html`<div class="error-summary" role="alert" tabindex="-1"><p class="field-error">${error}</p></div>` : ''}
${notice ? html`<p class="notice">${notice}</p>` : ''}
<form method="post" action="${SIGN_IN_PATH}">
  <input type="hidden" name="next" value="${next}">
  <div class="${error ? 'has-error' : ''}">
    <label for="token">${text(lang, 'staff.signIn.token')}</label>
    <p class="hint" id="token-hint">${text(lang, 'staff.signIn.tokenHint')}</p>
    <input type="password" id="token" name="token" autocomplete="current-password" aria-describedby="token-hint" required>
  </div>
  <button type="submit">${text(lang, 'staff.signIn.submit')}</button>
</form>`,
  });
}

function setSessionCookie(res: Response, value: string, secure: boolean, maxAgeSeconds: number) {
  const attributes = [`${secure ? HOST_SESSION_COOKIE : SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) attributes.push('Secure');
  res.setHeader('Set-Cookie', attributes.join('; '));
}

/**
 * A sign-in posted from another site (login CSRF: a page elsewhere signing the browser in as the attacker). Browsers
 * say where a request comes from in Sec-Fetch-Site, and older ones in Origin; a request with neither is not a
 * browser's cross-site form post (curl, scripts), and a forged one cannot make a victim's browser sign in.
 */
export function crossSite(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  return origin !== `${req.protocol}://${req.host}`;
}

/** GET/POST /personal/logga-in, POST /personal/logga-ut. */
export function signInRoutes(sessions: StaffSessions, options: { secureCookies: boolean; limit: RequestHandler }): Router {
  const router = Router();
  router.get(SIGN_IN_PATH, (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    res.setHeader('Cache-Control', 'no-store');
    res.send(signInPage(lang, safeNext(req.query.next), undefined, req.query.ended ? text(lang, 'staff.signIn.ended') : undefined));
  });
  router.post(SIGN_IN_PATH, options.limit, urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const next = safeNext(req.body?.next);
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    if (crossSite(req)) {
      res.status(403).send(signInPage(lang, next, text(lang, 'staff.signIn.crossSite')));
      return;
    }
    try {
      if (!token.trim() || token.length > 8192) throw new Unauthenticated('Enter your sign-in key.');
      const { cookieValue: value, lifetimeSeconds } = await sessions.signIn(token);
      // Whoever was signed in on this browser before is signed out: one session per browser, the newest.
      await sessions.signOut(sessionIdOf(req.headers.cookie));
      setSessionCookie(res, value, options.secureCookies, lifetimeSeconds);
      res.redirect(303, next);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      res.status(401).send(signInPage(lang, next, text(lang, 'staff.signIn.failed', { reason: (error as AppError).message })));
    }
  });
  router.post('/personal/logga-ut', ...requireStaff(sessions), async (req, res) => {
    await sessions.signOut(sessionIdOf(req.headers.cookie));
    setSessionCookie(res, '', options.secureCookies, 0);
    res.redirect(303, `${SIGN_IN_PATH}?ended=1`);
  });
  return router;
}
