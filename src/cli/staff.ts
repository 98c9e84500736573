// `npm run staff -- create --role nurse --clinic vc-kungsor --name "Anna Andersson"`: creates a staff
// account and prints its bearer token once. --clinic may be repeated or comma-separated; --clinic all gives
// every clinic there is now (region follow-up staff). --phone gives a manager the daily summary by SMS.
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../config.js';
import { DatabaseInUse } from '../db/dataDirLock.js';
import { findClinicRules, listClinics } from '../db/clinics.js';
import { migrate } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { STAFF_ROLES, type StaffRole } from '../db/staff.js';
import { normaliseSwedishPhone } from '../domain/patientContact.js';
import { createStaffMember } from '../services/staffAuth.js';

const USAGE = 'usage: npm run staff -- create --role nurse|manager|admin --clinic <clinic-id>[,<clinic-id>…]|all --name "<name>" [--phone 070-123 45 67]';

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, clinic: { type: 'string', multiple: true }, name: { type: 'string' }, phone: { type: 'string' } },
  });
  if (positionals[0] !== 'create') throw new ConfigError(USAGE);
  const role = values.role as StaffRole | undefined;
  if (!role || !STAFF_ROLES.includes(role)) throw new ConfigError(`--role must be one of ${STAFF_ROLES.join(', ')}\n${USAGE}`);
  const named = (values.clinic ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
  if (named.length === 0) throw new ConfigError(`--clinic is required\n${USAGE}`);
  const name = values.name?.trim();
  if (!name) throw new ConfigError(`--name is required\n${USAGE}`);

  let phone: string | null = null;
  if (values.phone !== undefined) {
    const parsed = normaliseSwedishPhone(values.phone);
    if (!parsed.ok) throw new ConfigError(`--phone ${parsed.message}\n${USAGE}`);
    phone = parsed.value;
  }

  const config = parseConfig();
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const clinicIds = named.length === 1 && named[0] === 'all' ? (await listClinics(db)).map((c) => c.id) : named;
    for (const clinicId of clinicIds) {
      if (!(await findClinicRules(db, clinicId))) throw new ConfigError(`No clinic with id '${clinicId}'.`);
    }
    const { staff, token } = await createStaffMember(db, { name, role, clinicIds, phoneE164: phone });
    console.log(`Created ${staff.role} ${staff.name} (${staff.id}) for ${clinicIds.join(', ')}.`);
    console.log(`Bearer token (shown only now; store it safely):\n${token}`);
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof DatabaseInUse ? error.message : error);
  process.exit(1);
});
