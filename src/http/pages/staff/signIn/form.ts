// The sign-in form as posted: the key (or identity-provider token) and where to go after signing in.

/** Only a path of our own staff pages may be a return address (no open redirect). */
export const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/personal(\/[\w\-./]*)?(\?[\w\-=&%.]*)?$/.test(next) ? next : '/personal');

/** Longer than any key or token we issue or accept. */
const MAX_TOKEN = 8192;

export function signInForm(body: unknown): { next: string; token: string | null } {
  const b = body as { next?: unknown; token?: unknown } | undefined;
  const token = typeof b?.token === 'string' ? b.token : '';
  return { next: safeNext(b?.next), token: token.trim() && token.length <= MAX_TOKEN ? token : null };
}
