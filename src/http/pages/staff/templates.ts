// What every staff page shows: who is signed in with the sign-out button, the CSRF token in each form, and a form's
// errors (catalogue keys) as the error summary and the message beside each control.
import type { StaffSession } from '../../../services/staffSessions.js';
import { errorSummary, hiddenField } from '../components.js';
import { html, type Html } from '../html.js';
import { text, type Lang } from '../texts/index.js';
import type { FormError } from './form.js';

/** The signed-in header: who, and a sign-out form (POST with the CSRF token). */
export function staffHeader(lang: Lang, session: StaffSession): Html {
  return html`<form class="sign-out" method="post" action="/personal/logga-ut">
  <span>${text(lang, 'staff.signedInAs', { name: session.staff.name, role: session.staff.role })}</span>
  ${csrfField(session.csrfToken)}
  <button type="submit" class="secondary">${text(lang, 'staff.signOut')}</button>
</form>`;
}

export const csrfField = (token: string): Html => hiddenField('_csrf', token);

/** The error summary of a staff form, each error linking to its control. */
export const formErrorSummary = (lang: Lang, errors: readonly FormError[]) =>
  errorSummary(
    text(lang, 'staff.errors.title'),
    errors.map((e) => ({ target: e.field, message: text(lang, e.key) })),
  );

/** The message to show beside a control, if the form has one for it. */
export function errorText(lang: Lang, errors: readonly FormError[], id: string): string | undefined {
  const found = errors.find((e) => e.field === id);
  return found ? text(lang, found.key) : undefined;
}
