// The call card (/personal/vardcentral/:clinicId/samtal/:id): the claimed callback with its number to tap, the
// attempt logged in one click, and for a reached patient the outcome form. The same call-queue service as
// POST …/attempts and PUT …/outcome, with the API's own request schemas.
import { Router, type RequestHandler, type Response } from 'express';
import { CALL_OUTCOMES } from '../../../domain/callAttempt.js';
import { deadline, startDate } from '../../../domain/guaranteeCase.js';
import { CallbackNotFound, GuaranteeCaseNotFound, NotClaimed } from '../../../errors.js';
import type { StaffMember } from '../../../services/staffAuth.js';
import { ClinicIdParams } from '../../schemas.js';
import { AttemptBody, CallbackIdParams, OutcomeBody, outcomeInputOf } from '../../staffSchemas.js';
import { parseRequest } from '../../validation.js';
import { layout } from '../layout.js';
import { langOf, text, type Lang } from '../texts/index.js';
import { callBody, type CallViewModel } from './callTemplates.js';
import { emptyOutcomeForm, formErrorsOf, outcomeFields, outcomeFormValues, outcomeRequest, type FormError, type OutcomeFormValues } from './forms.js';
import { clock, dateInWords, dayAndTime, label, phoneForPeople, who } from './present.js';
import type { ConsoleDeps } from './queue.js';
import { consolePaths, routePatterns } from './paths.js';
import { sessionOf, staffHeader } from './session.js';

function ids(params: Record<string, string>) {
  const { clinicId } = parseRequest(ClinicIdParams, { clinicId: params.clinicId }, 'params');
  const { id } = parseRequest(CallbackIdParams, { id: params.id }, 'params');
  return { clinicId, id };
}

export function callRoutes(deps: ConsoleDeps, staffOnly: RequestHandler[]): Router {
  const router = Router();

  /** The card's view model, from the audited details read (and the case, once the outcome opened one). */
  async function callViewModel(lang: Lang, staff: StaffMember, clinicId: string, id: string): Promise<CallViewModel> {
    const { callback: c, attempts, outcome } = await deps.queue.details(staff, id);
    // A callback of another clinic is not found at this clinic's address (the service has authorised it).
    if (c.clinicId !== clinicId) throw new CallbackNotFound();
    const timezone = await deps.queue.timezoneOf(clinicId);
    const last = attempts.at(-1);
    let state: CallViewModel['state'];
    if (c.status === 'claimed' && c.claimedBy === staff.id) state = 'calling';
    else if (c.status === 'completed') state = outcome ? 'done' : 'outcome';
    else if (c.status === 'unreachable') state = last?.outcome === 'wrong_number' ? 'wrongNumber' : 'unreachable';
    else if (c.status === 'missed') state = 'missed';
    else if (c.status === 'cancelled') state = 'cancelled';
    else if ((c.status === 'booked' || c.status === 'due') && last) state = 'retry';
    else state = 'notYours';
    let result: string[] = [];
    if (state === 'done' && outcome) {
      result = [text(lang, 'staff.call.outcome.saved'), label(lang, 'staff.resolution', outcome.resolution)];
      if (!outcome.guaranteeReason) result.push(text(lang, 'staff.call.outcome.notCovered'));
      else if (outcome.assessedBy) result.push(text(lang, 'staff.call.outcome.caseClosed'));
      else {
        const found = await deps.cases.get(staff, id).catch((error: unknown) => {
          if (error instanceof GuaranteeCaseNotFound) return null;
          throw error;
        });
        if (found) result.push(text(lang, 'staff.call.outcome.caseOpened', { date: dateInWords(lang, deadline(startDate(found.case, deps.cases.basis))) }));
      }
    }
    return {
      clinicId,
      id,
      who: who(c),
      phone: phoneForPeople(c.phoneE164),
      phoneHref: `tel:${c.phoneE164}`,
      pin: c.personalIdentityNumber,
      reason: c.reason ?? text(lang, 'staff.queue.noReason'),
      promised: `${dayAndTime(lang, timezone, c.slot.start)}–${clock(timezone, c.slot.end)}`,
      attempts: attempts.map((a) =>
        text(lang, 'staff.call.attemptLine', { time: clock(timezone, a.startedAt), outcome: a.outcome ? label(lang, 'staff.outcome', a.outcome) : '…' }),
      ),
      state,
      claimUntil: c.claimExpiresAt ? text(lang, 'staff.call.claimUntil', { time: clock(timezone, c.claimExpiresAt) }) : null,
      retryAt: state === 'retry' ? text(lang, 'staff.call.retry', { time: clock(timezone, c.dueAt) }) : null,
      result,
      outcomes: CALL_OUTCOMES.map((o) => ({ value: o, label: label(lang, 'staff.outcome', o) })),
    };
  }

  async function sendCallPage(res: Response, lang: Lang, clinicId: string, id: string, form?: { values: OutcomeFormValues; errors: FormError[] }) {
    const session = sessionOf(res);
    const vm = await callViewModel(lang, session.staff, clinicId, id);
    res.status(form?.errors.length ? 400 : 200).send(
      layout({
        lang,
        title: text(lang, 'staff.call.title', { who: vm.who }),
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

  router.post(routePatterns.renew, ...staffOnly, async (req, res) => {
    const { clinicId, id } = ids(req.params as Record<string, string>);
    await deps.queue.renew(sessionOf(res).staff, id);
    res.redirect(303, consolePaths.call(clinicId, id));
  });

  router.post(routePatterns.release, ...staffOnly, async (req, res) => {
    const { clinicId, id } = ids(req.params as Record<string, string>);
    await deps.queue.release(sessionOf(res).staff, id);
    res.redirect(303, `${consolePaths.queue(clinicId)}?notis=tillbaka`);
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
