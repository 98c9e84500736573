// The page behind the SMS cancel link (/avboka/:id?token=…) and the confirmation page's cancel link: shows the
// promised time and asks before cancelling. The token travels in the link and the form, never in a cookie.
import { Router } from 'express';
import { urlencoded } from 'express';
import { html } from '../pages/html.js';
import { pageContext, patientErrorPage } from '../pages/patient/page.js';
import { promiseInWords, statusView } from '../pages/patient/present.js';
import { bookingHref, queryToken, type PatientPageDeps } from '../pages/patient/routes.js';
import { field } from '../pages/patient/form.js';
import { cancelForm } from '../pages/patient/templates.js';
import { text } from '../pages/texts/index.js';

export function cancelPageRoutes(deps: PatientPageDeps): Router {
  const { booking, limits, clock } = deps;
  const router = Router();

  router.get('/avboka/:id', limits.publicReads, async (req, res) => {
    const page = pageContext(req, res);
    const { lang } = page;
    const token = queryToken(req);
    const callback = await booking.show(String(req.params.id), token);
    const rules = await booking.clinicRules(callback.clinicId);
    // Already cancelled, or a nurse has started: the booking's own page says so.
    if (!statusView(lang, callback, rules.name).changeable) {
      res.redirect(303, bookingHref(callback.id, token));
      return;
    }
    page.send(
      200,
      text(lang, 'patient.cancel.title'),
      html`<p class="promise">${promiseInWords(lang, rules.timezone, callback.slot, clock.now())}</p>
<p>${text(lang, 'patient.confirm.clinic', { clinic: rules.name })}</p>
${cancelForm(lang, { action: `/avboka/${encodeURIComponent(callback.id)}`, token, keepHref: bookingHref(callback.id, token) })}`,
    );
  });

  router.post('/avboka/:id', limits.bookings, urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 }), async (req, res) => {
    const token = field(req.body, 'token', 200);
    const callback = await booking.cancel(String(req.params.id), token);
    // The booking's page then says it is cancelled; a reload does not post again.
    res.redirect(303, bookingHref(callback.id, token));
  });

  router.use(patientErrorPage);
  return router;
}
