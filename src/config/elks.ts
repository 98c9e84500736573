// What 46elks needs when it places calls or sends SMS.

/**
 * 46elks is used for calls or SMS: its credentials are required. Its calls hand it webhook URLs, so in
 * production they need the secret in those URLs and the public address 46elks can reach.
 */
export function elksProblems(env: {
  NODE_ENV: string;
  TELEPHONY_PROVIDER: string;
  SMS_PROVIDER: string;
  ELKS_API_USERNAME?: string;
  ELKS_API_PASSWORD?: string;
  TELEPHONY_WEBHOOK_SECRET?: string;
  PUBLIC_BASE_URL?: string;
}): { path: string[]; message: string }[] {
  const users = [env.TELEPHONY_PROVIDER === '46elks' && 'TELEPHONY_PROVIDER=46elks', env.SMS_PROVIDER === '46elks' && 'SMS_PROVIDER=46elks'].filter(Boolean);
  if (!users.length) return [];
  const problems: { path: string[]; message: string }[] = [];
  for (const name of ['ELKS_API_USERNAME', 'ELKS_API_PASSWORD'] as const) {
    if (!env[name]) problems.push({ path: [name], message: `is required when ${users.join(' or ')}` });
  }
  if (env.TELEPHONY_PROVIDER === '46elks' && env.NODE_ENV === 'production') {
    for (const name of ['TELEPHONY_WEBHOOK_SECRET', 'PUBLIC_BASE_URL'] as const) {
      if (!env[name]) problems.push({ path: [name], message: 'is required when TELEPHONY_PROVIDER=46elks and NODE_ENV=production (46elks calls back the URLs built from it)' });
    }
  }
  return problems;
}
