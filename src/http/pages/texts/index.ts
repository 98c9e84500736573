// The text catalogue: one file per language, keyed by message id; `{name}` placeholders are filled in.
import { en } from './en.js';
import { sv, type TextKey } from './sv.js';

export type Lang = 'sv' | 'en';
export type { TextKey };

const CATALOGUES: Record<Lang, Record<TextKey, string>> = { sv, en };

export function text(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return CATALOGUES[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** The page language: `?lang=en` or the `lang` cookie; Swedish otherwise. */
export function langOf(query: unknown, cookieHeader: string | undefined): Lang {
  const asked = (query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'en' || asked === 'sv') return asked;
  return /(?:^|;\s*)lang=en(?:;|$)/.test(cookieHeader ?? '') ? 'en' : 'sv';
}
