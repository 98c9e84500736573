// Staff pages' sign-in: a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and a CSRF token that
// every form post and page fetch must carry. Pages get the signed-in member in res.locals.session.
import { Router, urlencoded, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError, Forbidden, Unauthenticated } from '../../../errors.js';
import type { StaffRole } from '../../../db/staff.js';
import { csrfMatches, SESSION_HOURS, type StaffSession, type StaffSessions } from '../../../services/staffSessions.js';
import { html, type Html } from '../html.js';
import { layout } from '../layout.js';
import { langOf, text, type Lang } from '../texts/index.js';

export const SESSION_COOKIE = 'cbs_session';
export const SIGN_IN_PATH = '/personal/logga-in';

/** The value of one cookie from the Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
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
        session = await sessions.resume(cookieValue(req.headers.cookie, SESSION_COOKIE));
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
  const attributes = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) attributes.push('Secure');
  res.setHeader('Set-Cookie', attributes.join('; '));
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
    try {
      if (!token.trim() || token.length > 8192) throw new Unauthenticated('Enter your sign-in key.');
      const { cookieValue: value } = await sessions.signIn(token);
      setSessionCookie(res, value, options.secureCookies, SESSION_HOURS * 3600);
      res.redirect(303, next);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      res.status(401).send(signInPage(lang, next, text(lang, 'staff.signIn.failed', { reason: (error as AppError).message })));
    }
  });
  router.post('/personal/logga-ut', ...requireStaff(sessions), async (req, res) => {
    await sessions.signOut(cookieValue(req.headers.cookie, SESSION_COOKIE));
    setSessionCookie(res, '', options.secureCookies, 0);
    res.redirect(303, `${SIGN_IN_PATH}?ended=1`);
  });
  return router;
}
