// The sign-in page: one field for the key, what went wrong above it, and where the person goes next.
import { hiddenField, textField } from '../../components.js';
import { html } from '../../html.js';
import { layout } from '../../layout.js';
import { text, type Lang } from '../../texts/index.js';
import { SIGN_IN_PATH } from '../session.js';

export function signInPage(lang: Lang, next: string, error?: string, notice?: string): string {
  return layout({
    lang,
    title: text(lang, 'staff.signIn.title'),
    body: html`
${error ? html`<div class="error-summary" role="alert" tabindex="-1"><p class="field-error">${error}</p></div>` : ''}
${notice ? html`<p class="notice">${notice}</p>` : ''}
<form method="post" action="${SIGN_IN_PATH}">
  ${hiddenField('next', next)}
  ${textField({
    id: 'token',
    label: text(lang, 'staff.signIn.token'),
    hint: text(lang, 'staff.signIn.tokenHint'),
    value: '',
    type: 'password',
    attrs: html`autocomplete="current-password" required`,
    invalid: Boolean(error),
  })}
  <button type="submit">${text(lang, 'staff.signIn.submit')}</button>
</form>`,
  });
}
