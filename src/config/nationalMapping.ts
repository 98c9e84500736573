// The national file's mapping (column names and code values), read once at start-up from JSON and validated: the
// shipped default (national-mapping.json beside this module), or a region's own file named by NATIONAL_MAPPING_FILE.
// A bad file stops start-up naming the file and every problem in it. docs/measures.md#the-mapping describes it.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NATIONAL_COLUMNS, REQUIRED_NATIONAL_COLUMNS, type NationalMapping } from '../domain/nationalReport.js';
import { CONTACT_MODES, PROFESSIONS } from '../domain/profession.js';
import { ConfigError } from '../errors.js';

/** The shipped default's path (copied beside the compiled module by `npm run build`). */
export const DEFAULT_NATIONAL_MAPPING_FILE = fileURLToPath(new URL('./national-mapping.json', import.meta.url));

/** Visible text on one line, at most `max` characters. */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not hold control characters or line breaks');

/** A code or header. */
const Text = line(100);

/** An object with exactly these keys, each a code. */
const codesFor = <K extends string>(keys: readonly K[]) => z.strictObject(Object.fromEntries(keys.map((k) => [k, Text])) as Record<K, typeof Text>);

const NationalMappingSchema = z
  .strictObject({
    name: line(200),
    columns: z.array(z.strictObject({ key: z.enum(NATIONAL_COLUMNS), header: Text })).min(1),
    codes: z.strictObject({
      all: Text,
      measure: codesFor(['telephone', 'medicalAssessment'] as const),
      interval: codesFor(['sameDay', 'within3Days', 'within7Days'] as const),
      profession: codesFor(PROFESSIONS),
      contactForm: codesFor(CONTACT_MODES),
      sex: codesFor(['female', 'male', 'unknown'] as const),
      ownership: codesFor(['public', 'private', 'unknown'] as const),
      suppressed: codesFor(['yes', 'no'] as const),
    }),
  })
  .superRefine((m, ctx) => {
    const keys = m.columns.map((c) => c.key);
    for (const key of REQUIRED_NATIONAL_COLUMNS) {
      if (!keys.includes(key)) ctx.addIssue({ code: 'custom', path: ['columns'], message: `must include the column "${key}"` });
    }
    const twice = (list: readonly string[]) => [...new Set(list.filter((v, i) => list.indexOf(v) !== i))];
    for (const key of twice(keys)) ctx.addIssue({ code: 'custom', path: ['columns'], message: `lists the column "${key}" twice` });
    for (const header of twice(m.columns.map((c) => c.header))) ctx.addIssue({ code: 'custom', path: ['columns'], message: `has two columns named "${header}"` });
    // Values that must tell rows apart: one code per meaning (professions and contact forms may share on purpose).
    const distinct: [string, readonly string[]][] = [
      ['measure', Object.values(m.codes.measure)],
      ['interval', Object.values(m.codes.interval)],
      ['sex', Object.values(m.codes.sex)],
      ['ownership', Object.values(m.codes.ownership)],
      ['suppressed', Object.values(m.codes.suppressed)],
    ];
    for (const [name, values] of distinct) {
      for (const v of twice(values)) ctx.addIssue({ code: 'custom', path: ['codes', name], message: `gives "${v}" to two values` });
    }
    // A breakdown row and the unit's total must differ in the breakdown's column.
    for (const name of ['profession', 'contactForm', 'sex'] as const) {
      if (Object.values(m.codes[name]).includes(m.codes.all)) {
        ctx.addIssue({ code: 'custom', path: ['codes', name], message: `must not use "${m.codes.all}", the code of codes.all` });
      }
    }
  });

/** Parses a mapping (the JSON's value); the problems named by their path in the file. */
export function parseNationalMapping(value: unknown, source: string): NationalMapping {
  const parsed = NationalMappingSchema.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new ConfigError(`Invalid national mapping ${source}:\n${lines.join('\n')}`);
  }
  return parsed.data as NationalMapping;
}

/** Reads and validates a mapping file; the default when no path is given. */
export function loadNationalMapping(file: string = DEFAULT_NATIONAL_MAPPING_FILE): NationalMapping {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the national mapping ${file} (NATIONAL_MAPPING_FILE): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`The national mapping ${file} is not JSON: ${(error as Error).message}`);
  }
  return parseNationalMapping(json, file);
}

let shipped: NationalMapping | undefined;

/** The shipped default, read once per process. */
export function defaultNationalMapping(): NationalMapping {
  return (shipped ??= loadNationalMapping());
}
