// SQL for staff accounts (bearer tokens or OpenID Connect sign-in), the clinics each may work for, and revocation.
import type { DateTime } from 'luxon';
import type { Database, Queryable } from './database.js';

export const STAFF_ROLES = ['nurse', 'manager', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffMember {
  id: string;
  name: string;
  role: StaffRole;
  /** For a region-wide account, every clinic there was when the account was read. */
  clinicIds: string[];
}

/** Region-wide accounts cover every clinic at the moment each request reads the account, those created later too. */
const CLINIC_IDS_SQL = `CASE WHEN s.all_clinics THEN coalesce((SELECT array_agg(c.id ORDER BY c.id) FROM clinics c), '{}')
            ELSE array_remove(array_agg(sc.clinic_id ORDER BY sc.clinic_id), NULL) END`;

export async function insertStaff(
  db: Database,
  staff: StaffMember & {
    tokenHash: string;
    phoneE164?: string | null;
    /** Every clinic there is and will be (staff_clinics left empty). */
    allClinics?: boolean;
    /** Default: the database's now(). */
    createdAt?: DateTime;
    /** null or omitted: the token does not expire. */
    tokenExpiresAt?: DateTime | null;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO staff (id, name, role, token_hash, phone_e164, created_at, token_expires_at, all_clinics)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7, $8)`,
      [
        staff.id,
        staff.name,
        staff.role,
        staff.tokenHash,
        staff.phoneE164 ?? null,
        staff.createdAt?.toISO() ?? null,
        staff.tokenExpiresAt?.toISO() ?? null,
        staff.allClinics ?? false,
      ],
    );
    if (staff.allClinics) return;
    for (const clinicId of staff.clinicIds) {
      await tx.query('INSERT INTO staff_clinics (staff_id, clinic_id) VALUES ($1, $2)', [staff.id, clinicId]);
    }
  });
}

/** A token's account with what decides whether it may sign in now. */
export interface TokenAccount {
  staff: StaffMember;
  disabledAt: Date | null;
  tokenExpiresAt: Date | null;
}

/** The account holding a token (by its hash) with its clinics, revoked or expired included: the caller decides. */
export async function findTokenAccount(db: Queryable, tokenHash: string): Promise<TokenAccount | null> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    role: StaffRole;
    clinic_ids: string[] | null;
    disabled_at: Date | null;
    token_expires_at: Date | null;
  }>(
    `SELECT s.id, s.name, s.role, s.disabled_at, s.token_expires_at, ${CLINIC_IDS_SQL} AS clinic_ids
       FROM staff s LEFT JOIN staff_clinics sc ON sc.staff_id = s.id
      WHERE s.token_hash = $1
      GROUP BY s.id`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    staff: { id: row.id, name: row.name, role: row.role, clinicIds: row.clinic_ids ?? [] },
    disabledAt: row.disabled_at,
    tokenExpiresAt: row.token_expires_at,
  };
}

export interface OidcAccount {
  id: string;
  issuer: string;
  subject: string;
  name: string;
  role: StaffRole;
}

/**
 * Records (or refreshes the name and role of) the account of someone signed in through OpenID Connect, and
 * says whether it was revoked. Their clinics come from the token on every request and are not stored.
 */
export async function upsertOidcAccount(db: Queryable, account: OidcAccount): Promise<{ disabledAt: Date | null }> {
  const found = await db.query<{ name: string; role: StaffRole; disabled_at: Date | null }>(
    'SELECT name, role, disabled_at FROM staff WHERE id = $1',
    [account.id],
  );
  const row = found.rows[0];
  if (row && row.name === account.name && row.role === account.role) return { disabledAt: row.disabled_at };
  // The id is derived from issuer and subject, so two first requests at once converge on one row.
  const { rows } = await db.query<{ disabled_at: Date | null }>(
    `INSERT INTO staff (id, name, role, oidc_issuer, oidc_subject) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role
     RETURNING disabled_at`,
    [account.id, account.name, account.role, account.issuer, account.subject],
  );
  return { disabledAt: rows[0]?.disabled_at ?? null };
}

/** What `npm run staff -- list` shows of an account: never the token or its hash. */
export interface StaffAccountSummary {
  id: string;
  name: string;
  role: StaffRole;
  clinicIds: string[];
  /** Covers every clinic, those created later too. */
  allClinics: boolean;
  phoneE164: string | null;
  /** 'token': one of our bearer tokens; 'oidc': signs in through the region's identity provider. */
  signIn: 'token' | 'oidc';
  oidcSubject: string | null;
  createdAt: Date;
  tokenExpiresAt: Date | null;
  disabledAt: Date | null;
}

export async function listStaffAccounts(db: Queryable): Promise<StaffAccountSummary[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    role: StaffRole;
    clinic_ids: string[] | null;
    all_clinics: boolean;
    phone_e164: string | null;
    oidc_subject: string | null;
    created_at: Date;
    token_expires_at: Date | null;
    disabled_at: Date | null;
  }>(
    `SELECT s.id, s.name, s.role, s.all_clinics, s.phone_e164, s.oidc_subject, s.created_at, s.token_expires_at, s.disabled_at,
            array_remove(array_agg(sc.clinic_id ORDER BY sc.clinic_id), NULL) AS clinic_ids
       FROM staff s LEFT JOIN staff_clinics sc ON sc.staff_id = s.id
      GROUP BY s.id
      ORDER BY s.created_at, s.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    clinicIds: r.clinic_ids ?? [],
    allClinics: r.all_clinics,
    phoneE164: r.phone_e164,
    signIn: r.oidc_subject === null ? 'token' : 'oidc',
    oidcSubject: r.oidc_subject,
    createdAt: r.created_at,
    tokenExpiresAt: r.token_expires_at,
    disabledAt: r.disabled_at,
  }));
}

