// The care-guarantee at-risk page (/personal/vardcentral/:clinicId/vardgaranti): open cases by deadline, due
// today and overdue marked, each with forms to record the medical assessment or an exclusion with its reason.
// The same guarantee-case service and request schemas as the JSON API's at-risk, assessment and exclusion routes.
import { Router, type Response } from 'express';
import { DateTime } from 'luxon';
import { EXCLUSION_REASONS } from '../../../domain/guaranteeCase.js';
import { CONTACT_MODES, PROFESSIONS } from '../../../domain/profession.js';
import { CaseNotOpen } from '../../../errors.js';
import type { AtRiskCase } from '../../../services/guaranteeCases.js';
import { AssessmentBody, ExclusionBody } from '../../reportSchemas.js';
import { ClinicIdParams } from '../../schemas.js';
import { CallbackIdParams } from '../../staffSchemas.js';
import { parseRequest } from '../../validation.js';
import { html, isolated, type Html } from '../html.js';
import { layout } from '../layout.js';
import { langOf, text, type Lang } from '../texts/index.js';
import {
  assessmentFields,
  assessmentRequest,
  caseFormValues,
  csrfField,
  errorSummary,
  exclusionFields,
  exclusionRequest,
  formErrorsOf,
  select,
  textInput,
  type CaseFormValues,
  type FormError,
} from './forms.js';
import { consolePaths, routePatterns } from './paths.js';
import { choices, dateInWords, label, phoneForPeople, who } from './present.js';
import { clinicName, type ConsoleDeps } from './queue.js';
import { requireStaff, sessionOf, staffHeader } from './session.js';

const READ_ROLES = ['nurse', 'manager', 'admin'] as const;
/** Who may record (the service checks it too): the page hides forms the service would refuse. */
const RECORDING_ROLES: readonly string[] = ['nurse', 'admin'];

interface CaseCard {
  id: string;
  who: string;
  phone: string;
  phoneHref: string;
  contact: string;
  deadline: string;
  urgency: { text: string; className: string };
  reason: string;
}

interface FormState {
  id: string;
  form: 'assessment' | 'exclusion';
  values: CaseFormValues;
  errors: FormError[];
}

const URGENCY_CLASS: Record<AtRiskCase['urgency'], string> = { overdue: 'late', due_today: 'due-today', upcoming: '' };

function caseCard(lang: Lang, c: AtRiskCase): CaseCard {
  return {
    id: c.case.callbackId,
    who: who(c.callback),
    phone: phoneForPeople(c.callback.phoneE164),
    phoneHref: `tel:${c.callback.phoneE164}`,
    contact: text(lang, 'staff.atRisk.contact', { date: dateInWords(lang, c.case.contactDate) }),
    deadline: text(lang, 'staff.atRisk.deadline', { date: dateInWords(lang, c.deadline) }),
    urgency: { text: text(lang, `staff.atRisk.urgency.${c.urgency}`), className: URGENCY_CLASS[c.urgency] },
    reason: text(lang, 'staff.atRisk.reason', { reason: label(lang, 'staff.guaranteeReason', c.case.reason) }),
  };
}

function caseForms(lang: Lang, clinicId: string, csrf: string, c: CaseCard, nowLocal: string, state: FormState | undefined): Html {
  const mine = (form: FormState['form']) => (state?.id === c.id && state.form === form ? state : undefined);
  const a = mine('assessment');
  const e = mine('exclusion');
  const av = a?.values;
  const ev = e?.values;
  return html`<details ${a ? 'open' : ''}>
  <summary>${text(lang, 'staff.atRisk.assess')}<span class="visually-hidden">: ${isolated(c.who)}</span></summary>
  ${errorSummary(lang, a?.errors ?? [])}
  <form method="post" action="${consolePaths.assessment(clinicId, c.id)}" novalidate>
    ${csrfField(csrf)}
    ${textInput(lang, { id: `assessedAt-${c.id}`, name: 'assessedAt', label: text(lang, 'staff.atRisk.assessedAt'), type: 'datetime-local', value: av?.assessedAt ?? nowLocal, max: nowLocal, errors: a?.errors ?? [] })}
    ${select(lang, { id: `profession-${c.id}`, name: 'profession', label: text(lang, 'staff.atRisk.profession'), options: choices(lang, 'staff.profession', PROFESSIONS), value: av?.profession ?? '', errors: a?.errors ?? [] })}
    ${select(lang, { id: `mode-${c.id}`, name: 'mode', label: text(lang, 'staff.atRisk.mode'), options: choices(lang, 'staff.mode', CONTACT_MODES), value: av?.mode ?? '', errors: a?.errors ?? [] })}
    ${textInput(lang, { id: `assessmentNote-${c.id}`, name: 'note', label: text(lang, 'staff.atRisk.note'), value: av?.note ?? '', errors: a?.errors ?? [] })}
    <label class="choice"><input type="checkbox" name="correct" value="yes" ${av?.correct ? 'checked' : ''}> ${text(lang, 'staff.atRisk.correct')}</label>
    <button type="submit">${text(lang, 'staff.atRisk.saveAssessment')}</button>
  </form>
</details>
<details ${e ? 'open' : ''}>
  <summary>${text(lang, 'staff.atRisk.exclude')}<span class="visually-hidden">: ${isolated(c.who)}</span></summary>
  ${errorSummary(lang, e?.errors ?? [])}
  <form method="post" action="${consolePaths.exclusion(clinicId, c.id)}" novalidate>
    ${csrfField(csrf)}
    ${select(lang, { id: `reason-${c.id}`, name: 'reason', label: text(lang, 'staff.atRisk.exclusionReason'), options: choices(lang, 'staff.exclusion', EXCLUSION_REASONS), value: ev?.reason ?? '', errors: e?.errors ?? [] })}
    ${textInput(lang, { id: `exclusionNote-${c.id}`, name: 'note', label: text(lang, 'staff.atRisk.note'), value: ev?.note ?? '', errors: e?.errors ?? [] })}
    <label class="choice"><input type="checkbox" name="correct" value="yes" ${ev?.correct ? 'checked' : ''}> ${text(lang, 'staff.atRisk.correct')}</label>
    <button type="submit" class="secondary">${text(lang, 'staff.atRisk.saveExclusion')}</button>
  </form>
</details>`;
}

