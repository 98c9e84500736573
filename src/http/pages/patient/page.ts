// What every patient page needs from a request: its language (remembered in a cookie), the link to the same
// page in the other language, and sending the page; plus the friendly page for each error a patient can meet.
import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError, RateLimited } from '../../../errors.js';
import { layout } from '../layout.js';
import { langOf, text, type Lang } from '../texts/index.js';
import type { Html } from '../html.js';
import { message } from './templates.js';
import { minutesToWait } from './present.js';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

export interface PageContext {
  lang: Lang;
  /** `samePage`: this page's own address when the request's is not one a link can open (a form post's). */
  send(status: number, title: string, body: Html, samePage?: string): void;
}

/** The language of this request; `?lang=` is remembered in a cookie so the next pages (and form posts) keep it. */
export function pageContext(req: Request, res: Response): PageContext {
  const lang = langOf(req.query, req.headers.cookie);
  const asked = (req.query as { lang?: unknown }).lang;
  if (asked === 'en' || asked === 'sv') res.cookie('lang', asked, { path: '/', maxAge: ONE_YEAR_SECONDS * 1000, sameSite: 'lax', httpOnly: true });
  return {
    lang,
    send(status, title, body, samePage) {
      const other = new URL(samePage ?? req.originalUrl, 'http://page.invalid');
      other.searchParams.set('lang', lang === 'sv' ? 'en' : 'sv');
      // Free times change by the minute and some addresses carry a booking's token: never cached.
      res.setHeader('Cache-Control', 'no-store');
      res.status(status).type('html').send(layout({ lang, title, body, otherLanguageHref: other.pathname + other.search, scripts: ['/assets/patient.js'] }));
    },
  };
}

/** The clinic list: where a patient goes when a clinic or booking cannot be found. */
const HOME = '/';

/**
 * Errors that escape a patient route become a plain page in the patient's language, never JSON: too many
 * requests (429, with Retry-After), an unknown clinic or booking link (404), a booking a nurse has started (409).
 */
export const patientErrorPage: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const page = pageContext(req, res);
  const t = (key: Parameters<typeof text>[1], vars?: Record<string, string | number>) => text(page.lang, key, vars);
  if (err instanceof RateLimited) {
    res.setHeader('Retry-After', String(err.retryAfterSeconds));
    page.send(429, t('patient.rateLimited.title'), message([t('patient.rateLimited.text', { minutes: minutesToWait(err.retryAfterSeconds) })]));
    return;
  }
  if (err instanceof AppError) {
    res.locals.errorCode = err.code;
    switch (err.code) {
      case 'clinic_not_found':
        page.send(404, t('patient.notFound.clinic.title'), message([t('patient.notFound.clinic.text')], [{ href: HOME, label: t('patient.clinic.backToList') }]));
        return;
      case 'callback_not_found':
        page.send(404, t('patient.notFound.booking.title'), message([t('patient.notFound.booking.text')], [{ href: HOME, label: t('patient.status.bookNew') }]));
        return;
      case 'not_cancellable':
        page.send(409, t('patient.notChangeable.title'), message([t('patient.notChangeable.text')]));
        return;
      case 'service_unavailable': {
        const retry = err.details?.retryAfterSeconds;
        if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
        page.send(503, t('patient.unavailable.title'), message([t('patient.unavailable.text')]));
        return;
      }
      default:
        page.send(400, t('patient.badRequest.title'), message([t('patient.badRequest.text')], [{ href: HOME, label: t('patient.clinic.backToList') }]));
        return;
    }
  }
  // The body parser's refusals (too large, bad encoding): the patient's request, not our fault.
  const status = typeof err?.status === 'number' ? err.status : 500;
  if (status >= 400 && status < 500) {
    page.send(status, t('patient.badRequest.title'), message([t('patient.badRequest.text')], [{ href: HOME, label: t('patient.clinic.backToList') }]));
    return;
  }
  next(err);
};
