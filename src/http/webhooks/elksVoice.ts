// 46elks voice webhooks for booking by phone keypad: an incoming call's voice_start, the IVR steps after it, and
// the composed prompts as audio. Mounted under a clinic's webhook key (webhookKey.ts): a request about a number
// that is not that clinic's is refused (404) before anything is read or done. Past that, a live caller never gets a
// 4xx/5xx or silence: bad input, errors and slowness all answer 200 with a spoken apology and the clinic's fallback
// number.
import { Router, type Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { Clip } from '../../domain/spokenPrompt.js';
import { normaliseSwedishPhone } from '../../domain/patientContact.js';
import type { CallState, KeyedInput, PhoneBookingService, VoiceReply } from '../../services/phoneBooking.js';
import type { ClipSet } from '../../telephony/clips.js';
import { createStateSigner, STATE_SIGNATURE_PARAM } from '../../telephony/callStateSignature.js';
import { clinicWebhookUrl, webhookClinicOf, type WebhookSecrets } from '../../telephony/webhookKey.js';
import { CLINIC_NAME_CLIP } from '../../domain/spokenPrompt.js';

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
  // A step asked again after the deadline: the keys first pressed, whether the menu had timed out, and how many
  // times it was asked again.
  r: z.string().max(64).optional(),
  o: z.enum(['0', '1']).optional(),
  n: z.string().regex(/^[1-9]$/).transform(Number).optional(),
  [STATE_SIGNATURE_PARAM]: z.string().max(100).optional(),
});

const NextBody = z.object({
  // 46elks posts the call's id with every step: the signed state must belong to this call.
  callid: z.string().max(100).optional(),
  // What was keyed: digits, maybe ending in #; "failed" or nothing when no key was pressed.
  result: z.string().max(64).optional(),
  // Why a menu ended without a complete entry ("noinput"), and the digits keyed so far when 46elks has them.
  why: z.string().max(64).optional(),
  digits: z.string().max(64).optional(),
});

