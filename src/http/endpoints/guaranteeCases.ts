// Care-guarantee endpoints (vårdgaranti, rule 7): the at-risk list, a case, and recording its assessment or exclusion.
import { DateTime } from 'luxon';
import type { GuaranteeCaseService } from '../../services/guaranteeCases.js';
import { endpoint, type AnyEndpoint } from '../endpoint.js';
import { guaranteeCaseView, instant } from '../present.js';
import { AssessmentBody, AtRiskView, ExclusionBody, GuaranteeCaseView } from '../reportSchemas.js';
import { ClinicIdParams } from '../schemas.js';
import { CallbackIdParams } from '../staffSchemas.js';

/** No such callback, or a callback without a care-guarantee case. */
const CASE_NOT_FOUND = ['callback_not_found', 'guarantee_case_not_found'] as const;
const caseResponse = (description: string) => ({ 200: { description, schema: GuaranteeCaseView } });

export function guaranteeCaseEndpoints(deps: { cases: GuaranteeCaseService }): AnyEndpoint[] {
  const { cases } = deps;
  return [
    endpoint({
      route: 'GET /api/staff/clinics/{clinicId}/guarantee-cases/at-risk',
      summary: 'Open care-guarantee cases by deadline; those due today or overdue are marked',
      description: 'Shows patient names and numbers so staff can act; each read is written to the audit trail. Roles: nurse, manager, admin.',
      access: 'staff',
      request: { params: ClinicIdParams },
      responses: { 200: { description: 'Open cases', schema: AtRiskView } },
      errors: { 404: ['clinic_not_found'] },
      async handle({ staff, params }) {
        const list = await cases.atRisk(staff, params.clinicId);
        return {
          json: {
            today: list.today,
            guaranteeStart: cases.basis,
            cases: list.cases.map((c) => ({
              ...guaranteeCaseView(c.case, cases.basis, list.timezone),
              urgency: c.urgency,
              name: c.callback.patientName,
              phone: c.callback.phoneE164,
              requestedAt: instant(c.callback.requestedAt, list.timezone),
            })),
          },
        };
      },
    }),
    endpoint({
      route: 'GET /api/staff/guarantee-cases/{id}',
      summary: 'The care-guarantee case of a callback',
      access: 'staff',
      request: { params: CallbackIdParams },
      responses: caseResponse('The case'),
      errors: { 404: CASE_NOT_FOUND },
      async handle({ staff, params }) {
        const found = await cases.get(staff, params.id);
        return { json: guaranteeCaseView(found.case, cases.basis, found.timezone) };
      },
    }),
    endpoint({
      route: 'PUT /api/staff/guarantee-cases/{id}/assessment',
      summary: 'Record the medical assessment (instant, licensed profession, visit/video/phone)',
      description: 'Closes an open case. 409 case_not_open when already closed, unless "correct": true. Roles: nurse, admin.',
      access: 'staff',
      request: { params: CallbackIdParams, body: AssessmentBody },
      responses: caseResponse('The case'),
      errors: { 404: CASE_NOT_FOUND, 409: ['case_not_open'] },
      async handle({ staff, params, body }) {
        const updated = await cases.recordAssessment(staff, params.id, {
          at: DateTime.fromISO(body.assessedAt, { setZone: true }).toUTC(),
          profession: body.profession,
          mode: body.mode,
          note: body.note ?? null,
          correct: body.correct,
        });
        return { json: guaranteeCaseView(updated.case, cases.basis, updated.timezone) };
      },
    }),
    endpoint({
      route: 'PUT /api/staff/guarantee-cases/{id}/exclusion',
      summary: 'Exclude the case from the three-day measure, with its reason (rule 8)',
      description: 'patient_chose_later, medically_motivated_wait or not_covered. Roles: nurse, admin.',
      access: 'staff',
      request: { params: CallbackIdParams, body: ExclusionBody },
      responses: caseResponse('The case'),
      errors: { 404: CASE_NOT_FOUND, 409: ['case_not_open'] },
      async handle({ staff, params, body }) {
        const updated = await cases.recordExclusion(staff, params.id, { reason: body.reason, note: body.note ?? null, correct: body.correct });
        return { json: guaranteeCaseView(updated.case, cases.basis, updated.timezone) };
      },
    }),
  ];
}
