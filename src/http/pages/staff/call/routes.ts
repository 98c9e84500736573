// The call card (/personal/vardcentral/:clinicId/samtal/:id): the claimed callback with its number to tap, the
// attempt logged in one click, and for a reached patient the outcome form. The same call-queue service as
// POST …/attempts and PUT …/outcome, with the API's own request schemas. Where the clinic dials agent first,
// "Ring" (POST …/ring) uses the dialling service of POST …/dial, and the attempt comes from the provider's record.
import { Router, type RequestHandler, type Response } from 'express';
import { deadline, startDate } from '../../../../domain/guaranteeCase.js';
import { AppError, CallbackNotFound, GuaranteeCaseNotFound, NotClaimed } from '../../../../errors.js';
import type { StaffMember } from '../../../../services/staffAuth.js';
import { DialBody } from '../../../diallingSchemas.js';
import { ClinicIdParams } from '../../../schemas.js';
import { AttemptBody, CallbackIdParams, OutcomeBody, outcomeInputOf } from '../../../staffSchemas.js';
import { parseRequest } from '../../../validation.js';
import { isolated, isolatedText } from '../../html.js';
import { layout } from '../../layout.js';
import { langOf, text, textWith, type Lang } from '../../texts/index.js';
import type { ConsoleDeps } from '../console.js';
import { formErrorsOf, type FormError } from '../form.js';
import { consolePaths, routePatterns } from '../paths.js';
import type { NoticeName } from '../queue/present.js';
import { sessionOf } from '../session.js';
import { staffHeader } from '../templates.js';
import { dialRequest, emptyOutcomeForm, outcomeFields, outcomeFormValues, outcomeRequest, type OutcomeFormValues } from './form.js';
import { callState, callViewModel, dialError, needsCase, type CallFacts } from './present.js';
import { callBody } from './templates.js';

function ids(params: Record<string, string>) {
  const { clinicId } = parseRequest(ClinicIdParams, { clinicId: params.clinicId }, 'params');
  const { id } = parseRequest(CallbackIdParams, { id: params.id }, 'params');
  return { clinicId, id };
}

const released: NoticeName = 'tillbaka';

/** The call card's routes, mounted by the queue's router behind its guard (nurse or admin). */
export function callRoutes(deps: ConsoleDeps, staffOnly: RequestHandler[]): Router {
  const router = Router();

  /** What the card shows: the audited details read, and the case or the dialled call where the card speaks of them. */
  async function callFacts(staff: StaffMember, clinicId: string, id: string, ringError: string | null): Promise<CallFacts> {
    const { callback, attempts, outcome } = await deps.queue.details(staff, id);
    // A callback of another clinic is not found at this clinic's address (the service has authorised it).
    if (callback.clinicId !== clinicId) throw new CallbackNotFound();
    const timezone = await deps.queue.timezoneOf(clinicId);
    const state = callState(callback, attempts, outcome, staff.id);
    let caseDeadline: string | null = null;
    if (needsCase(state, outcome)) {
      const found = await deps.cases.get(staff, id).catch((error: unknown) => {
        if (error instanceof GuaranteeCaseNotFound) return null;
        throw error;
      });
      if (found) caseDeadline = deadline(startDate(found.case, deps.cases.basis));
    }
    let dial: CallFacts['dial'];
    if (state === 'calling' && deps.dialling && (await deps.dialling.enabledFor(clinicId))) {
      const latest = await deps.dialling.latest(id);
      // Only this attempt's call: an earlier attempt's ended call says nothing about the one to make now.
      const call = latest && latest.attemptNumber === callback.attemptCount + 1 ? latest : null;
      dial = { action: consolePaths.ring(clinicId, id), call, error: ringError };
    }
    return { callback, attempts, outcome, timezone, state, caseDeadline, dial };
  }

  async function sendCallPage(
    res: Response,
    lang: Lang,
    clinicId: string,
    id: string,
    form?: { values: OutcomeFormValues; errors: FormError[] },
    ring?: { message: string; status: number },
  ) {
    const session = sessionOf(res);
    const vm = callViewModel(lang, clinicId, await callFacts(session.staff, clinicId, id, ring?.message ?? null));
    res.status(ring?.status ?? (form?.errors.length ? 400 : 200)).send(
      layout({
        lang,
        // The patient's name isolated: in <title> as plain text, in the <h1> inside <bdi>.
        title: text(lang, 'staff.call.title', { who: isolatedText(vm.who) }),
        heading: textWith(lang, 'staff.call.title', { who: isolated(vm.who) }),
        header: staffHeader(lang, session),
        body: callBody(lang, session.csrfToken, vm, form ?? { values: emptyOutcomeForm, errors: [] }),
      }),
    );
  }

  router.get(routePatterns.call, ...staffOnly, async (req, res) => {
    const { clinicId, id } = ids(req.params as Record<string, string>);
    await sendCallPage(res, langOf(req.query, req.headers.cookie), clinicId, id);
  });

  router.post(routePatterns.attempt, ...staffOnly, async (req, res) => {
    const { clinicId, id } = ids(req.params as Record<string, string>);
    // One click: the outcome is the button pressed; the attempt is now, as the API's defaults have it.
    const body = parseRequest(AttemptBody, { outcome: req.body?.outcome }, 'body');
    try {
      await deps.queue.logAttempt(sessionOf(res).staff, id, { outcome: body.outcome, startedAt: null, endedAt: null, note: null });
    } catch (error) {
      // Her claim lapsed and a colleague took the call: the card says where it is now.
      if (!(error instanceof NotClaimed)) throw error;
    }
    res.redirect(303, consolePaths.call(clinicId, id));
  });

  router.post(consolePaths.ring(':clinicId', ':id'), ...staffOnly, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { clinicId, id } = ids(req.params as Record<string, string>);
    try {
      const body = parseRequest(DialBody, dialRequest(req.body), 'body');
      if (!deps.dialling) throw new CallbackNotFound();
      await deps.dialling.dial(sessionOf(res).staff, id, body.agentPhone ?? null);
    } catch (error) {
      if (!(error instanceof AppError) || ['forbidden', 'callback_not_found', 'unauthenticated'].includes(error.code)) throw error;
      await sendCallPage(res, lang, clinicId, id, undefined, dialError(lang, error));
      return;
    }
    res.redirect(303, consolePaths.call(clinicId, id));
  });

  router.post(routePatterns.renew, ...staffOnly, async (req, res) => {
    const { clinicId, id } = ids(req.params as Record<string, string>);
    await deps.queue.renew(sessionOf(res).staff, id);
    res.redirect(303, consolePaths.call(clinicId, id));
  });

  router.post(routePatterns.release, ...staffOnly, async (req, res) => {
    const { clinicId, id } = ids(req.params as Record<string, string>);
    await deps.queue.release(sessionOf(res).staff, id);
    res.redirect(303, `${consolePaths.queue(clinicId)}?notis=${released}`);
  });

  router.post(routePatterns.outcome, ...staffOnly, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { clinicId, id } = ids(req.params as Record<string, string>);
    const values = outcomeFormValues(req.body);
    try {
      const body = parseRequest(OutcomeBody, outcomeRequest(values), 'body');
      await deps.queue.recordOutcome(sessionOf(res).staff, id, outcomeInputOf(body));
    } catch (error) {
      await sendCallPage(res, lang, clinicId, id, { values, errors: formErrorsOf(error, outcomeFields(values)) });
      return;
    }
    res.redirect(303, `${consolePaths.call(clinicId, id)}#resultat`);
  });

  return router;
}