export function atRiskPageRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const readers = requireStaff(deps.sessions, READ_ROLES);
  const recorders = requireStaff(deps.sessions, ['nurse', 'admin']);

  async function sendPage(res: Response, lang: Lang, clinicId: string, options: { saved?: string; state?: FormState } = {}) {
    const session = sessionOf(res);
    const list = await deps.cases.atRisk(session.staff, clinicId);
    const canRecord = RECORDING_ROLES.includes(session.staff.role);
    const nowLocal = deps.clock.now().setZone(list.timezone).toFormat("yyyy-MM-dd'T'HH:mm");
    const cards = list.cases.map((c) => caseCard(lang, c));
    // A case a colleague closed a moment ago has left the list: its form's errors go to the top of the page.
    const unlisted = options.state && !cards.some((c) => c.id === options.state!.id) ? options.state.errors : [];
    const body = html`
${errorSummary(lang, unlisted)}
${options.saved ? html`<p class="notice" role="status">${options.saved}</p>` : ''}
<p>${text(lang, 'staff.atRisk.intro', { basis: text(lang, `staff.atRisk.basis.${deps.cases.basis}`) })}</p>
${canRecord ? html`<p><a href="${consolePaths.queue(clinicId)}">${text(lang, 'staff.atRisk.queueLink')}</a></p>` : html`<p class="hint">${text(lang, 'staff.atRisk.readOnly')}</p>`}
${
  cards.length
    ? html`<ul class="plain queue-list">${cards.map(
        (c): Html => html`<li class="queue-card${c.urgency.className === 'late' ? ' is-late' : ''}" aria-labelledby="case-${c.id}">
  <h2 id="case-${c.id}" class="case-heading">${isolated(c.who)}</h2>
  <p><strong class="urgency ${c.urgency.className}">${c.urgency.text}</strong> · ${c.deadline}</p>
  <p class="queue-meta"><a href="${c.phoneHref}">${c.phone}</a> · ${c.contact} · ${c.reason}</p>
  ${canRecord ? caseForms(lang, clinicId, session.csrfToken, c, nowLocal, options.state) : ''}
</li>`,
      )}</ul>`
    : html`<p>${text(lang, 'staff.atRisk.none')}</p>`
}`;
    res.status(options.state ? 400 : 200).send(
      layout({ lang, title: text(lang, 'staff.atRisk.title', { clinic: await clinicName(deps, clinicId) }), header: staffHeader(lang, session), body }),
    );
  }

  router.get(routePatterns.atRisk, ...readers, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const saved = req.query.sparad === 'bedomning' ? 'staff.atRisk.savedAssessment' : req.query.sparad === 'undantag' ? 'staff.atRisk.savedExclusion' : null;
    await sendPage(res, lang, clinicId, { saved: saved ? text(lang, saved) : undefined });
  });

  for (const form of ['assessment', 'exclusion'] as const) {
    router.post(routePatterns[form], ...recorders, async (req, res) => {
      const lang = langOf(req.query, req.headers.cookie);
      const { clinicId } = parseRequest(ClinicIdParams, { clinicId: req.params.clinicId }, 'params');
      const { id } = parseRequest(CallbackIdParams, { id: req.params.id }, 'params');
      const staff = sessionOf(res).staff;
      const values = caseFormValues(req.body);
      try {
        if (form === 'assessment') {
          const timezone = await deps.queue.timezoneOf(clinicId);
          const body = parseRequest(AssessmentBody, assessmentRequest(values, timezone), 'body');
          await deps.cases.recordAssessment(staff, id, {
            at: DateTime.fromISO(body.assessedAt, { setZone: true }).toUTC(),
            profession: body.profession,
            mode: body.mode,
            note: body.note ?? null,
            correct: body.correct,
          });
        } else {
          const body = parseRequest(ExclusionBody, exclusionRequest(values), 'body');
          await deps.cases.recordExclusion(staff, id, { reason: body.reason, note: body.note ?? null, correct: body.correct });
        }
      } catch (error) {
        const errors =
          error instanceof CaseNotOpen
            ? [{ field: `${form === 'assessment' ? 'assessedAt' : 'reason'}-${id}`, key: 'staff.error.caseNotOpen' as const }]
            : formErrorsOf(error, form === 'assessment' ? assessmentFields(id) : exclusionFields(id));
        await sendPage(res, lang, clinicId, { state: { id, form, values, errors } });
        return;
      }
      res.redirect(303, `${consolePaths.atRisk(clinicId)}?sparad=${form === 'assessment' ? 'bedomning' : 'undantag'}`);
    });
  }

  return router;
}
