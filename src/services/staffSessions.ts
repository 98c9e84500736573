// Staff sign-in on the pages: the same authentication as the API's bearer tokens (or OpenID Connect), turned
// into a session cookie with a CSRF token, so people need not paste a token into every request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { deleteSession, findLiveSession, insertSession } from '../db/staffSessions.js';
import { Unauthenticated } from '../errors.js';
import type { StaffAuthenticator, StaffMember } from './staffAuth.js';

/** A working day and then some: a nurse signs in once per shift. */
export const SESSION_HOURS = 12;

export interface StaffSession {
  staff: StaffMember;
  csrfToken: string;
}

export interface StaffSessions {
  /**
   * Signs in with a staff token (or JWT); returns the cookie value to set, shown to no one else, and how long the
   * session lasts: SESSION_HOURS, or less when the token or the sign-in JWT expires sooner.
   */
  signIn(token: string): Promise<{ cookieValue: string; session: StaffSession; expiresAt: Date; lifetimeSeconds: number }>;
  /** The session a cookie value belongs to; Unauthenticated when none, expired or revoked. */
  resume(cookieValue: string | undefined): Promise<StaffSession>;
  signOut(cookieValue: string | undefined): Promise<void>;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export function csrfMatches(session: StaffSession, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createStaffSessions(deps: { db: Database; clock: Clock; auth: StaffAuthenticator }): StaffSessions {
  const { db, clock, auth } = deps;
  return {
    async signIn(token) {
      const { staff, validUntil } = await auth.identify(`Bearer ${token.trim()}`);
      const cookieValue = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const now = clock.now().toJSDate();
      // A session never outlives what it was opened with (the key's or the JWT's expiry), nor a shift.
      const shiftEnd = now.getTime() + SESSION_HOURS * 3600_000;
      const expiresAt = new Date(validUntil ? Math.min(shiftEnd, validUntil.getTime()) : shiftEnd);
      await insertSession(db, { idHash: hash(cookieValue), staff, csrfToken, createdAt: now, expiresAt });
      const lifetimeSeconds = Math.max(1, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
      return { cookieValue, session: { staff, csrfToken }, expiresAt, lifetimeSeconds };
    },
    async resume(cookieValue) {
      if (!cookieValue) throw new Unauthenticated('Please sign in.');
      const found = await findLiveSession(db, hash(cookieValue), clock.now().toJSDate());
      if (!found) throw new Unauthenticated('Your session has ended. Please sign in again.');
      return { staff: found.staff, csrfToken: found.csrfToken };
    },
    async signOut(cookieValue) {
      if (cookieValue) await deleteSession(db, hash(cookieValue));
    },
  };
}
