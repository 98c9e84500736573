// 46elks webhooks of agent-first dialling and SMS delivery, mounted behind the secret key in their URLs
// (src/telephony/webhookKey.ts). Each answers at once; a 5xx makes 46elks send it again, so each is idempotent.
import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { recordSmsDelivery } from '../../db/smsDelivery.js';
import type { HangupFields } from '../../domain/dialling.js';
import type { DiallingService } from '../../services/dialling.js';

const Id = z.uuid();
const field = (body: unknown, name: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

export function elksDiallingRoutes(deps: { dialling: DiallingService; db: Database; clock: Clock }): Router {
  const router = Router();

  // The nurse answered: 46elks loads this and runs the action we answer (connect the patient).
  router.post('/calls/:id/voice-start', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    res.json(id.success ? await deps.dialling.voiceStart(id.data, field(req.body, 'callid') ?? field(req.body, 'id') ?? null) : { hangup: 'reject' });
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
    await deps.dialling.hangup(id.data, fields);
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
