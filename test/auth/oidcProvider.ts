// A local OpenID Connect provider for tests: a generated key pair, discovery document and JWKS on 127.0.0.1, and a token signer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { DateTime } from 'luxon';
import type { OidcConfig } from '../../src/config/oidc.js';

/** ok: serves discovery and keys; error: answers 500; hang: accepts and never answers. */
export type ProviderMode = 'ok' | 'error' | 'hang';

export interface TestProvider {
  issuer: string;
  jwksUrl: string;
  /** Requests the provider has answered or held, by path. */
  requests: string[];
  mode: ProviderMode;
  /** Settings for the app: this issuer, audience 'callback-api', short timeouts. */
  config(overrides?: Partial<OidcConfig>): OidcConfig;
  /** A token signed with the provider's key, issued at `now` and valid for an hour unless the claims say otherwise. */
  sign(claims: JWTPayload, now: DateTime, options?: { alg?: 'RS256' | 'ES256'; key?: CryptoKey; kid?: string }): Promise<string>;
  close(): Promise<void>;
}

export const AUDIENCE = 'callback-api';

export async function startTestProvider(): Promise<TestProvider> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  };
  let issuer = '';
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (provider.mode === 'hang') return;
    if (provider.mode === 'error') {
      res.writeHead(500).end('down for maintenance');
      return;
    }
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') return json({ issuer, jwks_uri: `${issuer}/keys` });
    if (req.url === '/keys') return json(jwks);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider: TestProvider = {
    issuer,
    jwksUrl: `${issuer}/keys`,
    requests,
    mode: 'ok',
    config: (overrides = {}) => ({
      issuer,
      audience: AUDIENCE,
      jwksUrl: null,
      roleClaim: 'roles',
      clinicsClaim: 'clinics',
      roleMap: null,
      algorithms: ['RS256', 'ES256'],
      clockToleranceSeconds: 30,
      // Long: this in-process provider always answers (a busy machine may take seconds); the test of one that
      // never answers sets its own short timeout.
      timeoutMs: 30_000,
      ...overrides,
    }),
    async sign(claims, now, options = {}) {
      const alg = options.alg ?? 'RS256';
      const key = options.key ?? (alg === 'RS256' ? rsa.privateKey : ec.privateKey);
      const iat = Math.floor(now.toSeconds());
      return new SignJWT({ iss: issuer, aud: AUDIENCE, iat, exp: iat + 3600, ...claims })
        .setProtectedHeader({ alg, kid: options.kid ?? (alg === 'RS256' ? 'rsa-1' : 'ec-1'), typ: 'JWT' })
        .sign(key);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return provider;
}

/** A port nothing listens on: a provider that is down. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** An unsigned token (alg none) with the given claims. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
