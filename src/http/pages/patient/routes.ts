// The patient pages: the clinic list, a clinic's free times and booking form, the confirmation with the promise
// in words, changing the time, and cancelling (also the SMS's link). Each route parses its input, calls the booking
// service the JSON API uses, and renders; booking, closed, full and refused states come from the service's errors.
import { Router, urlencoded, type Request } from 'express';
import { DateTime } from 'luxon';
import type { Clock } from '../../../clock.js';
import {
  AlreadyBooked,
  AppError,
  BookingClosed,
  ClinicNotFound,
  NoFreeSlot,
  SlotFull,
  SlotUnavailable,
  TooManyBookings,
} from '../../../errors.js';
import { bookingRefusalsTotal, bookingsTotal } from '../../../ops/metrics.js';
import type { BookingOffer, CallbackBookingService } from '../../../services/callbackBooking.js';
import { ClinicId } from '../../primitives.js';
import type { RateLimits } from '../../rateLimits.js';
import type { SummaryItem } from '../components.js';
import { html, type Html } from '../html.js';
import { text, type Lang, type TextKey } from '../texts/index.js';
import { bookingFormValues, field, parseBookingForm, parseSlot, type BookingFormValues, type FieldError } from './form.js';
import { patientLinks } from '../../../links.js';
import { pageContext, patientErrorPage, type PageContext } from './page.js';
import { clockTime, dayInWords, daysOfChoices, opensInWords, promiseInWords, statusView, timeRange } from './present.js';
import { bookingForm, cancelForm, changeForm, clinicList, errorSummary, message, notice, refusal } from './templates.js';

export interface PatientPageDeps {
  booking: CallbackBookingService;
  limits: RateLimits;
  clock: Clock;
}

/** A token from the address; a missing one is answered like a wrong one (CallbackNotFound). */
export const queryToken = (req: Request): string => (typeof req.query.token === 'string' ? req.query.token.slice(0, 200) : '');

/** A malformed clinic id in the address is an unknown clinic, like any other. */
function clinicIdOf(raw: unknown): string {
  const parsed = ClinicId.safeParse(raw);
  if (!parsed.success) throw new ClinicNotFound(String(raw).slice(0, 64));
  return parsed.data;
}

const FORM_BODY = urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

const EMPTY_FORM: BookingFormValues = { phone: '', pin: '', name: '', reason: '', slot: '' };

/** The page a clinic shows when it cannot take a booking now: closed (with the next opening) or no free time. */
function refusalBody(lang: Lang, timezone: string, error: BookingClosed | NoFreeSlot, now: DateTime): Html {
  return refusal(lang, error instanceof BookingClosed ? { closed: true, opens: opensInWords(lang, timezone, error.opensAt, now) } : { closed: false });
}

