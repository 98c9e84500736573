// The staff start page: the signed-in member's clinics, each with the pages their role may use.
import { Router } from 'express';
import type { ClinicSummary } from '../../../db/clinics.js';
import type { StaffSessions } from '../../../services/staffSessions.js';
import { html } from '../html.js';
import { layout } from '../layout.js';
import { langOf, text } from '../texts/index.js';
import { requireStaff, sessionOf, staffHeader } from './session.js';

/** Where each staff page lives; the page routers use the same paths. */
export const staffPaths = {
  home: '/personal',
  queue: (clinicId: string) => `/personal/vardcentral/${clinicId}/ko`,
  atRisk: (clinicId: string) => `/personal/vardcentral/${clinicId}/vardgaranti`,
  settings: (clinicId: string) => `/personal/vardcentral/${clinicId}/installningar`,
  reports: '/personal/rapporter',
};

export function staffHomeRoutes(deps: { sessions: StaffSessions; listClinics: () => Promise<ClinicSummary[]> }): Router {
  const router = Router();
  router.get(staffPaths.home, ...requireStaff(deps.sessions), async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { role, clinicIds } = session.staff;
    const clinics = (await deps.listClinics()).filter((c) => clinicIds.includes(c.id));
    const manages = role === 'manager' || role === 'admin';
    res.send(
      layout({
        lang,
        title: text(lang, 'staff.home.title'),
        header: staffHeader(lang, session),
        body: html`
${manages ? html`<p><a class="button" href="${staffPaths.reports}">Uppföljning och rapporter</a></p>` : ''}
<h2>${text(lang, 'staff.home.clinics')}</h2>
<ul class="plain">
${clinics.map(
  (c) => html`<li><h3>${c.name}</h3><p>
  ${role === 'nurse' || role === 'admin' ? html`<a href="${staffPaths.queue(c.id)}">Samtalskö</a> · ` : ''}
  <a href="${staffPaths.atRisk(c.id)}">Vårdgaranti: ärenden i riskzonen</a>
  ${manages ? html` · <a href="${staffPaths.settings(c.id)}">Inställningar</a>` : ''}
</p></li>`,
)}
</ul>`,
      }),
    );
  });
  return router;
}
