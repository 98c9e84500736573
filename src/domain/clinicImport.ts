// Importing a region's health centres from a spreadsheet or a catalogue export: each line read into a clinic's profile
// and simple booking rules, then planned against what exists (create, update, unchanged, refused), so a dry run can
// show the whole plan and the import itself can refuse a file with any bad line before it writes anything. Importing
// the same file twice changes nothing the second time.
import { z } from 'zod';
import { ClinicRulesSchema, LocalTimeSchema, type ClinicRules, type ClinicRulesInput } from './clinic.js';
import { ClinicProfileSchema, DEFAULT_BOOKING_WINDOW, type ClinicProfile, type ClinicStatus } from './clinicProfile.js';

/** Columns by what they hold, each with the headers it is known by (Swedish first; compared without case). */
export const CLINIC_COLUMNS = {
  id: ['id', 'vårdcentral-id', 'clinic_id'],
  name: ['namn', 'name'],
  hsaId: ['hsa-id', 'hsaid', 'hsa_id'],
  town: ['ort', 'town'],
  municipality: ['kommun', 'municipality'],
  ownership: ['driftsform', 'ownership'],
  phone: ['telefon', 'phone'],
  opens: ['öppnar', 'opens'],
  closes: ['stänger', 'closes'],
  slotMinutes: ['minuter per tid', 'slot_minutes'],
  capacity: ['platser per tid', 'capacity'],
  acceptsBookings: ['tar emot bokningar', 'accepts_bookings'],
} as const;
export type ClinicColumn = keyof typeof CLINIC_COLUMNS;

/** The columns a file must have. */
const REQUIRED: readonly ClinicColumn[] = ['id', 'name'];
const RULE_COLUMNS: readonly ClinicColumn[] = ['opens', 'closes', 'slotMinutes', 'capacity'];
const WEEKDAYS = [1, 2, 3, 4, 5];

const YES = new Set(['ja', 'yes', 'true', '1', 'j', 'y']);
const NO = new Set(['nej', 'no', 'false', '0', 'n']);
const OWNERSHIP_WORDS: Record<string, 'public' | 'private'> = { offentlig: 'public', public: 'public', region: 'public', privat: 'private', private: 'private' };

export interface ImportIssue {
  /** The column's header as the file wrote it ('' for the line as a whole). */
  column: string;
  message: string;
}

/** What exists of a clinic, for comparing a line with it. */
export interface ExistingClinic {
  profile: ClinicProfile;
  status: ClinicStatus;
  rules: ClinicRules;
}

export type ImportAction = 'create' | 'update' | 'unchanged' | 'refused';

export interface ClinicImportLine {
  line: number;
  /** The id as written ('' when the cell is empty). */
  id: string;
  action: ImportAction;
  /** What would change (create: every field set), by column name. */
  changes: ClinicColumn[];
  issues: ImportIssue[];
  /** For create and update: the clinic as it would be after the import. */
  result?: { profile: ClinicProfile; status: 'open' | 'paused' | 'closed'; rules: ClinicRules };
}

export interface ClinicImportPlan {
  /** Columns the file has that the import does not read (a catalogue export has many). */
  ignoredColumns: string[];
  lines: ClinicImportLine[];
  counts: Record<ImportAction, number>;
}

/** Which of the file's columns holds what; a missing required column refuses the whole file. */
export function columnsOf(header: readonly string[]): { at: Partial<Record<ClinicColumn, number>>; ignored: string[]; missing: ClinicColumn[] } {
  const at: Partial<Record<ClinicColumn, number>> = {};
  const ignored: string[] = [];
  header.forEach((h, i) => {
    const name = h.trim().toLowerCase();
    const column = (Object.keys(CLINIC_COLUMNS) as ClinicColumn[]).find((c) => (CLINIC_COLUMNS[c] as readonly string[]).includes(name));
    if (column && at[column] === undefined) at[column] = i;
    else ignored.push(h);
  });
  return { at, ignored, missing: REQUIRED.filter((c) => at[c] === undefined) };
}

const IdSchema = ClinicRulesSchema.shape.id;
const MinutesSchema = z.coerce.number().int().min(5).max(120);
const CapacitySchema = z.coerce.number().int().min(0).max(1000);

