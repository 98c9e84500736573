// `npm run staff -- create|list|revoke`: tokens that expire, a list that never shows a token, revocation that bites at once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStaffCommand, runStaffCommand } from '../../src/cli/staffCommands.js';
import { manualClock } from '../../src/clock.js';
import { ConfigError } from '../../src/errors.js';
import { insertClinic } from '../../src/db/clinics.js';
import { openPostgres, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { TokenExpired } from '../../src/errors.js';
import { createStaffAuthenticator, hashStaffToken } from '../../src/services/staffAuth.js';
import { freshPostgresSchema, openTestDatabase, uniqueClinicId } from '../support/database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
// Tuesday 30 March 2027, 08:00 summer time.
const NOW = '2027-03-30T08:00:00+02:00';

const tokenOf = (output: string) => output.match(/(cbs_\S+)/)![1]!;
const idOf = (output: string) => output.match(/\(([0-9a-f-]{36})\)/)![1]!;

describe('parseStaffCommand', () => {
  it('keeps the create usage and adds --days (default from STAFF_TOKEN_DAYS)', () => {
    expect(parseStaffCommand(['create', '--role', 'nurse', '--clinic', 'a,b', '--clinic', 'c', '--name', ' Anna '], 90)).toEqual({
      kind: 'create',
      role: 'nurse',
      clinics: ['a', 'b', 'c'],
      name: 'Anna',
      phoneE164: null,
      days: 90,
    });
    expect(parseStaffCommand(['create', '--role', 'manager', '--clinic', 'all', '--name', 'Chef', '--days', '7', '--phone', '070-123 45 67'], 90)).toMatchObject({
      days: 7,
      phoneE164: '+46701234567',
      clinics: ['all'],
    });
    expect(parseStaffCommand(['list'], 90)).toEqual({ kind: 'list' });
    expect(parseStaffCommand(['revoke', '6F1C2A7E-3B4D-4E5F-8A9B-0C1D2E3F4A5B'], 90)).toEqual({ kind: 'revoke', id: '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' });
  });

  it.each([
    [['create', '--role', 'nurse', '--clinic', 'a', '--name', 'A', '--days', '0'], '--days must be a whole number of days 1–3650'],
    [['create', '--role', 'nurse', '--clinic', 'a', '--name', 'A', '--days', '1.5'], '--days must be a whole number of days 1–3650'],
    [['create', '--role', 'nurse', '--clinic', 'a', '--name', 'A', '--days', '3651'], '--days must be a whole number of days 1–3650'],
    [['create', '--role', 'surgeon', '--clinic', 'a', '--name', 'A'], '--role must be one of nurse, manager, admin'],
    [['create', '--role', 'nurse', '--name', 'A'], '--clinic is required'],
    [['create', '--role', 'nurse', '--clinic', 'a', '--name', 'A', '--colour', 'red'], "Unknown option '--colour'"],
    [['revoke'], 'revoke needs exactly one staff id'],
    [['revoke', 'anna'], "'anna' is not a staff id"],
    [['list', 'everything'], 'list takes no arguments'],
    [['delete', 'x'], 'usage: npm run staff -- create'],
  ])('refuses %j naming the problem', (argv, message) => {
    expect(() => parseStaffCommand(argv, 90)).toThrow(ConfigError);
    expect(() => parseStaffCommand(argv, 90)).toThrow(message);
  });
});

describe('runStaffCommand', () => {
  let db: Database;
  let clinicId: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    clinicId = uniqueClinicId();
    await insertClinic(db, clinicRules({ id: clinicId, name: 'Vårdcentralen Test' }));
  });
  afterAll(async () => {
    await db?.close();
  });

  const create = (clock: ReturnType<typeof manualClock>, days: number, name = 'Anna Andersson') =>
    runStaffCommand(db, clock, { kind: 'create', role: 'nurse', clinics: [clinicId], name, phoneE164: null, days });

  it('creates a token that works until it expires after --days, by the app’s clock, then answers 401 saying so', async () => {
    const clock = manualClock(NOW);
    const output = await create(clock, 30);
    expect(output).toContain('The token expires 2027-04-29 08:00 local (30 days).');
    const authorization = `Bearer ${tokenOf(output)}`;
    const auth = createStaffAuthenticator({ db, clock });

    clock.set('2027-04-29T07:59:59+02:00');
    expect(await auth.authenticate(authorization)).toMatchObject({ name: 'Anna Andersson', role: 'nurse', clinicIds: [clinicId] });
    clock.set('2027-04-29T08:00:00+02:00');
    const refused = await auth.authenticate(authorization).catch((e: unknown) => e as Error);
    expect(refused).toBeInstanceOf(TokenExpired);
    expect((refused as TokenExpired).code).toBe('unauthenticated');
    expect((refused as Error).message).toBe('The bearer token expired at 2027-04-29T08:00:00+02:00. Ask an administrator for a new one.');
  });

  it('lists every account with id, name, role, clinics, created, expires and revoked, never a token or its hash', async () => {
    const clock = manualClock(NOW);
    const output = await create(clock, 90, 'Listad Sköterska');
    const token = tokenOf(output);
    const id = idOf(output);
    clock.set('2027-07-01T09:00:00+02:00');
    const list = await runStaffCommand(db, clock, { kind: 'list' });
    const [header, ...lines] = list.split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['id', 'role', 'name', 'clinics', 'phone', 'sign-in', 'created', 'expires', 'revoked']);
    const line = lines.find((l) => l.startsWith(id))!;
    expect(line.split(/\s{2,}/)).toEqual([id, 'nurse', 'Listad Sköterska', clinicId, '-', 'token', '2027-03-30 08:00 local', '2027-06-28 08:00 local (expired)', '-']);
    expect(list).not.toContain(token);
    expect(list).not.toContain(token.slice('cbs_'.length));
    expect(list).not.toContain(hashStaffToken(token));
  });

  it('revokes an account: its token stops working on the very next request, and a second revoke says so', async () => {
    const clock = manualClock(NOW);
    const output = await create(clock, 90, 'Slutar Idag');
    const authorization = `Bearer ${tokenOf(output)}`;
    const id = idOf(output);
    const auth = createStaffAuthenticator({ db, clock });
    expect((await auth.authenticate(authorization)).id).toBe(id);

    clock.set('2027-03-30T12:00:00+02:00');
    expect(await runStaffCommand(db, clock, { kind: 'revoke', id })).toBe(
      `Revoked nurse Slutar Idag (${id}) at 2027-03-30 12:00 local: they can no longer sign in, from their next request on.`,
    );
    await expect(auth.authenticate(authorization)).rejects.toThrow('The bearer token was revoked.');
    expect(await runStaffCommand(db, clock, { kind: 'revoke', id })).toBe(`nurse Slutar Idag (${id}) was already revoked at 2027-03-30 12:00 local.`);
    const list = await runStaffCommand(db, clock, { kind: 'list' });
    expect(list.split('\n').find((l) => l.startsWith(id))!.split(/\s{2,}/).at(-1)).toBe('2027-03-30 12:00 local');
  });

  it('creates the first admin of an empty database with --clinic all: it covers every clinic, those created after it too', async () => {
    const empty = await openTestDatabase();
    try {
      const clock = manualClock(NOW);
      const output = await runStaffCommand(empty, clock, { kind: 'create', role: 'admin', clinics: ['all'], name: 'Första Admin', phoneE164: null, days: 30 });
      expect(output).toContain('for every clinic, those created later too.');
      const auth = createStaffAuthenticator({ db: empty, clock });
      const authorization = `Bearer ${tokenOf(output)}`;
      expect((await auth.authenticate(authorization)).clinicIds).toEqual([]);
      const later = uniqueClinicId();
      await insertClinic(empty, clinicRules({ id: later, name: 'Vårdcentralen Senare' }));
      expect((await auth.authenticate(authorization)).clinicIds).toEqual([later]);
      const list = await runStaffCommand(empty, clock, { kind: 'list' });
      expect(list.split('\n')[1]!.split(/\s{2,}/).slice(1, 4)).toEqual(['admin', 'Första Admin', 'all']);
    } finally {
      await empty.close();
    }
  });

  it('refuses to revoke an id no account has, and to create for a clinic that does not exist', async () => {
    const clock = manualClock(NOW);
    await expect(runStaffCommand(db, clock, { kind: 'revoke', id: '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' })).rejects.toThrow(
      new ConfigError("No staff member with id '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'."),
    );
    await expect(
      runStaffCommand(db, clock, { kind: 'create', role: 'nurse', clinics: ['vc-nowhere'], name: 'X', phoneE164: null, days: 9 }),
    ).rejects.toThrow("No clinic with id 'vc-nowhere'.");
  });
});

