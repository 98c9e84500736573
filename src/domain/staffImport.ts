// Importing staff accounts from a spreadsheet (the region's staff list): each line read into an account recognised by
// the person's HSA-id, then planned against the accounts there are (create, update, unchanged, refused), so a dry run
// shows the plan and the import refuses a file with any bad line before it writes anything. Importing the same file
// twice creates nobody the second time and issues no new token.
import { z } from 'zod';
import { HsaIdSchema, SwedishPhoneSchema } from './clinicProfile.js';
import { nonBlankText } from './personText.js';

export const STAFF_COLUMNS = {
  hsaId: ['hsa-id', 'hsaid', 'hsa_id'],
  name: ['namn', 'name'],
  role: ['roll', 'role'],
  clinics: ['vårdcentraler', 'vårdcentral', 'clinics'],
  phone: ['telefon', 'phone'],
  days: ['giltig dagar', 'days'],
} as const;
export type StaffColumn = keyof typeof STAFF_COLUMNS;
const REQUIRED: readonly StaffColumn[] = ['hsaId', 'name', 'role', 'clinics'];

export type ImportRole = 'nurse' | 'manager' | 'admin';
const ROLE_WORDS: Record<string, ImportRole> = {
  sjuksköterska: 'nurse',
  nurse: 'nurse',
  chef: 'manager',
  verksamhetschef: 'manager',
  manager: 'manager',
  admin: 'admin',
  administratör: 'admin',
};
const ALL = new Set(['alla', 'all']);

/** What exists of an account, for comparing a line with it. */
export interface ExistingStaff {
  id: string;
  name: string;
  role: ImportRole;
  clinics: 'all' | readonly string[];
  phoneE164: string | null;
  revoked: boolean;
}

export interface StaffLineResult {
  hsaId: string;
  name: string;
  role: ImportRole;
  clinics: 'all' | string[];
  phoneE164: string | null;
  /** Days the new token is valid; null: the region's default. */
  days: number | null;
}

export type StaffImportAction = 'create' | 'update' | 'unchanged' | 'refused';

export interface StaffImportLine {
  line: number;
  hsaId: string;
  action: StaffImportAction;
  changes: ('name' | 'clinics' | 'phone')[];
  issues: { column: string; message: string }[];
  /** The account to create, or the existing one's id and what it becomes. */
  result?: StaffLineResult & { id?: string };
}

export interface StaffImportPlan {
  ignoredColumns: string[];
  lines: StaffImportLine[];
  counts: Record<StaffImportAction, number>;
}

export function staffColumnsOf(header: readonly string[]): { at: Partial<Record<StaffColumn, number>>; ignored: string[]; missing: StaffColumn[] } {
  const at: Partial<Record<StaffColumn, number>> = {};
  const ignored: string[] = [];
  header.forEach((h, i) => {
    const name = h.trim().toLowerCase();
    const column = (Object.keys(STAFF_COLUMNS) as StaffColumn[]).find((c) => (STAFF_COLUMNS[c] as readonly string[]).includes(name));
    if (column && at[column] === undefined) at[column] = i;
    else ignored.push(h);
  });
  return { at, ignored, missing: REQUIRED.filter((c) => at[c] === undefined) };
}

const DaysSchema = z.coerce.number().int().min(1).max(3650);

/**
 * Plans the import against `existing` accounts by HSA-id. `clinicIds` are the clinics there are; `mayGrant` the
 * clinics the importing admin may give accounts ('all' for a region-wide admin, who alone may give 'all').
 */