/**
 * Plans the import of `rows` (cells by the header's columns) against `existing` clinics by id and the HSA-ids
 * `hsaOwners` already holds (HSA-id → clinic id).
 */
export function planClinicImport(
  header: readonly string[],
  rows: readonly { line: number; cells: readonly string[] }[],
  existing: ReadonlyMap<string, ExistingClinic>,
  hsaOwners: ReadonlyMap<string, string>,
): ClinicImportPlan {
  const { at, ignored } = columnsOf(header);
  const headerOf = (c: ClinicColumn) => (at[c] === undefined ? CLINIC_COLUMNS[c][0] : header[at[c]!]!);
  const seenIds = new Map<string, number>();
  const seenHsa = new Map<string, number>();
  const lines = rows.map((row): ClinicImportLine => {
    const cell = (c: ClinicColumn): string | undefined => (at[c] === undefined ? undefined : (row.cells[at[c]!] ?? '').trim());
    const issues: ImportIssue[] = [];
    const refuse = (c: ClinicColumn | '', message: string) => {
      const column = c ? headerOf(c) : '';
      // One weekday's rule 1 problem is every weekday's: said once.
      if (!issues.some((i) => i.column === column && i.message === message)) issues.push({ column, message });
    };

    const id = cell('id') ?? '';
    const idParsed = IdSchema.safeParse(id);
    if (!idParsed.success) refuse('id', id ? idParsed.error.issues[0]!.message : 'must not be empty');
    else if (seenIds.has(id)) refuse('id', `is also on line ${seenIds.get(id)}: each clinic once`);
    else seenIds.set(id, row.line);
    const current = existing.get(id);

    // The profile: a column the file lacks keeps what exists; an empty cell clears an optional field.
    const keep = <K extends keyof ClinicProfile>(c: ClinicColumn, key: K, read: (v: string) => unknown): unknown => {
      const v = cell(c);
      if (v === undefined) return current?.profile[key] ?? null;
      return v === '' ? null : read(v);
    };
    const ownershipCell = cell('ownership');
    if (ownershipCell && !(ownershipCell.toLowerCase() in OWNERSHIP_WORDS)) refuse('ownership', 'must be offentlig or privat');
    const candidate = {
      name: cell('name') ?? current?.profile.name ?? '',
      hsaId: keep('hsaId', 'hsaId', (v) => v),
      town: keep('town', 'town', (v) => v),
      municipality: keep('municipality', 'municipality', (v) => v),
      ownership: keep('ownership', 'ownership', (v) => OWNERSHIP_WORDS[v.toLowerCase()] ?? null),
      phone: keep('phone', 'phone', (v) => v),
    };
    const profile = ClinicProfileSchema.safeParse(candidate);
    if (!profile.success) for (const i of profile.error.issues) refuse(columnOfProfileKey(String(i.path[0])), i.message);
    if (profile.success && profile.data.hsaId) {
      const hsa = profile.data.hsaId;
      const owner = hsaOwners.get(hsa);
      if (owner && owner !== id) refuse('hsaId', `${hsa} is already the HSA-id of clinic ${owner}`);
      else if (seenHsa.has(hsa)) refuse('hsaId', `${hsa} is also on line ${seenHsa.get(hsa)}`);
      else seenHsa.set(hsa, row.line);
    }

    // Bookings on or off; a closed clinic stays closed (it is reopened on its own page, deliberately).
    const acceptsCell = cell('acceptsBookings')?.toLowerCase();
    let accepts: boolean | undefined;
    if (acceptsCell) {
      if (YES.has(acceptsCell)) accepts = true;
      else if (NO.has(acceptsCell)) accepts = false;
      else refuse('acceptsBookings', 'must be ja or nej');
    }
    const status: ClinicStatus =
      current?.status === 'closed' ? 'closed' : accepts === undefined ? (current?.status ?? 'open') : accepts ? 'open' : 'paused';

    // Rules: weekday booking hours, slot length and places per slot, when the line gives any of them.
    const rules = rulesOf(id, current?.rules, profile.success ? profile.data.name : id, {
      opens: cell('opens'),
      closes: cell('closes'),
      slotMinutes: cell('slotMinutes'),
      capacity: cell('capacity'),
    }, refuse);
    if (rules && status === 'open' && !current && !rules.capacityRules.some((r) => r.capacity > 0)) {
      refuse('capacity', 'is required for a clinic that takes bookings (places per slot on weekdays); or set tar emot bokningar to nej');
    }

    if (issues.length || !profile.success || !rules) return { line: row.line, id, action: 'refused', changes: [], issues };
    const result = { profile: profile.data, status, rules };
    if (!current) return { line: row.line, id, action: 'create', changes: changedColumns(null, result), issues, result };
    const changes = changedColumns(current, result);
    return { line: row.line, id, action: changes.length ? 'update' : 'unchanged', changes, issues, ...(changes.length ? { result } : {}) };
  });
  const counts = { create: 0, update: 0, unchanged: 0, refused: 0 };
  for (const l of lines) counts[l.action]++;
  return { ignoredColumns: ignored, lines, counts };
}

