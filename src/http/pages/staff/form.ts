// What the staff pages' forms share: a posted field as a string, and a refusal of the API's schema or service
// (ValidationFailed) named by the form control it is about, with a catalogue message to show beside it.
import { ValidationFailed } from '../../../errors.js';
import type { TextKey } from '../texts/index.js';

/** A field as a string; a repeated or missing field counts as empty (a browser never sends one). */
export function field(body: unknown, name: string, max = 4000): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** An empty field as left out (undefined), so the API's schema says it is missing. */
export const given = (s: string): string | undefined => (s.trim() === '' ? undefined : s);

export interface FormError {
  /** The id of the control the error summary links to. */
  field: string;
  key: TextKey;
}

/**
 * A ValidationFailed from the API's schema or service, as form errors: `fields` maps the request's top-level
 * body field (body.guarantee.reason → guarantee) to the form field and its message. Anything else is rethrown.
 */
export function formErrorsOf(error: unknown, fields: Record<string, FormError>): FormError[] {
  if (!(error instanceof ValidationFailed)) throw error;
  const found = new Map<string, FormError>();
  for (const issue of error.issues) {
    const top = issue.field.replace(/^body\./, '').split('.')[0]!;
    const mapped = fields[top];
    if (!mapped) throw error;
    found.set(mapped.field, mapped);
  }
  return [...found.values()];
}
