// Staff authentication (bearer tokens, stored only as hashes) and who may do what where.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import { findStaffByTokenHash, insertStaff, type StaffMember, type StaffRole } from '../db/staff.js';
import { Forbidden, Unauthenticated } from '../errors.js';

export type { StaffMember, StaffRole };

const TOKEN_PREFIX = 'cbs_';

export function hashStaffToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createStaffMember(
  db: Database,
  input: { name: string; role: StaffRole; clinicIds: string[]; phoneE164?: string | null },
): Promise<{ staff: StaffMember; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const { phoneE164, ...member } = input;
  const staff: StaffMember = { id: randomUUID(), ...member };
  await insertStaff(db, { ...staff, tokenHash: hashStaffToken(token), phoneE164 });
  return { staff, token };
}

export async function authenticateStaff(db: Database, authorization: string | undefined): Promise<StaffMember> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new Unauthenticated();
  const staff = await findStaffByTokenHash(db, hashStaffToken(match[1]!));
  if (!staff) throw new Unauthenticated('The bearer token is not valid.');
  return staff;
}

/** Every role works only for its own clinics. */
export function authorize(staff: StaffMember, roles: readonly StaffRole[], clinicId?: string): void {
  if (!roles.includes(staff.role)) {
    throw new Forbidden(`This needs the role ${roles.join(' or ')}; you are ${staff.role}.`);
  }
  if (clinicId !== undefined && !staff.clinicIds.includes(clinicId)) {
    throw new Forbidden(`You do not work for clinic '${clinicId}'.`);
  }
}
