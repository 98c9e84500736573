// The staff account commands behind `npm run staff`: create (prints the token once), list, revoke, set-phone. Tests call these directly.
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import { findClinicRules } from '../db/clinics.js';
import type { Database } from '../db/database.js';
import { listStaffAccounts, revokeStaff, STAFF_ROLES, type StaffAccountSummary, type StaffRole } from '../db/staff.js';
import { listStaffPhones, setStaffPhone } from '../db/staffPhones.js';
import { maskPhone } from '../sms/port.js';
import { normaliseSwedishPhone } from '../domain/patientContact.js';
import { REGION_TIMEZONE } from '../domain/schedule.js';
import { createStaffMember } from '../services/staffAuth.js';

export const STAFF_USAGE = [
  'usage: npm run staff -- create --role nurse|manager|admin --clinic <clinic-id>[,<clinic-id>…]|all --name "<name>" [--phone "070-123 45 67"] [--days N]',
  '       npm run staff -- list',
  '       npm run staff -- revoke <staff-id>',
  '       npm run staff -- set-phone <staff-id> <070-123 45 67|none>   (the phone agent-first dialling rings; a manager\'s summary SMS)',
].join('\n');

const MAX_DAYS = 3650;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type StaffCommand =
  | { kind: 'create'; role: StaffRole; clinics: string[]; name: string; phoneE164: string | null; days: number }
  | { kind: 'list' }
  | { kind: 'revoke'; id: string }
  | { kind: 'set-phone'; id: string; phoneE164: string | null };

/** Reads the command line; a mistake is a ConfigError naming the option, before any database is opened. */
export function parseStaffCommand(argv: string[], defaultDays: number): StaffCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        clinic: { type: 'string', multiple: true },
        name: { type: 'string' },
        phone: { type: 'string' },
        days: { type: 'string' },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${STAFF_USAGE}`);
  }
  const { positionals, values } = parsed;
  const [command, ...rest] = positionals;

  if (command === 'list') {
    if (rest.length) throw new ConfigError(`list takes no arguments\n${STAFF_USAGE}`);
    return { kind: 'list' };
  }
  if (command === 'revoke') {
    const id = rest[0];
    if (!id || rest.length > 1) throw new ConfigError(`revoke needs exactly one staff id\n${STAFF_USAGE}`);
    if (!UUID.test(id)) throw new ConfigError(`'${id}' is not a staff id: use the id column of \`npm run staff -- list\`.`);
    return { kind: 'revoke', id: id.toLowerCase() };
  }
  if (command === 'set-phone') {
    // The number as people write it, spaces and all: `set-phone <id> 070-123 45 67` arrives as several words.
    const [id, ...words] = rest;
    const phone = words.length ? words.join(' ') : undefined;
    if (!id || phone === undefined) throw new ConfigError(`set-phone needs a staff id and a phone number (or none)\n${STAFF_USAGE}`);
    if (!UUID.test(id)) throw new ConfigError(`'${id}' is not a staff id: use the id column of \`npm run staff -- list\`.`);
    if (phone === 'none') return { kind: 'set-phone', id: id.toLowerCase(), phoneE164: null };
    const normalised = normaliseSwedishPhone(phone);
    if (!normalised.ok) throw new ConfigError(`the phone number ${normalised.message}\n${STAFF_USAGE}`);
    return { kind: 'set-phone', id: id.toLowerCase(), phoneE164: normalised.value };
  }
  if (command !== 'create' || rest.length) throw new ConfigError(STAFF_USAGE);

  const role = values.role as StaffRole | undefined;
  if (!role || !STAFF_ROLES.includes(role)) throw new ConfigError(`--role must be one of ${STAFF_ROLES.join(', ')}\n${STAFF_USAGE}`);
  const clinics = (values.clinic ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
  if (clinics.length === 0) throw new ConfigError(`--clinic is required\n${STAFF_USAGE}`);
  const name = values.name?.trim();
  if (!name) throw new ConfigError(`--name is required\n${STAFF_USAGE}`);

  let phoneE164: string | null = null;
  if (values.phone !== undefined) {
    const phone = normaliseSwedishPhone(values.phone);
    if (!phone.ok) throw new ConfigError(`--phone ${phone.message}\n${STAFF_USAGE}`);
    phoneE164 = phone.value;
  }

  let days = defaultDays;
  if (values.days !== undefined) {
    days = /^\d+$/.test(values.days) ? Number(values.days) : NaN;
    if (!(days >= 1 && days <= MAX_DAYS)) throw new ConfigError(`--days must be a whole number of days 1–${MAX_DAYS}\n${STAFF_USAGE}`);
  }
  return { kind: 'create', role, clinics, name, phoneE164, days };
}

