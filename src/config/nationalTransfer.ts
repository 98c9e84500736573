// What the automated transfer of the national file needs (rule 10): a receiver's address, https in production, and
// the bearer token it gave the region. Unset address: nothing is sent.

export interface NationalTransferSettings {
  /** The receiver's address; each unit's file of a month is POSTed here. */
  url: string;
  /** Sent as `Authorization: Bearer …`. */
  token: string;
}

export function nationalTransferProblems(env: {
  NODE_ENV: string;
  NATIONAL_TRANSFER_URL?: string;
  NATIONAL_TRANSFER_TOKEN?: string;
}): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  if (env.NATIONAL_TRANSFER_TOKEN && !env.NATIONAL_TRANSFER_URL) {
    problems.push({ path: ['NATIONAL_TRANSFER_TOKEN'], message: 'is only used beside NATIONAL_TRANSFER_URL' });
  }
  if (!env.NATIONAL_TRANSFER_URL) return problems;
  if (!env.NATIONAL_TRANSFER_TOKEN) problems.push({ path: ['NATIONAL_TRANSFER_TOKEN'], message: 'is required when NATIONAL_TRANSFER_URL is set' });
  const url = new URL(env.NATIONAL_TRANSFER_URL);
  if (url.username || url.password) {
    problems.push({ path: ['NATIONAL_TRANSFER_URL'], message: 'must not hold credentials: give the token in NATIONAL_TRANSFER_TOKEN' });
  }
  if (env.NODE_ENV === 'production' && url.protocol !== 'https:') {
    problems.push({ path: ['NATIONAL_TRANSFER_URL'], message: 'must be an https:// address when NODE_ENV=production (the file leaves the region)' });
  }
  return problems;
}
