// The call card (/personal/vardcentral/:clinicId/samtal/:id): the claimed callback with its number to tap, the
// attempt logged in one click, and for a reached patient the outcome form. The same call-queue service as
// POST …/attempts and PUT …/outcome, with the API's own request schemas. Where the clinic dials agent first,
// "Ring" (POST …/ring) uses the dialling service of POST …/dial, and the attempt comes from the provider's record.
import { Router, type RequestHandler, type Response } from 'express';
import { CALL_OUTCOMES } from '../../../domain/callAttempt.js';
import { deadline, startDate } from '../../../domain/guaranteeCase.js';
import { AppError, CallbackNotFound, GuaranteeCaseNotFound, NotClaimed } from '../../../errors.js';
import type { OutgoingCall } from '../../../db/outgoingCalls.js';
import type { DiallingService } from '../../../services/dialling.js';
import { DialBody } from '../../routes/dial.js';
import type { StaffMember } from '../../../services/staffAuth.js';
import { ClinicIdParams } from '../../schemas.js';
import { AttemptBody, CallbackIdParams, OutcomeBody, outcomeInputOf } from '../../staffSchemas.js';
import { parseRequest } from '../../validation.js';
import { isolated, isolatedText } from '../html.js';
import { layout } from '../layout.js';
import { langOf, text, type Lang } from '../texts/index.js';
import { callBody, type CallViewModel } from './callTemplates.js';
import { emptyOutcomeForm, formErrorsOf, outcomeFields, outcomeFormValues, outcomeRequest, type FormError, type OutcomeFormValues } from './forms.js';
import { clock, dateInWords, dayAndTime, label, phoneForPeople, textWith, who } from './present.js';
import type { ConsoleDeps } from './queue.js';
import { consolePaths, routePatterns } from './paths.js';
import { sessionOf, staffHeader } from './session.js';

function ids(params: Record<string, string>) {
  const { clinicId } = parseRequest(ClinicIdParams, { clinicId: params.clinicId }, 'params');
  const { id } = parseRequest(CallbackIdParams, { id: params.id }, 'params');
  return { clinicId, id };
}

/** The Ring form's post, beside the card's other forms. */
const ringPath = (clinicId: string, id: string) => `${consolePaths.call(clinicId, id)}/ring`;

/** What the card says about this attempt's dialled call, or null when there is nothing to say. */
function dialStatus(lang: Lang, call: OutgoingCall | null): string | null {
  if (!call) return null;
  if (call.state === 'placing' || call.state === 'pending') return text(lang, 'staff.call.dial.placing');
  if (call.state === 'placed') return text(lang, 'staff.call.dial.placed');
  if (call.state !== 'failed') return null;
  if (call.failure === 'agent_unanswered') return text(lang, 'staff.call.dial.agentUnanswered');
  if (call.failure === 'patient_not_dialled') return text(lang, 'staff.call.dial.notDialled');
  if (call.failure === 'provider_unavailable') return text(lang, 'staff.call.dial.providerDown');
  // The provider may have placed the call although its answer never came: her phone may still ring.
  if (call.failure === 'provider_timeout') return text(lang, 'staff.call.dial.providerTimeout');
  if (call.failure === 'provider_refused') return text(lang, 'staff.call.dial.providerRefused');
  return text(lang, 'staff.call.dial.error.other');
}

/** The card's words for a refused Ring, and the status the page answers with. */
function dialError(lang: Lang, error: AppError): { message: string; status: number } {
  switch (error.code) {
    case 'agent_phone_missing':
      return { message: text(lang, 'staff.call.dial.error.agent_phone_missing'), status: 422 };
    case 'validation_failed':
      return { message: text(lang, 'staff.call.dial.error.validation_failed'), status: 400 };
    case 'before_promised_time':
      return { message: text(lang, 'staff.call.dial.error.before_promised_time', { time: String(error.details?.callableFrom ?? '').slice(11, 16) }), status: 409 };
    case 'outside_calling_hours':
    case 'dialling_unavailable':
      return { message: text(lang, `staff.call.dial.error.${error.code}`), status: 409 };
    case 'service_unavailable':
      return { message: text(lang, 'staff.call.dial.providerDown'), status: 503 };
    case 'call_refused':
      return { message: text(lang, 'staff.call.dial.providerRefused'), status: 502 };
    default:
      return { message: text(lang, 'staff.call.dial.error.other'), status: 409 };
  }
}

/** The console's dependencies; app.ts also hands it the dialling service (the Ring button). */
export function callRoutes(deps: ConsoleDeps & { dialling?: DiallingService }, staffOnly: RequestHandler[]): Router {
  const router = Router();

  /** The card's view model, from the audited details read (and the case, once the outcome opened one). */
  async function callViewModel(lang: Lang, staff: StaffMember, clinicId: string, id: string, ringError: string | null = null): Promise<CallViewModel> {
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
    let dial: CallViewModel['dial'] = null;
    if (state === 'calling' && deps.dialling && (await deps.dialling.enabledFor(clinicId))) {
      const latest = await deps.dialling.latest(id);
      // Only this attempt's call: an earlier attempt's ended call says nothing about the one to make now.
      const current = latest && latest.attemptNumber === c.attemptCount + 1 ? latest : null;
      dial = { action: ringPath(clinicId, id), status: dialStatus(lang, current), error: ringError };
    }
    return {
      dial,
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

  async function sendCallPage(
    res: Response,
    lang: Lang,
    clinicId: string,
    id: string,
    form?: { values: OutcomeFormValues; errors: FormError[] },
    ring?: { message: string; status: number },
  ) {
    const session = sessionOf(res);
    const vm = await callViewModel(lang, session.staff, clinicId, id, ring?.message ?? null);
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

  router.post(ringPath(':clinicId', ':id'), ...staffOnly, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { clinicId, id } = ids(req.params as Record<string, string>);
    const typed = typeof req.body?.agentPhone === 'string' ? req.body.agentPhone.trim() : '';
    try {
      const body = parseRequest(DialBody, typed ? { agentPhone: typed } : {}, 'body');
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
