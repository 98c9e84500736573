// The pages the fuzz sends requests to, and signing in to them, shared by the page and header fuzzes.
import { expect } from 'vitest';
import { CSV_PATH, DRILLDOWN_PATH, REPORTS_PATH } from '../../src/http/pages/manager/reports/present.js';
import { routePatterns, staffPaths } from '../../src/http/pages/staff/paths.js';
import { SESSION_COOKIE, SIGN_IN_PATH } from '../../src/http/pages/staff/session.js';

/** The staff console's form posts, by their name in routePatterns; the other console pages are read with GET. */
const CONSOLE_POSTS = new Set(['callNext', 'claim', 'attempt', 'renew', 'release', 'outcome', 'followUp', 'assessment', 'exclusion']);

/** Every page with its method, as Express patterns; the console's own list, so a page added there is fuzzed too. */
export const PAGES: [string, string][] = [
  ['GET', '/'],
  ['GET', '/vardcentral/:clinicId'],
  ['POST', '/vardcentral/:clinicId'],
  ['GET', '/bokning/:id'],
  ['GET', '/bokning/:id/andra'],
  ['POST', '/bokning/:id/andra'],
  ['GET', '/avboka/:id'],
  ['POST', '/avboka/:id'],
  ['GET', staffPaths.home],
  ['GET', SIGN_IN_PATH],
  ['POST', SIGN_IN_PATH],
  ['POST', '/personal/logga-ut'],
  ['GET', REPORTS_PATH],
  ['GET', DRILLDOWN_PATH],
  ['GET', CSV_PATH],
  ['GET', `${REPORTS_PATH}/nationell/:file`],
  ['GET', staffPaths.settings(':clinicId')],
  ['POST', staffPaths.settings(':clinicId')],
  ...Object.entries(routePatterns).map(([name, pattern]): [string, string] => [CONSOLE_POSTS.has(name) ? 'POST' : 'GET', pattern]),
];

/** Signs in with a staff bearer token through the sign-in form; returns the session cookie and its CSRF token. */
export async function signIn(baseUrl: string, bearer: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(baseUrl + SIGN_IN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(bearer.replace(/^Bearer /, ''))}`,
    redirect: 'manual',
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie.startsWith(`${SESSION_COOKIE}=`), `signed in: ${res.status}`).toBe(true);
  const home = await (await fetch(baseUrl + staffPaths.home, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home)?.[1];
  expect(csrf).toBeTruthy();
  return { cookie, csrf: csrf! };
}