export function patientPageRoutes(deps: PatientPageDeps): Router {
  const { booking, limits, clock } = deps;
  const router = Router();

  router.get('/', limits.publicReads, async (req, res) => {
    const page = pageContext(req, res);
    const clinics = await booking.listClinics();
    page.send(200, text(page.lang, 'patient.clinics.title'), clinicList(page.lang, clinics));
  });

  /** The clinic's page: what it offers now and the booking form, or why it cannot take a booking now. */
  async function showClinic(page: PageContext, clinicId: string, form: { status: number; values: BookingFormValues; errors: FieldError[] }) {
    const { lang } = page;
    const t = (key: TextKey, vars?: Record<string, string>) => text(lang, key, vars);
    const rules = await booking.clinicRules(clinicId);
    const now = clock.now();
    let offer: BookingOffer;
    try {
      offer = await booking.offer(clinicId);
    } catch (error) {
      if (!(error instanceof BookingClosed || error instanceof NoFreeSlot)) throw error;
      page.send(form.status === 200 ? 200 : 409, rules.name, refusalBody(lang, rules.timezone, error, now));
      return;
    }
    const tz = rules.timezone;
    const earliest = { when: dayInWords(lang, tz, offer.earliest.start, now), time: timeRange(lang, tz, offer.earliest) };
    const shown: SummaryItem[] = form.errors.map((e) => ({ target: e.field === 'slot' ? 'slot-first' : e.field, message: t(e.key) }));
    const byField = Object.fromEntries(form.errors.map((e) => [e.field, t(e.key)]));
    const body = html`${errorSummary(lang, shown)}
${notice(offer.todayFull ? t('patient.clinic.todayFull', earliest) : t('patient.clinic.earliest', earliest), offer.todayFull ? 'warn' : 'info')}
${bookingForm(lang, {
  action: `/vardcentral/${clinicId}`,
  values: form.values,
  errors: byField,
  firstFreeLabel: t('patient.form.firstFree', earliest),
  days: daysOfChoices(lang, tz, offer, now, form.values.slot || null),
})}
<p><a href="/">${t('patient.clinic.backToList')}</a></p>`;
    page.send(form.status, rules.name, body);
  }

  router.get('/vardcentral/:clinicId', limits.publicReads, async (req, res) => {
    const page = pageContext(req, res);
    await showClinic(page, clinicIdOf(req.params.clinicId), { status: 200, values: EMPTY_FORM, errors: [] });
  });

  router.post('/vardcentral/:clinicId', limits.bookings, FORM_BODY, async (req, res) => {
    const page = pageContext(req, res);
    const clinicId = clinicIdOf(req.params.clinicId);
    const values = bookingFormValues(req.body);
    const parsed = parseBookingForm(values);
    if (!parsed.ok) {
      await showClinic(page, clinicId, { status: 400, values, errors: parsed.errors });
      return;
    }
    try {
      await limits.consumePhone(parsed.booking.phoneE164);
      const result = await booking.book(clinicId, { ...parsed.booking, channel: 'web' }, null);
      bookingsTotal.inc({ channel: 'web' });
      res.redirect(303, patientLinks.booking(result.callback.id, result.token));
    } catch (error) {
      // The same refusals the API counts (turned-away callers), whichever way the patient booked.
      if (error instanceof AppError) bookingRefusalsTotal.inc({ reason: error.code });
      const again = (key: TextKey) => showClinic(page, clinicId, { status: 409, values, errors: [{ field: 'slot', key }] });
      if (error instanceof SlotFull) return again('patient.error.slotTaken');
      if (error instanceof SlotUnavailable) return again('patient.error.slotGone');
      if (error instanceof BookingClosed || error instanceof NoFreeSlot) {
        return showClinic(page, clinicId, { status: 409, values, errors: [] });
      }
      if (error instanceof AlreadyBooked) return showAlreadyBooked(page, clinicId, error);
      if (error instanceof TooManyBookings) {
        const t = (key: TextKey, vars?: Record<string, string | number>) => text(page.lang, key, vars);
        page.send(409, t('patient.tooMany.title'), message([t('patient.tooMany.text', { max: Number(error.details?.max ?? 0) })]));
        return;
      }
      throw error;
    }
  });

  /** Rule 11: the caller is told the time they already have, and where to change it. */
  async function showAlreadyBooked(page: PageContext, clinicId: string, error: AlreadyBooked) {
    const { lang } = page;
    const rules = await booking.clinicRules(clinicId);
    const slot = (error.details as { slot: { start: string; end: string } }).slot;
    const start = DateTime.fromISO(slot.start, { setZone: true });
    const end = DateTime.fromISO(slot.end, { setZone: true });
    const tz = rules.timezone;
    page.send(
      409,
      text(lang, 'patient.alreadyBooked.title'),
      message([
        text(lang, 'patient.alreadyBooked.text', {
          clinic: rules.name,
          start: clockTime(lang, tz, start),
          end: clockTime(lang, tz, end),
          when: dayInWords(lang, tz, start, clock.now()),
        }),
        text(lang, 'patient.alreadyBooked.sms'),
      ]),
    );
  }

  /** The confirmation, and the page behind every later link: what the booking's state means now. */
  router.get('/bokning/:id', limits.publicReads, async (req, res) => {
    const page = pageContext(req, res);
    const { lang } = page;
    const t = (key: TextKey, vars?: Record<string, string>) => text(lang, key, vars);
    const token = queryToken(req);
    const callback = await booking.show(String(req.params.id), token);
    const rules = await booking.clinicRules(callback.clinicId);
    const status = statusView(lang, callback, rules.name);
    const promise = html`<p class="promise">${promiseInWords(lang, rules.timezone, callback.slot, clock.now())}</p>`;
    const bookNew = { href: `/vardcentral/${callback.clinicId}`, label: t('patient.status.bookNew') };
    let body: Html;
    if (status.changeable) {
      body = html`${req.query.andrad === '1' ? notice(t('patient.confirm.moved')) : ''}
${promise}
${message(
  [t('patient.confirm.clinic', { clinic: rules.name }), t('patient.confirm.sms'), t('patient.confirm.phoneOn')],
  [
    { href: patientLinks.change(callback.id, token), label: t('patient.confirm.change'), button: true },
    { href: patientLinks.cancel(callback.id, token), label: t('patient.confirm.cancel'), button: true },
  ],
)}`;
    } else if (callback.status === 'claimed') {
      body = html`${promise}${message([status.message])}`;
    } else {
      body = message([status.message], [bookNew]);
    }
    page.send(200, status.title, body);
  });

  /** Changing the time: the free times (the current one left out) and a form that moves the booking. */
  async function showChange(page: PageContext, id: string, token: string, form: { status: number; error?: TextKey; chosen: string | null }) {
    const { lang } = page;
    const t = (key: TextKey, vars?: Record<string, string>) => text(lang, key, vars);
    const callback = await booking.show(id, token);
    const rules = await booking.clinicRules(callback.clinicId);
    const now = clock.now();
    const keepHref = patientLinks.booking(callback.id, token);
    const samePage = patientLinks.change(callback.id, token);
    const current = html`<p>${t('patient.change.now', { promise: promiseInWords(lang, rules.timezone, callback.slot, now) })}</p>`;
    if (!statusView(lang, callback, rules.name).changeable) {
      page.send(409, t('patient.notChangeable.title'), message([t('patient.notChangeable.text')], [{ href: keepHref, label: t('patient.change.keep') }]), keepHref);
      return;
    }
    let offer: BookingOffer | null = null;
    try {
      offer = await booking.offer(callback.clinicId);
    } catch (error) {
      if (error instanceof BookingClosed) {
        page.send(form.status === 200 ? 200 : 409, t('patient.change.title'), html`${current}${refusalBody(lang, rules.timezone, error, now)}`, samePage);
        return;
      }
      if (!(error instanceof NoFreeSlot)) throw error;
    }
    const days = offer ? daysOfChoices(lang, rules.timezone, offer, now, form.chosen, callback.slot.start) : [];
    if (days.length === 0) {
      page.send(form.status, t('patient.change.title'), html`${current}${message([t('patient.change.noOther')], [{ href: keepHref, label: t('patient.change.keep') }])}`, samePage);
      return;
    }
    const error = form.error ? t(form.error) : undefined;
    page.send(
      form.status,
      t('patient.change.title'),
      html`${errorSummary(lang, error ? [{ target: 'slot-0', message: error }] : [])}
${current}
${changeForm(lang, { action: `/bokning/${encodeURIComponent(callback.id)}/andra`, token, error, days, keepHref })}`,
      samePage,
    );
  }

  router.get('/bokning/:id/andra', limits.publicReads, async (req, res) => {
    await showChange(pageContext(req, res), String(req.params.id), queryToken(req), { status: 200, chosen: null });
  });

  router.post('/bokning/:id/andra', limits.bookings, FORM_BODY, async (req, res) => {
    const page = pageContext(req, res);
    const id = String(req.params.id);
    const token = field(req.body, 'token', 200);
    const chosen = field(req.body, 'slot', 100);
    const slot = parseSlot(chosen, false);
    if (!slot.ok || !slot.start) {
      await showChange(page, id, token, { status: 400, error: 'patient.error.slot', chosen: null });
      return;
    }
    try {
      const moved = await booking.reschedule(id, token, slot.start);
      res.redirect(303, patientLinks.booking(moved.id, token, '&andrad=1'));
    } catch (error) {
      if (error instanceof SlotFull) return showChange(page, id, token, { status: 409, error: 'patient.error.slotTaken', chosen: null });
      if (error instanceof SlotUnavailable) return showChange(page, id, token, { status: 409, error: 'patient.error.slotGone', chosen: null });
      if (error instanceof BookingClosed) return showChange(page, id, token, { status: 409, chosen: null });
      throw error;
    }
  });

  router.use(patientErrorPage);
  return router;
}

