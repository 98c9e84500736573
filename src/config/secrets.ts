// Production secrets that cannot be trusted: published in this repository, or placeholders.

/**
 * Secrets anyone can read in this repository (the former development default, the compose file's old fallback,
 * the test fixtures): in production they would let a stranger forge cancel tokens or telephony events.
 */
const PUBLISHED_SECRETS = new Set([
  'development-only-callback-token-secret-change-me',
  'compose-demo-only-secret-replace-before-real-use',
  'test-secret-test-secret-test-secret!',
  'telephony-test-secret-telephony-test-secret',
]);

/** Why a production secret cannot be trusted, or null. Few distinct characters ('x' × 32) is a placeholder. */
export function publicSecretProblem(secret: string): string | null {
  if (PUBLISHED_SECRETS.has(secret)) return 'is a value published in the repository; generate your own, e.g. `openssl rand -hex 32`';
  if (new Set(secret).size < 8) return 'is a placeholder (fewer than 8 different characters); generate one, e.g. `openssl rand -hex 32`';
  return null;
}