function columnOfProfileKey(key: string): ClinicColumn {
  return (key in CLINIC_COLUMNS ? key : 'name') as ClinicColumn;
}

/** The clinic's rules after the line's booking-hour, slot and capacity cells; null when one is wrong. */
function rulesOf(
  id: string,
  current: ClinicRules | undefined,
  name: string,
  cells: Partial<Record<'opens' | 'closes' | 'slotMinutes' | 'capacity', string>>,
  refuse: (c: ClinicColumn, message: string) => void,
): ClinicRules | null {
  const given = RULE_COLUMNS.some((c) => cells[c as keyof typeof cells]);
  const base: ClinicRulesInput = current ?? { id, name, bookingWindow: DEFAULT_BOOKING_WINDOW };
  if (!given) return ClinicRulesSchema.parse({ ...base, id: current?.id ?? safeId(id), name });
  let ok = true;
  const read = <T>(c: ClinicColumn, schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    if (!value) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    ok = false;
    refuse(c, parsed.error.issues[0]!.message);
    return undefined;
  };
  const weekday = base.bookingWindow['1'];
  const opens = read('opens', LocalTimeSchema, cells.opens) ?? weekday?.open ?? '06:00';
  const closes = read('closes', LocalTimeSchema, cells.closes) ?? weekday?.close ?? '17:00';
  const slotMinutes = read('slotMinutes', MinutesSchema, cells.slotMinutes) ?? base.slotMinutes ?? 15;
  const capacity = read('capacity', CapacitySchema, cells.capacity);
  if (!ok) return null;
  const bookingWindow = { ...base.bookingWindow, ...Object.fromEntries(WEEKDAYS.map((d) => [String(d), { open: opens, close: closes }])) };
  const capacityRules =
    capacity === undefined ? (base.capacityRules ?? []) : [{ weekdays: WEEKDAYS, from: opens, to: closes, capacity }];
  const parsed = ClinicRulesSchema.safeParse({ ...base, id: current?.id ?? safeId(id), name, bookingWindow, slotMinutes, capacityRules });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const column: ClinicColumn = issue.path[0] === 'bookingWindow' ? (cells.opens ? 'opens' : 'closes') : issue.path[0] === 'capacityRules' ? 'capacity' : 'slotMinutes';
    refuse(column, issue.message);
  }
  return null;
}

/** A refused id still needs a valid one for the rules check to say what else is wrong. */
const safeId = (id: string) => (IdSchema.safeParse(id).success ? id : 'x');

/** The columns whose values differ between what exists and what the line makes. */
function changedColumns(current: ExistingClinic | null, next: { profile: ClinicProfile; status: ClinicStatus; rules: ClinicRules }): ClinicColumn[] {
  const changed: ClinicColumn[] = [];
  const p = current?.profile;
  for (const key of ['name', 'hsaId', 'town', 'municipality', 'ownership', 'phone'] as const) {
    if (!current ? next.profile[key] !== null : p![key] !== next.profile[key]) changed.push(key);
  }
  if (!current || current.status !== next.status) changed.push('acceptsBookings');
  const r = current?.rules;
  if (!r || canonical(r.bookingWindow) !== canonical(next.rules.bookingWindow)) changed.push('opens');
  if (!r || r.slotMinutes !== next.rules.slotMinutes) changed.push('slotMinutes');
  if (!r || canonical(r.capacityRules) !== canonical(next.rules.capacityRules)) changed.push('capacity');
  return changed;
}

/** JSON with every object's keys sorted: equal data, equal text, whatever order the database gave the keys in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