export function planStaffImport(
  header: readonly string[],
  rows: readonly { line: number; cells: readonly string[] }[],
  existing: ReadonlyMap<string, ExistingStaff>,
  clinicIds: ReadonlySet<string>,
  mayGrant: 'all' | ReadonlySet<string>,
): StaffImportPlan {
  const { at, ignored } = staffColumnsOf(header);
  const headerOf = (c: StaffColumn) => (at[c] === undefined ? STAFF_COLUMNS[c][0] : header[at[c]!]!);
  const seen = new Map<string, number>();
  const lines = rows.map((row): StaffImportLine => {
    const cell = (c: StaffColumn) => (at[c] === undefined ? '' : (row.cells[at[c]!] ?? '').trim());
    const issues: { column: string; message: string }[] = [];
    const refuse = (c: StaffColumn, message: string) => issues.push({ column: headerOf(c), message });

    const hsa = HsaIdSchema.safeParse(cell('hsaId'));
    const hsaId = hsa.success ? hsa.data : cell('hsaId');
    if (!hsa.success) refuse('hsaId', cell('hsaId') ? hsa.error.issues[0]!.message : 'must not be empty: it is how the import recognises the person');
    else if (seen.has(hsaId)) refuse('hsaId', `is also on line ${seen.get(hsaId)}: each person once`);
    else seen.set(hsaId, row.line);

    const nameParsed = nonBlankText(200).safeParse(cell('name'));
    const name = nameParsed.success ? nameParsed.data : '';
    if (!nameParsed.success) refuse('name', nameParsed.error.issues[0]!.message);

    const role = ROLE_WORDS[cell('role').toLowerCase()];
    if (!role) refuse('role', 'must be sjuksköterska, chef or admin');

    const words = cell('clinics').split(/[\s|,]+/).filter(Boolean);
    let clinics: 'all' | string[] = [];
    if (words.length === 1 && ALL.has(words[0]!.toLowerCase())) {
      clinics = 'all';
      if (mayGrant !== 'all') refuse('clinics', 'alla (every clinic) can only be given by a region-wide admin');
    } else if (!words.length) {
      refuse('clinics', 'must name at least one clinic id, or alla');
    } else {
      clinics = [...new Set(words)].sort();
      const unknown = clinics.filter((id) => !clinicIds.has(id));
      if (unknown.length) refuse('clinics', `no clinic with the id ${unknown.join(', ')}`);
      else if (mayGrant !== 'all' && clinics.some((id) => !mayGrant.has(id))) refuse('clinics', 'names a clinic you do not administer');
    }

    const current = hsa.success ? existing.get(hsaId) : undefined;
    // No phone column: phones stay as they are; an empty cell clears one.
    let phoneE164: string | null = at.phone === undefined ? (current?.phoneE164 ?? null) : null;
    if (cell('phone')) {
      const phone = SwedishPhoneSchema.safeParse(cell('phone'));
      if (phone.success) phoneE164 = phone.data;
      else refuse('phone', phone.error.issues[0]!.message);
    }
    let days: number | null = null;
    if (cell('days')) {
      const parsed = DaysSchema.safeParse(cell('days'));
      if (parsed.success) days = parsed.data;
      else refuse('days', 'must be a whole number of days 1–3650');
    }

    if (current?.revoked) refuse('hsaId', 'belongs to a revoked account; a revoked account is not brought back by an import');
    if (current && role && current.role !== role) refuse('role', `is ${current.role} for this person now; a role is not changed by an import (revoke the account and create a new one)`);
    if (current && mayGrant !== 'all' && (current.clinics === 'all' || current.clinics.some((id) => !mayGrant.has(id)))) {
      refuse('clinics', 'this person works at clinics you do not administer');
    }
    if (issues.length || !role) return { line: row.line, hsaId, action: 'refused', changes: [], issues };

    const result: StaffLineResult = { hsaId, name, role, clinics, phoneE164, days };
    if (!current) return { line: row.line, hsaId, action: 'create', changes: ['name', 'clinics', ...(phoneE164 ? (['phone'] as const) : [])], issues, result };
    const changes: StaffImportLine['changes'] = [];
    if (current.name !== name) changes.push('name');
    if (JSON.stringify(current.clinics === 'all' ? 'all' : [...current.clinics].sort()) !== JSON.stringify(clinics)) changes.push('clinics');
    if (current.phoneE164 !== phoneE164) changes.push('phone');
    return { line: row.line, hsaId, action: changes.length ? 'update' : 'unchanged', changes, issues, ...(changes.length ? { result: { ...result, id: current.id } } : {}) };
  });
  const counts = { create: 0, update: 0, unchanged: 0, refused: 0 };
  for (const l of lines) counts[l.action]++;
  return { ignoredColumns: ignored, lines, counts };
}
