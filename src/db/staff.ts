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
  /** Covers every clinic, those created later too (the region's own staff); only they may add clinics. */
  regionWide?: boolean;
}

/** Region-wide accounts cover every clinic at the moment each request reads the account, those created later too. */
const CLINIC_IDS_SQL = `CASE WHEN s.all_clinics THEN coalesce((SELECT array_agg(c.id ORDER BY c.id) FROM clinics c), '{}')
            ELSE array_remove(array_agg(sc.clinic_id ORDER BY sc.clinic_id), NULL) END`;

/** Creates an account with its clinics, in one transaction. */
export async function insertStaff(db: Database, staff: Parameters<typeof insertStaffIn>[1]): Promise<void> {
  await db.transaction((tx) => insertStaffIn(tx, staff));
}

export async function insertStaffIn(
  tx: Queryable,
  staff: StaffMember & {
    tokenHash: string;
    phoneE164?: string | null;
    /** Every clinic there is and will be (staff_clinics left empty). */
    allClinics?: boolean;
    /** The person's own HSA-id, by which a staff import recognises them. */
    hsaId?: string | null;
    /** Default: the database's now(). */
    createdAt?: DateTime;
    /** null or omitted: the token does not expire. */
    tokenExpiresAt?: DateTime | null;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO staff (id, name, role, token_hash, phone_e164, created_at, token_expires_at, all_clinics, hsa_id)
     VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7, $8, $9)`,
    [
      staff.id,
      staff.name,
      staff.role,
      staff.tokenHash,
      staff.phoneE164 ?? null,
      staff.createdAt?.toISO() ?? null,
      staff.tokenExpiresAt?.toISO() ?? null,
      staff.allClinics ?? false,
      staff.hsaId ?? null,
    ],
  );
  if (staff.allClinics) return;
  for (const clinicId of staff.clinicIds) {
    await tx.query('INSERT INTO staff_clinics (staff_id, clinic_id) VALUES ($1, $2)', [staff.id, clinicId]);
  }
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
    all_clinics: boolean;
    disabled_at: Date | null;
    token_expires_at: Date | null;
  }>(
    `SELECT s.id, s.name, s.role, s.all_clinics, s.disabled_at, s.token_expires_at, ${CLINIC_IDS_SQL} AS clinic_ids
       FROM staff s LEFT JOIN staff_clinics sc ON sc.staff_id = s.id
      WHERE s.token_hash = $1
      GROUP BY s.id`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    staff: { id: row.id, name: row.name, role: row.role, clinicIds: row.clinic_ids ?? [], regionWide: row.all_clinics },
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
  hsaId: string | null;
  /** 'token': one of our bearer tokens; 'oidc': signs in through the region's identity provider. */
  signIn: 'token' | 'oidc';
  oidcSubject: string | null;
  createdAt: Date;
  tokenExpiresAt: Date | null;
  disabledAt: Date | null;
}

interface AccountRow {
  id: string;
  name: string;
  role: StaffRole;
  clinic_ids: string[] | null;
  all_clinics: boolean;
  phone_e164: string | null;
  hsa_id: string | null;
  oidc_subject: string | null;
  created_at: Date;
  token_expires_at: Date | null;
  disabled_at: Date | null;
}

const ACCOUNT_SQL = `SELECT s.id, s.name, s.role, s.all_clinics, s.phone_e164, s.hsa_id, s.oidc_subject, s.created_at, s.token_expires_at,
            s.disabled_at, array_remove(array_agg(sc.clinic_id ORDER BY sc.clinic_id), NULL) AS clinic_ids
       FROM staff s LEFT JOIN staff_clinics sc ON sc.staff_id = s.id`;

function accountOf(r: AccountRow): StaffAccountSummary {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    clinicIds: r.clinic_ids ?? [],
    allClinics: r.all_clinics,
    phoneE164: r.phone_e164,
    hsaId: r.hsa_id,
    signIn: r.oidc_subject === null ? 'token' : 'oidc',
    oidcSubject: r.oidc_subject,
    createdAt: r.created_at,
    tokenExpiresAt: r.token_expires_at,
    disabledAt: r.disabled_at,
  };
}

export async function listStaffAccounts(db: Queryable): Promise<StaffAccountSummary[]> {
  const { rows } = await db.query<AccountRow>(`${ACCOUNT_SQL} GROUP BY s.id ORDER BY s.created_at, s.id`);
  return rows.map(accountOf);
}

/** One account as the list shows it; `forUpdate` locks its row in the caller's transaction. */
export async function findStaffAccount(db: Queryable, id: string, forUpdate = false): Promise<StaffAccountSummary | null> {
  if (forUpdate) await db.query('SELECT 1 FROM staff WHERE id = $1 FOR UPDATE', [id]);
  const { rows } = await db.query<AccountRow>(`${ACCOUNT_SQL} WHERE s.id = $1 GROUP BY s.id`, [id]);
  return rows[0] ? accountOf(rows[0]) : null;
}

export async function findStaffIdByHsaId(db: Queryable, hsaId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM staff WHERE hsa_id = $1', [hsaId]);
  return rows[0]?.id ?? null;
}

/** Changes what an account may reach and its contact details, inside the caller's transaction. */
export async function updateStaffAccount(
  tx: Queryable,
  id: string,
  change: { name?: string; phoneE164?: string | null; clinics?: { all: true } | { all: false; ids: readonly string[] } },
): Promise<void> {
  if (change.name !== undefined) await tx.query('UPDATE staff SET name = $2 WHERE id = $1', [id, change.name]);
  if (change.phoneE164 !== undefined) await tx.query('UPDATE staff SET phone_e164 = $2 WHERE id = $1', [id, change.phoneE164]);
  if (change.clinics) {
    await tx.query('UPDATE staff SET all_clinics = $2 WHERE id = $1', [id, change.clinics.all]);
    await tx.query('DELETE FROM staff_clinics WHERE staff_id = $1', [id]);
    if (!change.clinics.all) {
      await tx.query('INSERT INTO staff_clinics (staff_id, clinic_id) SELECT $1, unnest($2::text[])', [id, change.clinics.ids]);
    }
  }
}

/**
 * Active region-wide admins other than `exceptId`, their rows locked: two admins revoking each other at once
 * cannot both see the other as the one left.
 */
export async function countOtherRegionAdmins(tx: Queryable, exceptId: string): Promise<number> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM staff WHERE role = 'admin' AND all_clinics AND disabled_at IS NULL AND id <> $1
        AND (token_expires_at IS NULL OR token_expires_at > now()) FOR UPDATE`,
    [exceptId],
  );
  return rows.length;
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
