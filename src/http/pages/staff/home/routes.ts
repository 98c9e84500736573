// The staff start page (/personal): the signed-in member's clinics, each with the pages their role may use.
import { Router } from 'express';
import type { ClinicSummary } from '../../../../db/clinics.js';
import type { StaffSessions } from '../../../../services/staffSessions.js';
import { layout } from '../../layout.js';
import { langOf, text } from '../../texts/index.js';
import { staffPaths } from '../paths.js';
import { requireStaff, sessionOf } from '../session.js';
import { staffHeader } from '../templates.js';
import { homeViewModel } from './present.js';
import { homeBody } from './templates.js';

export function staffHomeRoutes(deps: { sessions: StaffSessions; listClinics: () => Promise<ClinicSummary[]> }): Router {
  const router = Router();
  router.get(staffPaths.home, ...requireStaff(deps.sessions), async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { role, clinicIds } = session.staff;
    const clinics = (await deps.listClinics()).filter((c) => clinicIds.includes(c.id));
    res.send(layout({ lang, title: text(lang, 'staff.home.title'), header: staffHeader(lang, session), body: homeBody(lang, homeViewModel(lang, role, clinics)) }));
  });
  return router;
}
