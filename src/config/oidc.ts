// Staff sign-in with the region's identity provider (OpenID Connect): all-or-none settings, role map, algorithms.

export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const OIDC_ROLES = ['nurse', 'manager', 'admin'] as const;
type OidcRole = (typeof OIDC_ROLES)[number];

export interface OidcConfig {
  issuer: string;
  audience: string;
  /** null: discovered from `${issuer}/.well-known/openid-configuration`. */
  jwksUrl: string | null;
  roleClaim: string;
  clinicsClaim: string;
  /** Identity-provider value → our role; null: the claim holds nurse, manager or admin itself. */
  roleMap: Record<string, OidcRole> | null;
  algorithms: string[];
  clockToleranceSeconds: number;
  timeoutMs: number;
}

/** The OIDC_* variables as the environment schema parsed them. */
export interface OidcEnv {
  NODE_ENV: string;
  OIDC_ISSUER?: string;
  OIDC_AUDIENCE?: string;
  OIDC_JWKS_URL?: string;
  OIDC_ROLE_CLAIM?: string;
  OIDC_CLINICS_CLAIM?: string;
  OIDC_ROLE_MAP?: string;
  OIDC_ALGORITHMS?: string;
  OIDC_CLOCK_TOLERANCE_SECONDS?: number;
  OIDC_TIMEOUT_MS?: number;
}

function parseRoleMap(value: string): Record<string, OidcRole> | string {
  const map: Record<string, OidcRole> = {};
  for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (at <= 0 || !from || !(OIDC_ROLES as readonly string[]).includes(to)) {
      return `'${pair}' must be <identity-provider value>=<${OIDC_ROLES.join('|')}>`;
    }
    map[from] = to as OidcRole;
  }
  return Object.keys(map).length ? map : 'must map at least one value, e.g. Sjukskoterska=nurse';
}

function parseAlgorithms(value: string): string[] | string {
  const list = value.split(',').map((a) => a.trim()).filter(Boolean);
  const unknown = list.filter((a) => !(OIDC_ALGORITHMS as readonly string[]).includes(a));
  if (unknown.length || !list.length) return `must be a comma-separated list of ${OIDC_ALGORITHMS.join(', ')} (no HS*, no none)`;
  return list;
}

/** OpenID Connect settings are all-or-none: issuer and audience together, the rest only with them. */
export function oidcProblems(env: OidcEnv): { path: string[]; message: string }[] {
  const optional = [
    'OIDC_AUDIENCE',
    'OIDC_JWKS_URL',
    'OIDC_ROLE_CLAIM',
    'OIDC_CLINICS_CLAIM',
    'OIDC_ROLE_MAP',
    'OIDC_ALGORITHMS',
    'OIDC_CLOCK_TOLERANCE_SECONDS',
    'OIDC_TIMEOUT_MS',
  ] as const;
  if (!env.OIDC_ISSUER) {
    const set = optional.filter((name) => env[name] !== undefined);
    return set.length ? [{ path: ['OIDC_ISSUER'], message: `is required when ${set.join(', ')} is set` }] : [];
  }
  const problems: { path: string[]; message: string }[] = [];
  if (!env.OIDC_AUDIENCE) problems.push({ path: ['OIDC_AUDIENCE'], message: 'is required when OIDC_ISSUER is set' });
  if (env.NODE_ENV === 'production') {
    for (const name of ['OIDC_ISSUER', 'OIDC_JWKS_URL'] as const) {
      if (env[name]?.startsWith('http://')) problems.push({ path: [name], message: 'must be an https URL when NODE_ENV=production' });
    }
  }
  const roleMap = env.OIDC_ROLE_MAP === undefined ? null : parseRoleMap(env.OIDC_ROLE_MAP);
  if (typeof roleMap === 'string') problems.push({ path: ['OIDC_ROLE_MAP'], message: roleMap });
  const algorithms = env.OIDC_ALGORITHMS === undefined ? null : parseAlgorithms(env.OIDC_ALGORITHMS);
  if (typeof algorithms === 'string') problems.push({ path: ['OIDC_ALGORITHMS'], message: algorithms });
  return problems;
}

/** Only called on an environment that passed oidcProblems. */
export function oidcConfig(env: OidcEnv): OidcConfig | null {
  if (!env.OIDC_ISSUER || !env.OIDC_AUDIENCE) return null;
  const roleMap = env.OIDC_ROLE_MAP === undefined ? null : parseRoleMap(env.OIDC_ROLE_MAP);
  const algorithms = env.OIDC_ALGORITHMS === undefined ? ['RS256', 'ES256'] : parseAlgorithms(env.OIDC_ALGORITHMS);
  return {
    issuer: env.OIDC_ISSUER,
    audience: env.OIDC_AUDIENCE,
    jwksUrl: env.OIDC_JWKS_URL ?? null,
    roleClaim: env.OIDC_ROLE_CLAIM ?? 'roles',
    clinicsClaim: env.OIDC_CLINICS_CLAIM ?? 'clinics',
    roleMap: typeof roleMap === 'string' ? null : roleMap,
    algorithms: typeof algorithms === 'string' ? [] : algorithms,
    clockToleranceSeconds: env.OIDC_CLOCK_TOLERANCE_SECONDS ?? 30,
    timeoutMs: env.OIDC_TIMEOUT_MS ?? 5000,
  };
}