/**
 * Revokes an account at `at`: its token (or OpenID Connect sign-in) stops working on the next request, in
 * every process, since each request reads the account. Null when there is no such account.
 */
export async function revokeStaff(
  db: Queryable,
  id: string,
  at: DateTime,
): Promise<{ name: string; role: StaffRole; disabledAt: Date; alreadyRevoked: boolean } | null> {
  const updated = await db.query<{ name: string; role: StaffRole; disabled_at: Date }>(
    'UPDATE staff SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL RETURNING name, role, disabled_at',
    [id, at.toISO()],
  );
  const row = updated.rows[0];
  if (row) return { name: row.name, role: row.role, disabledAt: row.disabled_at, alreadyRevoked: false };
  const existing = await db.query<{ name: string; role: StaffRole; disabled_at: Date }>(
    'SELECT name, role, disabled_at FROM staff WHERE id = $1',
    [id],
  );
  const found = existing.rows[0];
  return found ? { name: found.name, role: found.role, disabledAt: found.disabled_at, alreadyRevoked: true } : null;
}

export async function countStaff(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM staff');
  return rows[0]?.n ?? 0;
}

export async function findStaffByName(db: Queryable, name: string): Promise<{ id: string } | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM staff WHERE name = $1 LIMIT 1', [name]);
  return rows[0] ?? null;
}

/** Active managers of a clinic who get the daily summary by SMS. */
export async function listManagerPhones(db: Queryable, clinicId: string): Promise<{ staffId: string; phoneE164: string }[]> {
  const { rows } = await db.query<{ id: string; phone_e164: string }>(
    `SELECT s.id, s.phone_e164 FROM staff s JOIN staff_clinics sc ON sc.staff_id = s.id
      WHERE sc.clinic_id = $1 AND s.role = 'manager' AND s.disabled_at IS NULL AND s.phone_e164 IS NOT NULL
      ORDER BY s.id`,
    [clinicId],
  );
  return rows.map((r) => ({ staffId: r.id, phoneE164: r.phone_e164 }));
}