/**
 * The page behind the SMS cancel link (/avboka/:id?token=…) and the confirmation page's cancel link: shows the
 * promised time and asks before cancelling. The token travels in the link and the form, never in a cookie.
 */
export function cancelPageRoutes(deps: PatientPageDeps): Router {
  const { booking, limits, clock } = deps;
  const router = Router();

  router.get('/avboka/:id', limits.publicReads, async (req, res) => {
    const page = pageContext(req, res);
    const { lang } = page;
    const token = queryToken(req);
    const callback = await booking.show(String(req.params.id), token);
    const rules = await booking.clinicRules(callback.clinicId);
    // Already cancelled, or a nurse has started: the booking's own page says so.
    if (!statusView(lang, callback, rules.name).changeable) {
      res.redirect(303, patientLinks.booking(callback.id, token));
      return;
    }
    page.send(
      200,
      text(lang, 'patient.cancel.title'),
      html`<p class="promise">${promiseInWords(lang, rules.timezone, callback.slot, clock.now())}</p>
<p>${text(lang, 'patient.confirm.clinic', { clinic: rules.name })}</p>
${cancelForm(lang, { action: `/avboka/${encodeURIComponent(callback.id)}`, token, keepHref: patientLinks.booking(callback.id, token) })}`,
    );
  });

  router.post('/avboka/:id', limits.bookings, urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 }), async (req, res) => {
    const token = field(req.body, 'token', 200);
    const callback = await booking.cancel(String(req.params.id), token);
    // The booking's page then says it is cancelled; a reload does not post again.
    res.redirect(303, patientLinks.booking(callback.id, token));
  });

  router.use(patientErrorPage);
  return router;
}
