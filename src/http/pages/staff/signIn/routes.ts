// Signing in and out (GET/POST /personal/logga-in, POST /personal/logga-ut): the same authenticator as the API checks
// the key, and the session cookie is set (HttpOnly, SameSite=Strict, `__Host-` and Secure behind TLS).
import { Router, urlencoded, type Request, type RequestHandler, type Response } from 'express';
import { Unauthenticated } from '../../../../errors.js';
import type { StaffSessions } from '../../../../services/staffSessions.js';
import { langOf, text } from '../../texts/index.js';
import { HOST_SESSION_COOKIE, requireStaff, SESSION_COOKIE, sessionIdOf, SIGN_IN_PATH } from '../session.js';
import { safeNext, signInForm } from './form.js';
import { signInPage } from './templates.js';

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
    const { next, token } = signInForm(req.body);
    if (crossSite(req)) {
      res.status(403).send(signInPage(lang, next, text(lang, 'staff.signIn.crossSite')));
      return;
    }
    try {
      if (token === null) throw new Unauthenticated('Enter your sign-in key.');
      const { cookieValue: value, lifetimeSeconds } = await sessions.signIn(token);
      // Whoever was signed in on this browser before is signed out: one session per browser, the newest.
      await sessions.signOut(sessionIdOf(req.headers.cookie));
      setSessionCookie(res, value, options.secureCookies, lifetimeSeconds);
      res.redirect(303, next);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      res.status(401).send(signInPage(lang, next, text(lang, 'staff.signIn.failed', { reason: error.message })));
    }
  });
  router.post('/personal/logga-ut', ...requireStaff(sessions), async (req, res) => {
    await sessions.signOut(sessionIdOf(req.headers.cookie));
    setSessionCookie(res, '', options.secureCookies, 0);
    res.redirect(303, `${SIGN_IN_PATH}?ended=1`);
  });
  return router;
}
