// 46elks voice webhooks for booking by phone keypad: an incoming call's voice_start, the IVR steps after it, and
// the composed prompts as audio. A live caller never gets a 4xx/5xx or silence: bad input, errors and slowness all
// answer 200 with a spoken apology and the clinic's fallback number. Mounted under the webhook key (webhookKey.ts).
import { Router, type Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { Clip } from '../../domain/spokenPrompt.js';
import { normaliseSwedishPhone } from '../../domain/patientContact.js';
import type { CallState, PhoneBookingService, VoiceReply } from '../../services/phoneBooking.js';
import type { ClipSet } from '../../telephony/clips.js';
import { createStateSigner, STATE_SIGNATURE_PARAM } from '../../telephony/callStateSignature.js';
import { webhookUrl } from '../../telephony/webhookKey.js';

/** 46elks waits for a webhook's answer only so long; the caller must hear something well before that. */
export const VOICE_DEADLINE_MS = 3000;
/** Seconds 46elks waits for a key, and how often it plays the menu before giving up. */
const IVR_TIMEOUT_SECONDS = 10;
/** Keying a whole phone number takes longer than one key: the most 46elks allows. */
const NUMBER_ENTRY_TIMEOUT_SECONDS = 30;
const IVR_REPEAT = 3;
/**
 * A step slower than the deadline is asked again this many times (after "Ett ögonblick") before the apology: the
 * work goes on meanwhile, and asking again is safe (the booking has its ivr-<callid> idempotency key, a cancel
 * finds the callback cancelled, the other steps only read), so a booking that commits late is still told.
 */
export const MAX_SLOW_STEP_RETRIES = 2;
/** A prompt longer than this many clips is no prompt of ours. */
const MAX_PROMPT_CLIPS = 80;

const CallId = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/);
const E164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/);

const StartBody = z.object({
  callid: CallId,
  // Hidden callers arrive as "anonymous", "unknown" or nothing: the flow asks them for a number.
  from: z.string().max(64).optional().default(''),
  to: z.string().min(1).max(64),
});

/** The state a step carries in its next URL, short keys to keep URLs short. */
const StateQuery = z.object({
  c: CallId,
  k: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(64),
  s: z.enum(['offer', 'number', 'confirm', 'cancel']),
  p: E164.optional(),
  h: z.enum(['0', '1']).default('0'),
  t: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform((ms) => DateTime.fromMillis(Number(ms), { zone: 'utc' }))
    .optional(),
  b: z.uuid().optional(),
  f: z.string().regex(/^\d{3,15}$/).optional(),
  // A step asked again after the deadline: the keys first pressed, and how many times it was asked again.
  r: z.string().max(64).optional(),
  n: z.string().regex(/^[1-9]$/).transform(Number).optional(),
  [STATE_SIGNATURE_PARAM]: z.string().max(100).optional(),
});

const NextBody = z.object({
  // 46elks posts the call's id with every step: the signed state must belong to this call.
  callid: z.string().max(100).optional(),
  // What was keyed: digits, maybe ending in #; "failed" or nothing when no key was pressed.
  result: z.string().max(64).optional(),
});

function stateFromQuery(q: z.output<typeof StateQuery>): CallState {
  return { callId: q.c, clinicId: q.k, step: q.s, phone: q.p ?? null, keyed: q.h === '1', slot: q.t ?? null, callbackId: q.b ?? null, fallback: q.f ?? null };
}

/** The state's fields in a fixed order: what the next URL carries and what its signature covers. */
function stateFields(s: CallState): [string, string][] {
  const fields: [string, string][] = [['c', s.callId], ['k', s.clinicId], ['s', s.step], ['h', s.keyed ? '1' : '0']];
  if (s.phone) fields.push(['p', s.phone]);
  if (s.slot) fields.push(['t', String(s.slot.toMillis())]);
  if (s.callbackId) fields.push(['b', s.callbackId]);
  if (s.fallback) fields.push(['f', s.fallback]);
  return fields;
}

/** A step being asked again after the deadline: the keys pressed, and the how-manieth time (1…). */
interface Retry {
  keyed: string;
  count: number;
}

function retryFields(retry: Retry | null): [string, string][] {
  return retry ? [['r', retry.keyed], ['n', String(retry.count)]] : [];
}

