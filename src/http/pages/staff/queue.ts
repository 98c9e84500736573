// The nurse console's queue page (/personal/vardcentral/:clinicId/ko) and its JSON for live updates, with the
// form posts that claim the next or a chosen callback and follow up missed ones. Every read and write goes
// through the same call-queue and guarantee services as the JSON API, so it is authorised and audited alike.
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Clock } from '../../../clock.js';
import type { ClinicSummary } from '../../../db/clinics.js';
import { AlreadyFollowedUp, NotClaimable } from '../../../errors.js';
import type { CallQueueService } from '../../../services/callQueue.js';
import type { GuaranteeCaseService } from '../../../services/guaranteeCases.js';
import type { StaffSessions } from '../../../services/staffSessions.js';
import { ClinicIdParams } from '../../schemas.js';
import { CallbackIdParams } from '../../staffSchemas.js';
import { parseRequest } from '../../validation.js';
import { layout } from '../layout.js';
import { langOf, text, type Lang, type TextKey } from '../texts/index.js';
import { callRoutes } from './call.js';
import { consolePaths, routePatterns } from './paths.js';
import { queueViewModel } from './queuePresent.js';
import { queueBody, queueLive } from './queueTemplates.js';
import { requireStaff, sessionOf, staffHeader } from './session.js';

export interface ConsoleDeps {
  sessions: StaffSessions;
  queue: CallQueueService;
  cases: GuaranteeCaseService;
  clock: Clock;
  listClinics: () => Promise<ClinicSummary[]>;
}

export const QUEUE_PAGE_ROLES = ['nurse', 'admin'] as const;

/** Notices a redirect may ask the queue page to show (by key, so nothing from the address is echoed). */
const NOTICES: Record<string, TextKey> = {
  ingen: 'staff.notice.nothingDue',
  upptagen: 'staff.notice.takenByOther',
  tidig: 'staff.notice.notDueYet',
  borta: 'staff.notice.notInQueue',
  tillbaka: 'staff.notice.released',
  uppfoljd: 'staff.notice.followedUp',
};

export async function clinicName(deps: Pick<ConsoleDeps, 'listClinics'>, clinicId: string): Promise<string> {
  return (await deps.listClinics()).find((c) => c.id === clinicId)?.name ?? clinicId;
}

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

  router.get(routePatterns.queue, ...staffOnly, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const { clinicId, session, vm, live, version } = await liveQueue(req, res, lang);
    const noticeKey = typeof req.query.notis === 'string' ? NOTICES[req.query.notis] : undefined;
    res.send(
      layout({
        lang,
        title: text(lang, 'staff.queue.title', { clinic: await clinicName(deps, clinicId) }),
        header: staffHeader(lang, session),
        scripts: ['/assets/queue.js'],
        body: queueBody(lang, clinicId, session.csrfToken, vm, live, version, noticeKey ? text(lang, noticeKey) : null),
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
    res.redirect(303, claimed ? consolePaths.call(clinicId, claimed.id) : `${consolePaths.queue(clinicId)}?notis=ingen`);
  });

  router.post(routePatterns.claim, ...staffOnly, async (req, res) => {
    const { clinicId } = parseRequest(ClinicIdParams, { clinicId: req.params.clinicId }, 'params');
    const { id } = parseRequest(CallbackIdParams, { id: req.params.id }, 'params');
    try {
      const claimed = await deps.queue.claimCallback(sessionOf(res).staff, id);
      res.redirect(303, consolePaths.call(claimed.clinicId, claimed.id));
    } catch (error) {
      if (!(error instanceof NotClaimable)) throw error;
      const notice = error.state === 'claimed' ? 'upptagen' : error.state === 'upcoming' ? 'tidig' : 'borta';
      res.redirect(303, `${consolePaths.queue(clinicId)}?notis=${notice}`);
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
    res.redirect(303, `${consolePaths.queue(clinicId)}?notis=uppfoljd#missade`);
  });

  router.use(callRoutes(deps, staffOnly));
  return router;
}
