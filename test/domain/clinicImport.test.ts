import { describe, expect, it } from 'vitest';
import { ClinicRulesSchema } from '../../src/domain/clinic.js';
import { planClinicImport, type ExistingClinic } from '../../src/domain/clinicImport.js';
import { DEFAULT_BOOKING_WINDOW } from '../../src/domain/clinicProfile.js';

const rules = (id: string, capacity: number) =>
  ClinicRulesSchema.parse({ id, name: id, bookingWindow: DEFAULT_BOOKING_WINDOW, capacityRules: [{ weekdays: [1, 2, 3, 4, 5], from: '06:00', to: '17:00', capacity }] });
const existing = (id: string, over: Partial<ExistingClinic> = {}): ExistingClinic => ({
  profile: { name: 'Vårdcentralen Norr', hsaId: 'SE2321000016-AAAA', town: 'Västerås', municipality: 'Västerås', ownership: 'public', phone: null },
  status: 'open',
  rules: rules(id, 3),
  ...over,
});
const rows = (...cells: string[][]) => cells.map((c, i) => ({ line: i + 2, cells: c }));

describe('planning a clinic import', () => {
  it('reads English headers too, and changes only what a line says differently', () => {
    const plan = planClinicImport(
      ['ID', 'Name', 'Town', 'capacity'],
      rows(['vc-norr', 'Vårdcentralen Norr', 'Västerås', '3'], ['vc-syd', 'Vårdcentralen Syd', 'Skultuna', '4']),
      new Map([['vc-norr', existing('vc-norr')], ['vc-syd', existing('vc-syd', { profile: { ...existing('vc-syd').profile, hsaId: null } })]]),
      new Map([['SE2321000016-AAAA', 'vc-norr']]),
    );
    expect(plan.lines.map((l) => [l.id, l.action, l.changes])).toEqual([
      ['vc-norr', 'unchanged', []],
      ['vc-syd', 'update', ['name', 'town', 'capacity']],
    ]);
  });

  it('keeps a closed clinic closed whatever its line says, and pauses one that says nej', () => {
    const plan = planClinicImport(
      ['id', 'namn', 'tar emot bokningar'],
      rows(['vc-a', 'Vårdcentralen Norr', 'ja'], ['vc-b', 'Vårdcentralen Norr', 'nej']),
      new Map([
        ['vc-a', existing('vc-a', { status: 'closed' })],
        ['vc-b', existing('vc-b', { profile: { ...existing('vc-b').profile, hsaId: 'SE2321000016-BBBB' } })],
      ]),
      new Map(),
    );
    expect(plan.lines.map((l) => [l.action, l.result?.status ?? null])).toEqual([
      ['unchanged', null],
      ['update', 'paused'],
    ]);
  });

  it('refuses hours that break rule 1, a slot length out of range, an HSA-id another clinic holds, and text with control characters', () => {
    const plan = planClinicImport(
      ['id', 'namn', 'hsa-id', 'öppnar', 'minuter per tid', 'platser per tid', 'ort'],
      rows(
        ['vc-a', 'A', '', '07:00', '', '2', ''],
        ['vc-b', 'B', '', '', '3', '2', ''],
        ['vc-c', 'C', 'se2321000016-aaaa', '', '', '2', ''],
        ['vc-d', 'D', '', '', '', '2', 'Väster\u0000ås'],
      ),
      new Map(),
      new Map([['SE2321000016-AAAA', 'vc-norr']]),
    );
    expect(plan.lines.map((l) => l.issues.map((i) => i.column))).toEqual([['öppnar'], ['minuter per tid'], ['hsa-id'], ['ort']]);
    expect(plan.lines[2]!.issues[0]!.message).toBe('SE2321000016-AAAA is already the HSA-id of clinic vc-norr');
    expect(plan.counts.refused).toBe(4);
  });
});