class DeadlinePassed extends Error {}

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export function elksVoiceRoutes(deps: {
  phone: PhoneBookingService;
  clips: ClipSet;
  publicBaseUrl: string;
  secret: string | null;
  logger: Logger;
  /** Default VOICE_DEADLINE_MS; tests of other things give a long one, so a busy test machine never trips it. */
  deadlineMs?: number;
}): Router {
  const router = Router();
  const { phone, clips, logger } = deps;
  const deadlineMs = deps.deadlineMs ?? VOICE_DEADLINE_MS;
  // Without a secret no webhook is mounted at all (elksWebhooks answers 404); the URLs need one to be built.
  const url = (path: string) => webhookUrl(deps.publicBaseUrl, deps.secret ?? '', path);

  const signer = createStateSigner(deps.secret ?? '');
  const nextUrl = (state: CallState, retry: Retry | null = null) => {
    const fields = [...stateFields(state), ...retryFields(retry)];
    const query = new URLSearchParams([...fields, [STATE_SIGNATURE_PARAM, signer.sign(fields)]]);
    return `${url('/voice/next')}?${query.toString()}`;
  };

  const audioUrl = (names: Clip[]) => `${url('/audio/prompt.wav')}?clips=${names.join(',')}`;

  function actions(reply: VoiceReply): Record<string, unknown> {
    if (reply.kind === 'say') return { play: audioUrl(reply.clips), skippable: false };
    return {
      ivr: audioUrl(reply.clips),
      digits: reply.maxDigits,
      timeout: reply.maxDigits > 1 ? NUMBER_ENTRY_TIMEOUT_SECONDS : IVR_TIMEOUT_SECONDS,
      repeat: IVR_REPEAT,
      next: nextUrl(reply.next),
    };
  }

  /** Answers the provider: the step's reply, or on any failure or slowness the apology with the fallback number. */
  async function answer(
    res: Response,
    work: () => Promise<VoiceReply>,
    onFailure: { callId: string | null; fallback: () => string | null; slow?: () => Record<string, unknown> | null },
  ) {
    let reply: VoiceReply;
    try {
      reply = await withinDeadline(work(), deadlineMs);
    } catch (error) {
      const slow = error instanceof DeadlinePassed ? (onFailure.slow?.() ?? null) : null;
      if (slow) {
        logger.warn({ callId: onFailure.callId }, 'phone booking step slower than the deadline; the caller hears "Ett ögonblick" and the step is asked again');
        return void res.status(200).json(slow);
      }
      logger.error(
        { err: { type: (error as Error)?.name, message: (error as Error)?.message, code: (error as { code?: string })?.code }, callId: onFailure.callId },
        'phone booking step failed; the caller hears an apology and the fallback number',
      );
      // Not awaited: the database may be what is failing, and the caller must hear the apology now.
      if (onFailure.callId) void phone.markFailed(onFailure.callId);
      reply = phone.apology(onFailure.fallback());
    }
    res.status(200).json(actions(reply));
  }

  router.post('/voice/start', async (req, res) => {
    const body = StartBody.safeParse(req.body ?? {});
    if (!body.success) {
      logger.warn({ fields: body.error.issues.map((i) => i.path.join('.')) }, 'voice_start without usable fields');
      return answer(res, async () => phone.apology(null), { callId: null, fallback: () => null });
    }
    const to = bookingNumber(body.data.to);
    const call = { callId: body.data.callid, from: body.data.from, to };
    // Asked after the failure: the start step learns the clinic's fallback number before anything else can fail.
    await answer(res, () => phone.start(call), { callId: call.callId, fallback: () => phone.knownFallback(to) });
  });

  router.post('/voice/next', async (req, res) => {
    const query = StateQuery.safeParse(req.query);
    const body = NextBody.safeParse(req.body ?? {});
    if (!query.success) {
      logger.warn({ fields: query.error.issues.map((i) => i.path.join('.')) }, 'voice step with unusable state');
      return answer(res, async () => phone.apology(null), { callId: null, fallback: () => null });
    }
    const state = stateFromQuery(query.data);
    const retried: Retry | null = query.data.n !== undefined ? { keyed: query.data.r ?? '', count: query.data.n } : null;
    // Only a state this app signed for this very call is acted on; anything else (even the fallback number in it)
    // is not trusted, and no call is marked failed on its word.
    const callId = body.success ? body.data.callid : undefined;
    if (!signer.verify([...stateFields(state), ...retryFields(retried)], query.data[STATE_SIGNATURE_PARAM]) || callId !== state.callId) {
      logger.warn({ signed: query.data[STATE_SIGNATURE_PARAM] !== undefined, sameCall: callId === state.callId }, 'voice step with a state this app did not sign for this call');
      return answer(res, async () => phone.apology(null), { callId: null, fallback: () => null });
    }
    // Asked again after a slow step: the keys pressed then (46elks posts "success" for the play in between).
    const keyed = retried ? retried.keyed : body.success ? (body.data.result ?? null) : null;
    const count = retried?.count ?? 0;
    const slow = () =>
      keyed !== null && count < MAX_SLOW_STEP_RETRIES
        ? { play: audioUrl(['one_moment']), skippable: false, next: nextUrl(state, { keyed, count: count + 1 }) }
        : null;
    await answer(res, () => phone.answer(state, keyed), { callId: state.callId, fallback: () => state.fallback, slow });
  });

  router.get('/audio/prompt.wav', (req, res, next) => {
    const names = typeof req.query.clips === 'string' ? req.query.clips.split(',') : [];
    if (!names.length || names.length > MAX_PROMPT_CLIPS || !names.every((n) => clips.has(n))) return next();
    res.set('Content-Type', 'audio/wav');
    // The same clips always make the same sound; 46elks caches by URL anyway.
    res.set('Cache-Control', 'public, max-age=86400');
    res.send(clips.join(names));
  });

  return router;
}

/** The called number as stored for clinics (E.164); a national form is normalised, anything else kept for the lookup to miss. */
function bookingNumber(to: string): string {
  const trimmed = to.trim();
  if (/^\+[1-9][0-9]{6,14}$/.test(trimmed)) return trimmed;
  const normalised = normaliseSwedishPhone(trimmed);
  return normalised.ok ? normalised.value : trimmed;
}
