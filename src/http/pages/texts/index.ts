// The text catalogue: one file per audience and language (site, patient, staff, manager; .sv.ts and .en.ts), keyed
// by message id with the audience as the key's first part; `{name}` placeholders are filled in. Each English file
// is typed by its Swedish one's keys, so the two languages of an audience cannot drift apart.
import { html, type Html, type HtmlValue } from '../html.js';
import { manager as managerEn } from './manager.en.js';
import { manager as managerSv } from './manager.sv.js';
import { patient as patientEn } from './patient.en.js';
import { patient as patientSv } from './patient.sv.js';
import { site as siteEn } from './site.en.js';
import { site as siteSv } from './site.sv.js';
import { staff as staffEn } from './staff.en.js';
import { staff as staffSv } from './staff.sv.js';

export type Lang = 'sv' | 'en';

/** Each audience's catalogue in each language, for the test that they match. */
export const CATALOGUES = {
  site: { sv: siteSv, en: siteEn },
  patient: { sv: patientSv, en: patientEn },
  staff: { sv: staffSv, en: staffEn },
  manager: { sv: managerSv, en: managerEn },
} as const;

const sv = { ...siteSv, ...patientSv, ...staffSv, ...managerSv };
export type TextKey = keyof typeof sv;

const BY_LANG: Record<Lang, Record<TextKey, string>> = { sv, en: { ...siteEn, ...patientEn, ...staffEn, ...managerEn } };

export function text(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return BY_LANG[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Whether the catalogue has words for a key built at run time (a domain value's name, a record's reason). */
export const hasText = (key: string): key is TextKey => Object.hasOwn(sv, key);

/**
 * A catalogue text whose placeholders may be HTML fragments (a patient's name in <bdi>, a link): the catalogue's
 * words are escaped, the fragments kept as they are.
 */
export function textWith(lang: Lang, key: TextKey, vars: Record<string, HtmlValue>): Html {
  // Without vars, text() leaves each {placeholder} in place; split keeps the names at the odd indexes.
  const parts = text(lang, key).split(/\{(\w+)\}/);
  return html`${parts.map((part, i) => (i % 2 === 0 ? part : (vars[part] ?? `{${part}}`)))}`;
}

/** The page language: `?lang=en` or the `lang` cookie; Swedish otherwise. */
export function langOf(query: unknown, cookieHeader: string | undefined): Lang {
  const asked = (query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'en' || asked === 'sv') return asked;
  return /(?:^|;\s*)lang=en(?:;|$)/.test(cookieHeader ?? '') ? 'en' : 'sv';
}
