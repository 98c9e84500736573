// Signing in to the staff pages as a browser does, for the tests of what a signed-in nurse or manager sees.
import { expect } from 'vitest';
import { SESSION_COOKIE, SIGN_IN_PATH } from '../../src/http/pages/staff/session.js';
import type { TestServer } from './server.js';

/** Posts the sign-in form with a staff token (or its Authorization value) and returns the session cookie (name=value). */
export async function signIn(s: TestServer, token: string): Promise<string> {
  token = token.replace(/^Bearer /, '');
  const res = await fetch(s.baseUrl + SIGN_IN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(token)}`,
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
  return cookie;
}
