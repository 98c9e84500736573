// The nurse console's queue page (/personal/vardcentral/:clinicId/ko) and its JSON for live updates, with the
// form posts that claim the next or a chosen callback and follow up missed ones. Every read and write goes
// through the same call-queue and guarantee services as the JSON API, so it is authorised and audited alike.
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { AlreadyFollowedUp, NotClaimable } from '../../../../errors.js';
import { ClinicIdParams } from '../../../schemas.js';
import { CallbackIdParams } from '../../../staffSchemas.js';
import { parseRequest } from '../../../validation.js';
import { layout } from '../../layout.js';
import { langOf, text, type Lang } from '../../texts/index.js';
import { callRoutes } from '../call/routes.js';
import { clinicName, QUEUE_PAGE_ROLES, type ConsoleDeps } from '../console.js';
import { consolePaths, routePatterns } from '../paths.js';
import { requireStaff, sessionOf } from '../session.js';
import { staffHeader } from '../templates.js';
import { noticeOf, queueViewModel, type NoticeName } from './present.js';
import { queueBody, queueLive } from './templates.js';

export function queuePageRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const staffOnly = requireStaff(deps.sessions, QUEUE_PAGE_ROLES);

  /** The queue as the page shows it, and a version that changes whenever what it shows does. */
  async function liveQueue(req: Request, res: Response, lang: Lang) {
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const session = sessionOf(res);
    const { staff } = session;
    const { timezone, entries } = await deps.queue.list(staff, clinicId);
    const [atRisk, missed] = await Promise.all([deps.cases.atRisk(staff, clinicId), deps.queue.listMissed(staff, clinicId)]);
    const vm = queueViewModel(lang, { timezone, entries, cases: atRisk.cases, missed: missed.callbacks, me: staff.id, now: deps.clock.now() });
    const live = queueLive(lang, clinicId, session.csrfToken, vm);
    const version = createHash('sha256').update(vm.status).update(live.value).digest('base64url').slice(0, 16);
    return { clinicId, session, vm, live, version };
  }

  /** Back to the queue, which says in words what happened (by name, so nothing from the address is echoed). */
  const backToQueue = (res: Response, clinicId: string, notice: NoticeName, anchor = '') =>
    res.redirect(303, `${consolePaths.queue(clinicId)}?notis=${notice}${anchor}`);

  router.get(routePatterns.queue, ...staffOnly, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { clinicId, session, vm, live, version } = await liveQueue(req, res, lang);
    res.send(
      layout({
        lang,
        title: text(lang, 'staff.queue.title', { clinic: await clinicName(deps, clinicId) }),
        header: staffHeader(lang, session),
        scripts: ['/assets/queue.js'],
        body: queueBody(lang, clinicId, session.csrfToken, vm, live, version, noticeOf(lang, req.query.notis)),
      }),
    );
  });

  // The page's live updates: the same audited queue read, rendered by the server; the script only swaps it in.
  router.get(routePatterns.queueJson, ...staffOnly, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { vm, live, version } = await liveQueue(req, res, lang);
    res.json({ version, status: vm.status, html: live.value });
  });

  router.post(routePatterns.callNext, ...staffOnly, async (req, res) => {
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const claimed = await deps.queue.claimNext(sessionOf(res).staff, clinicId);
    if (claimed) res.redirect(303, consolePaths.call(clinicId, claimed.id));
    else backToQueue(res, clinicId, 'ingen');
  });

  router.post(routePatterns.claim, ...staffOnly, async (req, res) => {
    const { clinicId } = parseRequest(ClinicIdParams, { clinicId: req.params.clinicId }, 'params');
    const { id } = parseRequest(CallbackIdParams, { id: req.params.id }, 'params');
    try {
      const claimed = await deps.queue.claimCallback(sessionOf(res).staff, id);
      res.redirect(303, consolePaths.call(claimed.clinicId, claimed.id));
    } catch (error) {
      if (!(error instanceof NotClaimable)) throw error;
      backToQueue(res, clinicId, error.state === 'claimed' ? 'upptagen' : error.state === 'upcoming' ? 'tidig' : 'borta');
    }
  });

  router.post(routePatterns.followUp, ...staffOnly, async (req, res) => {
    const { clinicId } = parseRequest(ClinicIdParams, { clinicId: req.params.clinicId }, 'params');
    const { id } = parseRequest(CallbackIdParams, { id: req.params.id }, 'params');
    try {
      await deps.queue.followUp(sessionOf(res).staff, id, null);
    } catch (error) {
      // A colleague followed it up a moment ago: done either way.
      if (!(error instanceof AlreadyFollowedUp)) throw error;
    }
    backToQueue(res, clinicId, 'uppfoljd', '#missade');
  });

  router.use(callRoutes(deps, staffOnly));
  return router;
}
