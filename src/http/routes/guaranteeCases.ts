// Care-guarantee case routes: the at-risk list, a case, and recording its assessment or exclusion.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { DateTime } from 'luxon';
import type { StoredGuaranteeCase } from '../../db/guaranteeCases.js';
import { deadline, startDate, type GuaranteeStartBasis } from '../../domain/guaranteeCase.js';
import type { GuaranteeCaseService } from '../../services/guaranteeCases.js';
import type { StaffAuthenticator } from '../../services/staffAuth.js';
import { BODY_INVALID, errorResponses } from '../openapi.js';
import { staffOfRequest } from '../staffAccess.js';
import { instant } from '../present.js';
import { AssessmentBody, AtRiskView, ExclusionBody, GuaranteeCaseView } from '../reportSchemas.js';
import { ClinicIdParams } from '../schemas.js';
import { CallbackIdParams, StaffHeaders } from '../staffSchemas.js';
import { parseRequest } from '../validation.js';

const bearer = [{ bearerAuth: [] }];
/** No such callback, or a callback without a care-guarantee case. */
const CASE_NOT_FOUND = ['callback_not_found', 'guarantee_case_not_found'] as const;

function caseView(c: StoredGuaranteeCase, basis: GuaranteeStartBasis, timezone: string) {
  const start = startDate(c, basis);
  return {
    callbackId: c.callbackId,
    clinicId: c.clinicId,
    reason: c.reason,
    status: c.status,
    contactDate: c.contactDate,
    decisionDate: c.decisionDate,
    startDate: start,
    deadline: deadline(start),
    assessment: c.assessment
      ? { at: instant(c.assessment.at, timezone), date: c.assessment.date, profession: c.assessment.profession, mode: c.assessment.mode }
      : null,
    exclusionReason: c.exclusionReason,
    note: c.note,
  };
}

export function guaranteeCaseRoutes(deps: { auth: StaffAuthenticator; cases: GuaranteeCaseService }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { cases } = deps;
  const staffOf = staffOfRequest(deps.auth);

  registry.registerPath({
    method: 'get',
    path: '/api/staff/clinics/{clinicId}/guarantee-cases/at-risk',
    summary: 'Open care-guarantee cases by deadline; those due today or overdue are marked',
    description: 'Shows patient names and numbers so staff can act; each read is written to the audit trail. Roles: nurse, manager, admin.',
    tags: ['Care guarantee'],
    security: bearer,
    request: { params: ClinicIdParams, headers: StaffHeaders },
    responses: { 200: { description: 'Open cases', content: { 'application/json': { schema: AtRiskView } } }, ...errorResponses(400, 401, 403, { 404: ['clinic_not_found'] }, 503) },
  });
  router.get('/staff/clinics/:clinicId/guarantee-cases/at-risk', async (req, res) => {
    const staff = await staffOf(req);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const list = await cases.atRisk(staff, clinicId);
    res.json({
      today: list.today,
      guaranteeStart: cases.basis,
      cases: list.cases.map((c) => ({
        ...caseView(c.case, cases.basis, list.timezone),
        urgency: c.urgency,
        name: c.callback.patientName,
        phone: c.callback.phoneE164,
        requestedAt: instant(c.callback.requestedAt, list.timezone),
      })),
    });
  });

  registry.registerPath({
    method: 'get',
    path: '/api/staff/guarantee-cases/{id}',
    summary: 'The care-guarantee case of a callback',
    tags: ['Care guarantee'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders },
    responses: { 200: { description: 'The case', content: { 'application/json': { schema: GuaranteeCaseView } } }, ...errorResponses(400, 401, 403, { 404: CASE_NOT_FOUND }, 503) },
  });
  router.get('/staff/guarantee-cases/:id', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const found = await cases.get(staff, id);
    res.json(caseView(found.case, cases.basis, found.timezone));
  });

  registry.registerPath({
    method: 'put',
    path: '/api/staff/guarantee-cases/{id}/assessment',
    summary: 'Record the medical assessment (instant, licensed profession, visit/video/phone)',
    description: 'Closes an open case. 409 case_not_open when already closed, unless "correct": true. Roles: nurse, admin.',
    tags: ['Care guarantee'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders, body: { content: { 'application/json': { schema: AssessmentBody } } } },
    responses: { 200: { description: 'The case', content: { 'application/json': { schema: GuaranteeCaseView } } }, ...errorResponses({ 400: BODY_INVALID, 404: CASE_NOT_FOUND, 409: ['case_not_open'] }, 401, 403, 413, 503) },
  });
  router.put('/staff/guarantee-cases/:id/assessment', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const body = parseRequest(AssessmentBody, req.body, 'body');
    const updated = await cases.recordAssessment(staff, id, {
      at: DateTime.fromISO(body.assessedAt, { setZone: true }).toUTC(),
      profession: body.profession,
      mode: body.mode,
      note: body.note ?? null,
      correct: body.correct,
    });
    res.json(caseView(updated.case, cases.basis, updated.timezone));
  });

  registry.registerPath({
    method: 'put',
    path: '/api/staff/guarantee-cases/{id}/exclusion',
    summary: 'Exclude the case from the three-day measure, with its reason (rule 8)',
    description: 'patient_chose_later, medically_motivated_wait or not_covered. Roles: nurse, admin.',
    tags: ['Care guarantee'],
    security: bearer,
    request: { params: CallbackIdParams, headers: StaffHeaders, body: { content: { 'application/json': { schema: ExclusionBody } } } },
    responses: { 200: { description: 'The case', content: { 'application/json': { schema: GuaranteeCaseView } } }, ...errorResponses({ 400: BODY_INVALID, 404: CASE_NOT_FOUND, 409: ['case_not_open'] }, 401, 403, 413, 503) },
  });
  router.put('/staff/guarantee-cases/:id/exclusion', async (req, res) => {
    const staff = await staffOf(req);
    const { id } = parseRequest(CallbackIdParams, req.params, 'params');
    const body = parseRequest(ExclusionBody, req.body, 'body');
    const updated = await cases.recordExclusion(staff, id, { reason: body.reason, note: body.note ?? null, correct: body.correct });
    res.json(caseView(updated.case, cases.basis, updated.timezone));
  });

  return router;
}