/** The keys of a menu's answer: digits (maybe ending in #) in result or, when it timed out, in digits. */
function keyedInput(body: z.output<typeof NextBody>): KeyedInput {
  // An empty result is an entry of nothing (# alone), not silence: a wrong key.
  const keys = (v: string | undefined) => (v !== undefined && /^[0-9*#]*$/.test(v) ? v : null);
  const timedOut = body.why === 'noinput' || body.result === 'failed' || (body.result === undefined && body.digits === undefined);
  return { keys: keys(body.result) ?? keys(body.digits), timedOut };
}

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

/** A step being asked again after the deadline: the keys pressed, whether the menu timed out, the how-manieth time (1…). */
interface Retry {
  keyed: string;
  timedOut: boolean;
  count: number;
}

function retryFields(retry: Retry | null): [string, string][] {
  return retry ? [['r', retry.keyed], ['o', retry.timedOut ? '1' : '0'], ['n', String(retry.count)]] : [];
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
  /** The clinic's name as spoken (WAV data in the clip set's format), generated or recorded; null when it has none. */
  clinicNameAudio: (clinicId: string) => Promise<Buffer | null>;
  publicBaseUrl: string;
  /** Null: telephony is off, and elksWebhooks answers 404 before these routes. */
  secrets: WebhookSecrets | null;
  logger: Logger;
  /** Default VOICE_DEADLINE_MS; tests of other things give a long one, so a busy test machine never trips it. */
  deadlineMs?: number;
}): Router {
  const router = Router();
  const { phone, clips, logger } = deps;
  const deadlineMs = deps.deadlineMs ?? VOICE_DEADLINE_MS;
  const current = deps.secrets?.current ?? '';
  // Every URL handed out is made under the current secret; a state signed under the previous one (a call that began
  // before a rotation) is still believed.
  const url = (clinicId: string, path: string) => clinicWebhookUrl(deps.publicBaseUrl, current, clinicId, path);
  const signer = createStateSigner(current);
  const verifiers = [signer, ...(deps.secrets?.previous ? [createStateSigner(deps.secrets.previous)] : [])];

  const nextUrl = (state: CallState, retry: Retry | null = null) => {
    const fields = [...stateFields(state), ...retryFields(retry)];
    const query = new URLSearchParams([...fields, [STATE_SIGNATURE_PARAM, signer.sign(fields)]]);
    return `${url(state.clinicId, '/voice/next')}?${query.toString()}`;
  };

  const audioUrl = (clinicId: string, names: Clip[]) => `${url(clinicId, '/audio/prompt.wav')}?clips=${names.join(',')}`;

  function actions(clinicId: string, reply: VoiceReply): Record<string, unknown> {
    if (reply.kind === 'say') return { play: audioUrl(clinicId, reply.clips), skippable: false };
    const menu = {
      ivr: audioUrl(clinicId, reply.clips),
      digits: reply.maxDigits,
      timeout: reply.maxDigits > 1 ? NUMBER_ENTRY_TIMEOUT_SECONDS : IVR_TIMEOUT_SECONDS,
      repeat: IVR_REPEAT,
      next: nextUrl(reply.next),
    };
    // The greeting is played once; only the menu after it repeats while the caller keys nothing.
    return reply.intro?.length ? { play: audioUrl(clinicId, reply.intro), skippable: false, next: menu } : menu;
  }

  /** Answers the provider: the step's reply, or on any failure or slowness the apology with the fallback number. */
  async function answer(
    res: Response,
    work: () => Promise<VoiceReply>,
    onFailure: { callId: string | null; fallback: () => string | null; slow?: () => Record<string, unknown> | null },
  ) {
    const clinicId = webhookClinicOf(res);
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
    res.status(200).json(actions(clinicId, reply));
  }

  /** The apology for a request that cannot be acted on, with the clinic's fallback number (read now, else as last known). */
  const apologise = (res: Response, clinicId: string) =>
    answer(res, async () => phone.apology(await phone.fallbackOf(clinicId)), { callId: null, fallback: () => phone.knownFallback(clinicId) });

  /**
   * Whether the number called (46elks' `to`, posted with every step) is one of this clinic's: false for another
   * clinic's number or no clinic's. Absent: nothing to check (the signed state still binds the clinic). A database
   * that cannot say is left to the step, which answers the apology if it cannot work either.
   */
  async function calledOtherClinic(clinicId: string, to: unknown): Promise<boolean> {
    if (typeof to !== 'string' || !to.trim()) return false;
    try {
      return !(await phone.isBookingNumberOf(clinicId, bookingNumber(to)));
    } catch {
      return false;
    }
  }

  router.post('/voice/start', async (req, res, next) => {
    const clinicId = webhookClinicOf(res);
    const to: unknown = req.body?.to;
    // Another clinic's number, or no clinic's: as if this webhook did not exist. Nothing is read or recorded.
    if (await calledOtherClinic(clinicId, to)) return next();
    const body = StartBody.safeParse(req.body ?? {});
    if (!body.success || typeof to !== 'string' || !to.trim()) {
      logger.warn({ fields: body.success ? ['to'] : body.error.issues.map((i) => i.path.join('.')) }, 'voice_start without usable fields');
      return apologise(res, clinicId);
    }
    const call = { callId: body.data.callid, from: body.data.from, to: bookingNumber(to) };
    // Asked after the failure: the start step learns the clinic's fallback number before anything else can fail.
    await answer(res, () => phone.start(clinicId, call), { callId: call.callId, fallback: () => phone.knownFallback(clinicId) });
  });

  router.post('/voice/next', async (req, res, next) => {
    const clinicId = webhookClinicOf(res);
    if (await calledOtherClinic(clinicId, req.body?.to)) return next();
    const query = StateQuery.safeParse(req.query);
    const body = NextBody.safeParse(req.body ?? {});
    if (!query.success) {
      logger.warn({ fields: query.error.issues.map((i) => i.path.join('.')) }, 'voice step with unusable state');
      return apologise(res, clinicId);
    }
    const state = stateFromQuery(query.data);
    const retried: Retry | null = query.data.n !== undefined ? { keyed: query.data.r ?? '', timedOut: query.data.o === '1', count: query.data.n } : null;
    // Only a state this app signed, for this very call and this clinic, is acted on; anything else (even the fallback
    // number in it) is not trusted, and no call is marked failed on its word. The caller hears the clinic's number.
    const callId = body.success ? body.data.callid : undefined;
    const fields = [...stateFields(state), ...retryFields(retried)];
    const signed = verifiers.some((v) => v.verify(fields, query.data[STATE_SIGNATURE_PARAM]));
    if (!signed || callId !== state.callId || state.clinicId !== clinicId) {
      logger.warn({ signed, sameCall: callId === state.callId, sameClinic: state.clinicId === clinicId }, 'voice step with a state this app did not sign for this call');
      return apologise(res, clinicId);
    }
    // Asked again after a slow step: the keys pressed then (46elks posts "success" for the play in between).
    const input: KeyedInput = retried
      ? { keys: retried.keyed || null, timedOut: retried.timedOut }
      : body.success
        ? keyedInput(body.data)
        : { keys: null, timedOut: true };
    const count = retried?.count ?? 0;
    const slow = () =>
      (input.keys !== null || retried) && count < MAX_SLOW_STEP_RETRIES
        ? { play: audioUrl(clinicId, ['one_moment']), skippable: false, next: nextUrl(state, { keyed: input.keys ?? '', timedOut: input.timedOut, count: count + 1 }) }
        : null;
    await answer(res, () => phone.answer(state, input), { callId: state.callId, fallback: () => state.fallback ?? phone.knownFallback(clinicId), slow });
  });

  router.use(promptAudioRoutes(clips, deps.clinicNameAudio));

  return router;
}

/**
 * GET /audio/prompt.wav?clips=a,b,c: the named clips joined into one WAV, as 46elks fetches a prompt. Under a
 * clinic's key `clinic_name` is that clinic's name (recorded, else generated; left out when it has none any more);
 * without `clinicNameAudio` (the region's key) there is no such clip.
 */
export function promptAudioRoutes(clips: ClipSet, clinicNameAudio: ((clinicId: string) => Promise<Buffer | null>) | null): Router {
  const router = Router();
  router.get('/audio/prompt.wav', async (req, res, next) => {
    const names = typeof req.query.clips === 'string' ? req.query.clips.split(',') : [];
    const known = (n: string) => (n === CLINIC_NAME_CLIP ? clinicNameAudio !== null : clips.has(n));
    if (!names.length || names.length > MAX_PROMPT_CLIPS || !names.every(known)) return next();
    const parts: Buffer[] = [];
    for (const name of names) {
      if (name !== CLINIC_NAME_CLIP) parts.push(clips.data(name));
      else {
        const audio = await clinicNameAudio!(webhookClinicOf(res));
        if (audio) parts.push(audio);
      }
    }
    res.set('Content-Type', 'audio/wav');
    // The same clips always make the same sound, but a clinic's name changes with a rename or a new recording.
    res.set('Cache-Control', names.includes(CLINIC_NAME_CLIP) ? 'no-cache' : 'public, max-age=86400');
    res.send(clips.joinData(parts));
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
