// Staff authentication (our bearer tokens, stored only as hashes, or OpenID Connect JWTs) and who may do what where.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { systemClock, type Clock } from '../clock.js';
import { listClinics } from '../db/clinics.js';
import type { Database, Queryable } from '../db/database.js';
import { findTokenAccount, insertStaffIn, upsertOidcAccount, type StaffMember, type StaffRole } from '../db/staff.js';
import { REGION_TIMEZONE } from '../domain/schedule.js';
import { Forbidden, TokenExpired, Unauthenticated } from '../errors.js';
import { looksLikeJwt, oidcStaffId, type OidcVerifier } from './oidc.js';

export type { StaffMember, StaffRole };

const TOKEN_PREFIX = 'cbs_';

export function hashStaffToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Creates an account and its bearer token. With `validity` the token expires `days` after `from` (the
 * app's clock); without it the token does not expire (kept for the demo seed).
 */
type NewStaffMember = {
  name: string;
  role: StaffRole;
  clinicIds: string[];
  /** Every clinic there is and will be; clinicIds is then ignored. */
  allClinics?: boolean;
  hsaId?: string | null;
  phoneE164?: string | null;
  validity?: { from: DateTime; days: number};
};

/** Creates an account and its bearer token (shown once, stored only as a hash). */
export function createStaffMember(db: Database, input: NewStaffMember): Promise<{ staff: StaffMember; token: string; expiresAt: DateTime | null }> {
  return db.transaction((tx) => createStaffMemberIn(tx, input));
}

/** The same inside the caller's transaction. */
export async function createStaffMemberIn(tx: Queryable, input: NewStaffMember): Promise<{ staff: StaffMember; token: string; expiresAt: DateTime | null }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const { phoneE164, validity, allClinics, hsaId, ...member } = input;
  const staff: StaffMember = { id: randomUUID(), ...member, clinicIds: allClinics ? [] : member.clinicIds };
  const expiresAt = validity ? validity.from.plus({ days: validity.days }) : null;
  await insertStaffIn(tx, {
    ...staff,
    tokenHash: hashStaffToken(token),
    phoneE164,
    allClinics: allClinics ?? false,
    hsaId: hsaId ?? null,
    ...(validity ? { createdAt: validity.from } : {}),
    tokenExpiresAt: expiresAt,
  });
  return { staff, token, expiresAt };
}

export interface StaffAuthenticator {
  /** The staff member an Authorization header belongs to; Unauthenticated (401) otherwise. */
  authenticate(authorization: string | undefined): Promise<StaffMember>;
  /** The same, and until when the credential holds (the key's expiry, the JWT's exp; null: no expiry). */
  identify(authorization: string | undefined): Promise<{ staff: StaffMember; validUntil: Date | null }>;
}

const regionTime = (at: Date) => DateTime.fromJSDate(at, { zone: REGION_TIMEZONE }).toISO({ suppressMilliseconds: true })!;

/**
 * One authenticator for every staff route. Each request reads the account from the database, so a
 * revocation takes effect at once in every process; expiry is judged by the app's clock.
 */
export function createStaffAuthenticator(deps: { db: Database; clock: Clock; oidc?: OidcVerifier | null }): StaffAuthenticator {
  const { db, clock } = deps;

  type Identified = { staff: StaffMember; validUntil: Date | null };

  async function byToken(token: string): Promise<Identified> {
    const account = await findTokenAccount(db, hashStaffToken(token));
    if (!account) throw new Unauthenticated('The bearer token is not valid.');
    if (account.disabledAt) throw new Unauthenticated('The bearer token was revoked.');
    if (account.tokenExpiresAt && account.tokenExpiresAt.getTime() <= clock.now().toMillis()) {
      throw new TokenExpired(regionTime(account.tokenExpiresAt));
    }
    return { staff: account.staff, validUntil: account.tokenExpiresAt };
  }

  async function byOidc(oidc: OidcVerifier, jwt: string): Promise<Identified> {
    const identity = await oidc.verify(jwt);
    const id = oidcStaffId(identity.issuer, identity.subject);
    const { disabledAt } = await upsertOidcAccount(db, { id, issuer: identity.issuer, subject: identity.subject, name: identity.name, role: identity.role });
    if (disabledAt) throw new Unauthenticated('This staff account was revoked.');
    const clinicIds = identity.clinics === 'all' ? (await listClinics(db)).map((c) => c.id) : identity.clinics;
    return { staff: { id, name: identity.name, role: identity.role, clinicIds, regionWide: identity.clinics === 'all' }, validUntil: identity.expiresAt };
  }

  async function identify(authorization: string | undefined): Promise<Identified> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new Unauthenticated();
    const token = match[1]!;
    if (looksLikeJwt(token)) {
      if (!deps.oidc) throw new Unauthenticated('The bearer token is not valid: sign-in JWTs are not accepted here (OpenID Connect is not configured).');
      return byOidc(deps.oidc, token);
    }
    return byToken(token);
  }

  return {
    identify,
    async authenticate(authorization) {
      return (await identify(authorization)).staff;
    },
  };
}

/** Bearer tokens only, judged by `clock`; for scripts and tests that have no app. */
export function authenticateStaff(db: Database, authorization: string | undefined, clock: Clock = systemClock): Promise<StaffMember> {
  return createStaffAuthenticator({ db, clock }).authenticate(authorization);
}

/**
 * Every role works only for its own clinics. Checked before anything is looked up, so a clinic that does
 * not exist and one you may not see get the same 403: staff cannot probe which clinics exist.
 */
export function authorize(staff: StaffMember, roles: readonly StaffRole[], clinicId?: string): void {
  if (!roles.includes(staff.role)) {
    throw new Forbidden(`This needs the role ${roles.join(' or ')}; you are ${staff.role}.`, clinicId ?? null);
  }
  if (clinicId !== undefined && !staff.clinicIds.includes(clinicId)) {
    throw new Forbidden(`You do not work for clinic '${clinicId}'.`, clinicId);
  }
}
