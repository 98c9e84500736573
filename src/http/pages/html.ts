// Safe HTML by construction: every interpolated value is escaped unless it is already Html (a fragment built
// with this same tag). Templates only render; they never decide a rule.
import { DIRECTION_CONTROLS } from '../primitives.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Text a person typed (a patient's name or reason), isolated from the page around it: inside <bdi> neither its
 * own direction (a right-to-left name) nor a direction control stored in it (U+202E, from before they were
 * refused at the edge) can reorder the text beside it. Every staff page shows patient text through this.
 */
export const isolated = (text: string | null | undefined): Html => html`<bdi>${text}</bdi>`;

const DIRECTION_CONTROLS_ALL = new RegExp(DIRECTION_CONTROLS.source, 'g');

/**
 * The same for plain text, where no element can go (a page's <title>): the direction controls dropped, the rest
 * between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, the characters <bdi> stands for.
 */
export const isolatedText = (text: string): string => `\u2068${text.replace(DIRECTION_CONTROLS_ALL, '')}\u2069`;

/** html`<p>${text}</p>`: text is escaped; nested html`` fragments and arrays of them are kept as they are. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}
