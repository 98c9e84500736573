// The care-guarantee at-risk page (/personal/vardcentral/:clinicId/vardgaranti): open cases by deadline, due
// today and overdue marked, each with forms to record the medical assessment or an exclusion with its reason.
// The same guarantee-case service and request schemas as the JSON API's at-risk, assessment and exclusion routes.
import { Router, type Response } from 'express';
import { DateTime } from 'luxon';
import { CaseNotOpen } from '../../../../errors.js';
import { AssessmentBody, ExclusionBody } from '../../../reportSchemas.js';
import { ClinicIdParams } from '../../../schemas.js';
import { CallbackIdParams } from '../../../staffSchemas.js';
import { parseRequest } from '../../../validation.js';
import { layout } from '../../layout.js';
import { langOf, text, type Lang } from '../../texts/index.js';
import { clinicName, type ConsoleDeps } from '../console.js';
import { formErrorsOf } from '../form.js';
import { consolePaths, routePatterns } from '../paths.js';
import { requireStaff, sessionOf } from '../session.js';
import { staffHeader } from '../templates.js';
import { assessmentFields, assessmentRequest, caseFormValues, exclusionFields, exclusionRequest } from './form.js';
import { caseCard, localNow, RECORDING_ROLES, savedNotice } from './present.js';
import { atRiskBody, type FormState } from './templates.js';

const READ_ROLES = ['nurse', 'manager', 'admin'] as const;

export function atRiskPageRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const readers = requireStaff(deps.sessions, READ_ROLES);
  const recorders = requireStaff(deps.sessions, RECORDING_ROLES);

  async function sendPage(res: Response, lang: Lang, clinicId: string, options: { saved?: string; state?: FormState } = {}) {
    const session = sessionOf(res);
    const list = await deps.cases.atRisk(session.staff, clinicId);
    const body = atRiskBody(lang, {
      clinicId,
      csrf: session.csrfToken,
      basis: text(lang, `staff.atRisk.basis.${deps.cases.basis}`),
      cards: list.cases.map((c) => caseCard(lang, c)),
      canRecord: RECORDING_ROLES.includes(session.staff.role),
      nowLocal: localNow(deps.clock.now(), list.timezone),
      ...options,
    });
    res.status(options.state ? 400 : 200).send(
      layout({ lang, title: text(lang, 'staff.atRisk.title', { clinic: await clinicName(deps, clinicId) }), header: staffHeader(lang, session), body }),
    );
  }

  router.get(routePatterns.atRisk, ...readers, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    await sendPage(res, lang, clinicId, { saved: savedNotice(lang, req.query.sparad) });
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
