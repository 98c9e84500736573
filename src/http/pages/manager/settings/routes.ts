// The clinic settings page (/personal/vardcentral/:clinicId/installningar, manager or admin of that clinic): the
// settings form and the telephony section, each posting to itself and saving through the same service as
// PUT /api/staff/clinics/{clinicId}/settings and …/telephony; a refusal is shown beside the field it names.
import { Router, type RequestHandler } from 'express';
import type { ClinicRules } from '../../../../domain/clinic.js';
import { PhoneNumberTaken, ValidationFailed } from '../../../../errors.js';
import type { ClinicSettingsService } from '../../../../services/clinicSettings.js';
import type { ClinicTelephonyService } from '../../../../services/clinicTelephony.js';
import type { StaffMember } from '../../../../services/staffAuth.js';
import type { StaffSession } from '../../../../services/staffSessions.js';
import { ClinicSettingsBody } from '../../../clinicSettingsSchemas.js';
import { ClinicTelephonyBody } from '../../../clinicTelephonySchemas.js';
import { ClinicIdParams } from '../../../schemas.js';
import { parseRequest } from '../../../validation.js';
import { html } from '../../html.js';
import { layout } from '../../layout.js';
import { staffPaths } from '../../staff/paths.js';
import { sessionOf } from '../../staff/session.js';
import { staffHeader } from '../../staff/templates.js';
import { langOf, text, type Lang } from '../../texts/index.js';
import { bodyOf, fieldId, formFromBody, formOf, telephonyBodyOf, telephonyFieldId, telephonyFormFromBody, telephonyFormOf, type SettingsForm } from './form.js';
import { numbersTaken, settingsMessage, settingsView, telephonyMessage, type FieldError } from './present.js';
import { settingsBody, telephonyBody, type TelephonyView } from './templates.js';

export interface SettingsPageDeps {
  settings: ClinicSettingsService;
  /** The telephony section (booking numbers, fallback, dialling); left out when not given. */
  telephony?: ClinicTelephonyService;
  /** The voice_start URL to give 46elks, for those who configure it (admins); null for others. */
  voiceStartUrl?: (staff: StaffMember, clinicId: string) => string | null;
  /** Signed in as a manager or admin. */
  guard: RequestHandler[];
}

type Phone = Omit<TelephonyView, 'voiceStartUrl'> | null;

export function settingsRoutes(deps: SettingsPageDeps): Router {
  const router = Router();
  const path = staffPaths.settings(':clinicId');

  const render = (lang: Lang, rules: ClinicRules, session: StaffSession, form: SettingsForm, errors: FieldError[], saved: boolean, phone: Phone) =>
    layout({
      lang,
      title: text(lang, 'manager.settings.title', { clinic: rules.name }),
      header: staffHeader(lang, session),
      body: html`${settingsBody(lang, rules.id, session.csrfToken, settingsView(lang, form, errors, saved))}${
        phone ? telephonyBody(lang, rules.id, session.csrfToken, { ...phone, voiceStartUrl: deps.voiceStartUrl?.(session.staff, rules.id) ?? null }) : ''
      }`,
    });
  const currentPhone = async (session: StaffSession, clinicId: string, saved = false): Promise<Phone> =>
    deps.telephony ? { form: telephonyFormOf(await deps.telephony.get(session.staff, clinicId)), errors: [], saved } : null;

  router.get(path, ...deps.guard, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const rules = await deps.settings.get(session.staff, clinicId);
    res.send(render(lang, rules, session, formOf(rules), [], req.query.sparat === '1', await currentPhone(session, clinicId, req.query.sparat === 'telefoni')));
  });

  router.post(path, ...deps.guard, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const current = await deps.settings.get(session.staff, clinicId);
    const form = formFromBody((req.body ?? {}) as Record<string, unknown>);
    const { body, ...rows } = bodyOf(form);
    try {
      await deps.settings.update(session.staff, clinicId, parseRequest(ClinicSettingsBody, body, 'body'));
      res.redirect(303, `${staffPaths.settings(clinicId)}?sparat=1`);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      const errors = error.issues.map((i) => ({ id: fieldId(i.field, rows), message: settingsMessage(lang, i) }));
      res.status(400).send(render(lang, current, session, form, errors, false, await currentPhone(session, clinicId)));
    }
  });

  router.post(`${path}/telefoni`, ...deps.guard, async (req, res, next) => {
    if (!deps.telephony) return next();
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const rules = await deps.settings.get(session.staff, clinicId);
    const form = telephonyFormFromBody((req.body ?? {}) as Record<string, unknown>);
    try {
      await deps.telephony.update(session.staff, clinicId, parseRequest(ClinicTelephonyBody, telephonyBodyOf(form), 'body'));
      res.redirect(303, `${staffPaths.settings(clinicId)}?sparat=telefoni#telephony-title`);
    } catch (error) {
      let errors: FieldError[];
      if (error instanceof ValidationFailed) errors = error.issues.map((i) => ({ id: telephonyFieldId(i.field), message: telephonyMessage(lang, i) }));
      else if (error instanceof PhoneNumberTaken) errors = [{ id: 'bookingNumbers', message: numbersTaken(lang, error.numbers) }];
      else throw error;
      res.status(400).send(render(lang, rules, session, formOf(rules), [], false, { form, errors, saved: false }));
    }
  });
  return router;
}
