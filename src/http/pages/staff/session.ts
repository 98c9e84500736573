// Staff pages' sessions: a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and a CSRF token that
// every form post and page fetch must carry. Pages get the signed-in member in res.locals.session; signIn/ signs in.
import { urlencoded, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { Forbidden, Unauthenticated } from '../../../errors.js';
import type { StaffRole } from '../../../db/staff.js';
import { csrfMatches, type StaffSession, type StaffSessions } from '../../../services/staffSessions.js';
import { langOf, text } from '../texts/index.js';

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
