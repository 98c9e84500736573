// The settings page's two forms as posted (urlencoded, flat names) and as shown again: the clinic's settings (booking
// hours, slot length, capacity rules, date exceptions, tolerances, duplicate policy) and its telephony. Each turns
// into the body of its PUT /api/staff/clinics/{clinicId}/… and back, and names where each API field came from.
import type { ClinicRules } from '../../../../domain/clinic.js';
import type { ClinicTelephony } from '../../../../db/clinicTelephony.js';

export const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

/** The form as typed: strings, so a page with errors shows exactly what was sent. */
export interface SettingsForm {
  windows: Record<string, { open: string; close: string }>;
  slotMinutes: string;
  rules: RuleRow[];
  exceptions: ExceptionRow[];
  early: string;
  late: string;
  onePerCaller: boolean;
}

export interface RuleRow {
  weekdays: string[];
  from: string;
  to: string;
  capacity: string;
}

export interface ExceptionRow {
  date: string;
  kind: 'closed' | 'capacity';
  capacity: string;
  note: string;
}

export function formOf(r: ClinicRules): SettingsForm {
  return {
    windows: Object.fromEntries(DAYS.map((d) => [d, { open: r.bookingWindow[d]?.open ?? '', close: r.bookingWindow[d]?.close ?? '' }])),
    slotMinutes: String(r.slotMinutes),
    rules: r.capacityRules.map((c) => ({ weekdays: c.weekdays.map(String), from: c.from, to: c.to, capacity: String(c.capacity) })),
    exceptions: r.dateExceptions.map((e) => ({ date: e.date, kind: e.closed ? 'closed' : 'capacity', capacity: e.capacity === null ? '' : String(e.capacity), note: e.note ?? '' })),
    early: String(r.earlyToleranceMinutes),
    late: String(r.lateToleranceMinutes),
    onePerCaller: r.oneOpenCallbackPerCaller,
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 200) : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : typeof v === 'string' ? [v] : []);
const count = (v: unknown, max: number) => Math.min(max, Math.max(0, Number.parseInt(str(v), 10) || 0));

/** Reads the posted form (urlencoded, flat names) back into the form model. */
export function formFromBody(body: Record<string, unknown>): SettingsForm {
  return {
    windows: Object.fromEntries(DAYS.map((d) => [d, { open: str(body[`open${d}`]), close: str(body[`close${d}`]) }])),
    slotMinutes: str(body.slotMinutes),
    rules: Array.from({ length: count(body.rules, 100) }, (_, i) => ({
      weekdays: list(body[`rule${i}_wd`]),
      from: str(body[`rule${i}_from`]),
      to: str(body[`rule${i}_to`]),
      capacity: str(body[`rule${i}_capacity`]),
    })),
    exceptions: Array.from({ length: count(body.exceptions, 400) }, (_, i) => ({
      date: str(body[`ex${i}_date`]),
      kind: str(body[`ex${i}_kind`]) === 'closed' ? 'closed' : 'capacity',
      capacity: str(body[`ex${i}_capacity`]),
      note: str(body[`ex${i}_note`]),
    })),
    early: str(body.early),
    late: str(body.late),
    onePerCaller: str(body.onePerCaller) === 'on',
  };
}

const num = (s: string): number | string => (/^-?\d+$/.test(s) ? Number(s) : s);

/** Which form row each rule and date the API got came from (empty rows are not sent). */
export interface Rows {
  ruleRows: number[];
  exceptionRows: number[];
}

/**
 * The API body the form stands for, and which form row each kept rule and date came from (empty rows are
 * dropped: a rule without places, a date row without a date), so a field's error finds its row.
 */
export function bodyOf(f: SettingsForm): { body: unknown } & Rows {
  const ruleRows: number[] = [];
  const exceptionRows: number[] = [];
  const rules = f.rules.flatMap((r, i) => {
    if (r.capacity === '') return [];
    ruleRows.push(i);
    return [{ weekdays: r.weekdays.map(Number), from: r.from, to: r.to, capacity: num(r.capacity) }];
  });
  const exceptions = f.exceptions.flatMap((e, i) => {
    if (e.date === '') return [];
    exceptionRows.push(i);
    const closed = e.kind === 'closed';
    return [{ date: e.date, closed, capacity: closed || e.capacity === '' ? null : num(e.capacity), ...(e.note ? { note: e.note } : {}) }];
  });
  const windows = Object.fromEntries(Object.entries(f.windows).filter(([, w]) => w.open !== '' || w.close !== ''));
  return {
    body: {
      bookingWindow: windows,
      slotMinutes: num(f.slotMinutes),
      capacityRules: rules,
      dateExceptions: exceptions,
      earlyToleranceMinutes: num(f.early),
      lateToleranceMinutes: num(f.late),
      oneOpenCallbackPerCaller: f.onePerCaller,
    },
    ruleRows,
    exceptionRows,
  };
}

/** Each API field (body.capacityRules.0.to) as the id of the form element it came from. */
export function fieldId(field: string, rows: Rows): string {
  const [, section, a, b] = field.split('.');
  if (section === 'bookingWindow') return a ? `${b === 'close' ? 'close' : 'open'}${a}` : 'open1';
  if (section === 'capacityRules') {
    const row = a === undefined ? 0 : (rows.ruleRows[Number(a)] ?? 0);
    return `rule${row}_${b === 'to' ? 'to' : b === 'capacity' ? 'capacity' : b === 'weekdays' ? 'wd1' : 'from'}`;
  }
  if (section === 'dateExceptions') {
    const row = a === undefined ? 0 : (rows.exceptionRows[Number(a)] ?? 0);
    return `ex${row}_${b === 'capacity' ? 'capacity' : b === 'closed' ? 'kind' : 'date'}`;
  }
  if (section === 'earlyToleranceMinutes') return 'early';
  if (section === 'lateToleranceMinutes') return 'late';
  return 'slotMinutes';
}

/** The telephony form as typed: booking numbers one per line. */
export interface TelephonyForm {
  bookingNumbers: string;
  fallbackPhone: string;
  callerId: string;
  dialAgentFirst: boolean;
}

export function telephonyFormOf(t: ClinicTelephony): TelephonyForm {
  return { bookingNumbers: t.bookingNumbers.join('\n'), fallbackPhone: t.fallbackPhone ?? '', callerId: t.callerId ?? '', dialAgentFirst: t.dialAgentFirst };
}

export function telephonyFormFromBody(body: Record<string, unknown>): TelephonyForm {
  const long = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1000) : '');
  return { bookingNumbers: long(body.bookingNumbers), fallbackPhone: str(body.fallbackPhone), callerId: str(body.callerId), dialAgentFirst: str(body.dialAgentFirst) === 'on' };
}

/** The API body the telephony form stands for: one number per line (commas too), blanks dropped. */
export function telephonyBodyOf(f: TelephonyForm): unknown {
  return {
    bookingNumbers: f.bookingNumbers.split(/[\n,;]/).map((n) => n.trim()).filter(Boolean),
    fallbackPhone: f.fallbackPhone || null,
    dialAgentFirst: f.dialAgentFirst,
    callerId: f.callerId || null,
  };
}

/** body.bookingNumbers.2 → the form element it came from. */
export function telephonyFieldId(field: string): string {
  const name = field.split('.')[1];
  return name === 'fallbackPhone' ? 'fallbackPhone' : name === 'callerId' ? 'callerId' : name === 'dialAgentFirst' ? 'dialAgentFirst' : 'bookingNumbers';
}
