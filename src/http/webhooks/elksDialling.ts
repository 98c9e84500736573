// 46elks webhooks of agent-first dialling and SMS delivery, mounted behind the secret key in their URLs
// (src/telephony/webhookKey.ts). Each answers at once; a 5xx makes 46elks send it again, so each is idempotent.
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { recordSmsDelivery } from '../../db/smsDelivery.js';
import type { HangupFields } from '../../domain/dialling.js';
import type { Logger } from '../../logger.js';
import type { DiallingService } from '../../services/dialling.js';
import type { ClipSet } from '../../telephony/clips.js';
import { webhookUrl } from '../../telephony/webhookKey.js';
import { promptAudioRoutes } from './elksVoice.js';

const Id = z.uuid();
/** The placement in the URLs we gave the provider; absent in URLs made before placements were numbered. */
const placementOf = (query: unknown): number | null => {
  const parsed = z.object({ placement: z.coerce.number().int().min(1).max(1_000_000) }).safeParse(query);
  return parsed.success ? parsed.data.placement : null;
};
const field = (body: unknown, name: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/** How long voice_start may take: the nurse has answered and hears silence meanwhile; 46elks gives up soon after. */
export const VOICE_START_DEADLINE_MS = 3000;

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'DeadlineExceeded' })), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function elksDiallingRoutes(deps: {
  dialling: DiallingService;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** The phone line's clips: the nurse hears "sorry" (when the set has it) before a failed call ends. */
  clips: ClipSet | null;
  publicBaseUrl: string;
  secret: string | null;
  deadlineMs?: number;
}): Router {
  const router = Router();
  // Served by the prompt audio route (promptAudioRoutes, mounted below) under the same key.
  const sorry =
    deps.clips?.has('sorry') && deps.secret
      ? { play: `${webhookUrl(deps.publicBaseUrl, deps.secret, '/audio/prompt.wav')}?clips=sorry`, skippable: false }
      : { hangup: 'reject' as const };

  // The nurse answered: 46elks loads this and runs the action we answer (connect the patient). Any failure or
  // slowness still answers 200 at once (an apology, then the call ends): a 5xx or a timeout drops her call silently.
  if (deps.clips) router.use(promptAudioRoutes(deps.clips, null));

  router.post('/calls/:id/voice-start', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) {
      res.json({ hangup: 'reject' });
      return;
    }
    try {
      const work = deps.dialling.voiceStart(id.data, placementOf(req.query), field(req.body, 'callid') ?? field(req.body, 'id') ?? null);
      res.json(await withinDeadline(work, deps.deadlineMs ?? VOICE_START_DEADLINE_MS));
    } catch (error) {
      // No numbers here: the error's type and code only, and our own call id.
      deps.logger.error(
        { outgoingCallId: id.data, err: { type: (error as Error)?.name, code: (error as { code?: string })?.code } },
        'voice_start of an agent-first call failed; the nurse hears an apology',
      );
      res.json(sorry);
    }
  });

  router.post('/calls/:id/hangup', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    const callId = field(req.body, 'id');
    // Nothing we can ever take: acknowledge, so the provider stops sending it.
    if (!id.success || !callId) {
      res.status(204).end();
      return;
    }
    const fields: HangupFields = { id: callId };
    for (const name of ['start', 'created', 'duration', 'state', 'actions', 'legs'] as const) fields[name] = field(req.body, name);
    await deps.dialling.hangup(id.data, placementOf(req.query), fields);
    res.status(204).end();
  });

  router.post('/sms/:id/delivered', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    const status = field(req.body, 'status');
    const providerMessageId = field(req.body, 'id');
    // Messages outside sms_messages (managers' summaries) and interim statuses are acknowledged, not stored.
    if (id.success && providerMessageId && (status === 'delivered' || status === 'failed')) {
      await recordSmsDelivery(deps.db, id.data, { providerMessageId, status, at: deps.clock.now() });
    }
    res.status(204).end();
  });

  return router;
}