const when = (at: Date | DateTime) =>
  (at instanceof Date ? DateTime.fromJSDate(at) : at).setZone(REGION_TIMEZONE).toFormat("yyyy-MM-dd HH:mm 'local'");

/** Phones are shown masked: the list is for telling accounts apart, not a phone book. */
function listText(accounts: StaffAccountSummary[], phones: Map<string, string>, now: DateTime): string {
  if (!accounts.length) return 'No staff accounts.';
  const rows = accounts.map((a) => {
    const expired = a.tokenExpiresAt !== null && a.tokenExpiresAt.getTime() <= now.toMillis();
    return [
      a.id,
      a.role,
      a.name,
      a.signIn === 'oidc' ? '(from each sign-in)' : a.allClinics ? 'all' : a.clinicIds.join(',') || '-',
      phones.has(a.id) ? maskPhone(phones.get(a.id)!) : '-',
      a.signIn === 'oidc' ? `oidc ${a.oidcSubject}` : 'token',
      when(a.createdAt),
      a.signIn === 'oidc' ? '-' : a.tokenExpiresAt ? `${when(a.tokenExpiresAt)}${expired ? ' (expired)' : ''}` : 'never',
      a.disabledAt ? when(a.disabledAt) : '-',
    ];
  });
  const header = ['id', 'role', 'name', 'clinics', 'phone', 'sign-in', 'created', 'expires', 'revoked'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Runs a parsed command against the database; returns what to print. Expiry and revocation use `clock`. */
export async function runStaffCommand(db: Database, clock: Clock, command: StaffCommand): Promise<string> {
  if (command.kind === 'list') return listText(await listStaffAccounts(db), await listStaffPhones(db), clock.now());

  if (command.kind === 'set-phone') {
    if (!(await setStaffPhone(db, command.id, command.phoneE164))) throw new ConfigError(`No staff member with id '${command.id}'.`);
    return command.phoneE164 ? `Phone of ${command.id} set to ${maskPhone(command.phoneE164)}.` : `Phone of ${command.id} removed.`;
  }

  if (command.kind === 'revoke') {
    const revoked = await revokeStaff(db, command.id, clock.now());
    if (!revoked) throw new ConfigError(`No staff member with id '${command.id}'.`);
    const who = `${revoked.role} ${revoked.name} (${command.id})`;
    return revoked.alreadyRevoked
      ? `${who} was already revoked at ${when(revoked.disabledAt)}.`
      : `Revoked ${who} at ${when(revoked.disabledAt)}: they can no longer sign in, from their next request on.`;
  }

  // 'all': region-wide, every clinic there is and will be; it works on an empty database (the first admin).
  const allClinics = command.clinics.length === 1 && command.clinics[0] === 'all';
  const clinicIds = allClinics ? [] : command.clinics;
  for (const clinicId of clinicIds) {
    if (!(await findClinicRules(db, clinicId))) throw new ConfigError(`No clinic with id '${clinicId}'.`);
  }
  const { staff, token, expiresAt } = await createStaffMember(db, {
    name: command.name,
    role: command.role,
    clinicIds,
    allClinics,
    phoneE164: command.phoneE164,
    validity: { from: clock.now(), days: command.days },
  });
  return [
    `Created ${staff.role} ${staff.name} (${staff.id}) for ${allClinics ? 'every clinic, those created later too' : clinicIds.join(', ')}.`,
    `The token expires ${when(expiresAt!)} (${command.days} days).`,
    `Bearer token (shown only now; store it safely):\n${token}`,
  ].join('\n');
}
