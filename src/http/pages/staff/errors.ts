// Errors on staff pages answer as a page (not JSON) when a person's browser asked for one; JSON fetches keep
// the one error shape of the API. Mounted after the staff page routes.
import type { ErrorRequestHandler } from 'express';
import { AppError } from '../../../errors.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { staffPaths } from './paths.js';
import { langOf, text } from '../texts/index.js';

const STATUS: Partial<Record<string, number>> = { unauthenticated: 401, forbidden: 403, not_found: 404, validation_failed: 400, service_unavailable: 503 };

export const staffPageErrors: ErrorRequestHandler = (err, req, res, next) => {
  const wantsPage = req.path.startsWith('/personal') && !req.path.endsWith('.json') && (req.headers.accept ?? '').includes('text/html');
  if (!wantsPage || !(err instanceof AppError) || res.headersSent) {
    next(err);
    return;
  }
  const lang = langOf(req.query, req.headers.cookie);
  res.status(STATUS[err.code] ?? 409).send(
    layout({
      lang,
      title: text(lang, 'staff.errorPage.title'),
      body: html`<p class="field-error" role="alert">${err.message}</p><p><a href="${staffPaths.home}">${text(lang, 'staff.errorPage.home')}</a></p>`,
    }),
  );
};