describe.skipIf(!process.env.DATABASE_URL)('the real CLI against PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof freshPostgresSchema>>;
  let db: Database;
  let clinicId: string;
  beforeAll(async () => {
    schema = await freshPostgresSchema();
    db = openPostgres(schema.url, 2);
    await migrate(db);
    clinicId = uniqueClinicId();
    await insertClinic(db, clinicRules({ id: clinicId, name: 'Vårdcentralen CLI' }));
  });
  afterAll(async () => {
    await db?.close();
    await schema?.drop();
  });

  const run = (args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const env = { PATH: process.env.PATH!, DATABASE_URL: schema.url, APP_NOW: NOW, STAFF_TOKEN_DAYS: '14', LOG_LEVEL: 'warn' };
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/staff.ts', ...args], { cwd: ROOT, env });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('exit', (code) => resolve({ code, output }));
    });

  it('creates (expiring after STAFF_TOKEN_DAYS on the APP_NOW clock), lists and revokes; another process sees the revocation at once', async () => {
    const created = await run(['create', '--role', 'nurse', '--clinic', clinicId, '--name', 'Anna Andersson']);
    expect(created.code).toBe(0);
    expect(created.output).toContain('The token expires 2027-04-13 ');
    const authorization = `Bearer ${tokenOf(created.output)}`;
    const id = idOf(created.output);

    // This test process is the "server": its own connection, its own clock.
    const auth = createStaffAuthenticator({ db, clock: manualClock(NOW) });
    expect((await auth.authenticate(authorization)).id).toBe(id);

    const listed = await run(['list']);
    expect(listed.code).toBe(0);
    expect(listed.output).toContain(id);
    expect(listed.output).not.toContain(tokenOf(created.output));

    const revoked = await run(['revoke', id]);
    expect(revoked.code).toBe(0);
    expect(revoked.output).toContain(`Revoked nurse Anna Andersson (${id})`);
    await expect(auth.authenticate(authorization)).rejects.toThrow('The bearer token was revoked.');

    const unknown = await run(['revoke', '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b']);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain("No staff member with id '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'.");
  }, 120_000);
});
