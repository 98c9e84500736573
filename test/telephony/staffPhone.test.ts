// The phone agent-first dialling rings: given at `npm run staff -- create --phone`, changed with set-phone,
// shown masked in list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStaffCommand, runStaffCommand } from '../../src/cli/staffCommands.js';
import { manualClock } from '../../src/clock.js';
import { ConfigError } from '../../src/errors.js';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { findStaffPhone } from '../../src/db/staffPhones.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { openTestDatabase, uniqueClinicId } from '../support/database.js';

const clock = manualClock('2027-03-30T08:00:00+02:00');
let db: Database;
let clinicId: string;

beforeAll(async () => {
  db = await openTestDatabase();
  clinicId = uniqueClinicId();
  await insertClinic(db, clinicRules({ id: clinicId, name: 'Telefon' }));
});
afterAll(async () => db?.close());

const idOf = (output: string) => output.match(/\(([0-9a-f-]{36})\)/)![1]!;
const lineOf = async (id: string) => (await runStaffCommand(db, clock, { kind: 'list' })).split('\n').find((l) => l.startsWith(id))!;

describe('staff phone numbers', () => {
  it('stores the phone given at create and lists it masked', async () => {
    const created = await runStaffCommand(db, clock, parseStaffCommand(['create', '--role', 'nurse', '--clinic', clinicId, '--name', 'Ringer', '--phone', '070-555 00 01'], 90));
    const id = idOf(created);
    expect(await findStaffPhone(db, id)).toBe('+46705550001');
    const line = await lineOf(id);
    expect(line.split(/\s{2,}/)[4]).toBe('+46 70 *** ** 01');
    expect(line).not.toContain('705550001');
  });

  it('sets, changes and removes a phone later with set-phone', async () => {
    const id = idOf(await runStaffCommand(db, clock, parseStaffCommand(['create', '--role', 'nurse', '--clinic', clinicId, '--name', 'Utan'], 90)));
    expect((await lineOf(id)).split(/\s{2,}/)[4]).toBe('-');
    const set = await runStaffCommand(db, clock, parseStaffCommand(['set-phone', id.toUpperCase(), '0705550009'], 90));
    expect(set).toBe(`Phone of ${id} set to +46 70 *** ** 09.`);
    expect(await findStaffPhone(db, id)).toBe('+46705550009');
    // Written as in the README, unquoted: the shell passes the number as three words.
    await runStaffCommand(db, clock, parseStaffCommand(['set-phone', id, '070-555', '00', '08'], 90));
    expect(await findStaffPhone(db, id)).toBe('+46705550008');
    await runStaffCommand(db, clock, parseStaffCommand(['set-phone', id, 'none'], 90));
    expect(await findStaffPhone(db, id)).toBeNull();
  });

  it('refuses a phone that is not Swedish, a missing argument, a bad id and an unknown one, naming the problem', async () => {
    const id = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(() => parseStaffCommand(['set-phone', id, 'ring me'], 90)).toThrow(/the phone number must be a Swedish phone number/);
    expect(() => parseStaffCommand(['set-phone', id], 90)).toThrow(/set-phone needs a staff id and a phone number/);
    expect(() => parseStaffCommand(['set-phone', 'anna', '0705550009'], 90)).toThrow(/'anna' is not a staff id/);
    await expect(runStaffCommand(db, clock, parseStaffCommand(['set-phone', id, '0705550009'], 90))).rejects.toThrow(ConfigError);
  });
});
