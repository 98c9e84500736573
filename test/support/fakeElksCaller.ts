// A fake of 46elks's side of an incoming call: posts voice_start as 46elks does (form fields), follows the call
// actions the app answers (nested next objects and next URLs), fetches every audio URL as the provider would
// (each must be a 200 audio/wav), and feeds keys as `result`, so tests assert what the caller hears.
import { randomBytes } from 'node:crypto';
import { CLIP_TEXTS } from '../../src/domain/spokenPrompt.js';
import { parseWav } from '../../src/telephony/wav.js';
import { clinicOfBookingNumber } from '../../src/db/clinicTelephony.js';
import { clinicWebhookUrl } from '../../src/telephony/webhookKey.js';
import { TEST_TELEPHONY_SECRET, type TestServer } from './server.js';

type Action = Record<string, unknown>;

export interface HeardPrompt {
  clips: string[];
  /** The prompt in words (the shipped clips' Swedish texts). */
  text: string;
  /** The prompt waited for keys (an ivr action). */
  menu: boolean;
}

/** The Swedish a list of clips says, with a full stop where a composed sentence ends before the next begins. */
export function spoken(clips: readonly string[]): string {
  const words = clips.map((c) => CLIP_TEXTS.get(c) ?? `<${c}>`);
  return words
    .map((w, i) => {
      const next = words[i + 1];
      return next && /^[A-ZÅÄÖ]/.test(next) && !/[.,]$/.test(w) ? `${w}.` : w;
    })
    .join(' ');
}

/** The voice_start URL an administrator gives 46elks for a clinic's booking numbers. */
export function voiceStartUrl(server: TestServer, clinicId: string): string {
  return clinicWebhookUrl(server.baseUrl, TEST_TELEPHONY_SECRET, clinicId, '/voice/start');
}

export class FakeElksCall {
  readonly prompts: HeardPrompt[] = [];
  /** Every webhook answer, in order (for tests of the actions themselves). */
  readonly answers: Action[] = [];
  /** How long each webhook took to answer, in ms of real time, in order (the audio fetched after it not counted). */
  readonly answerMs: number[] = [];
  ended = false;
  private pending: { next: unknown } | null = null;

  private constructor(
    readonly callId: string,
    readonly from: string,
    readonly to: string,
  ) {}

  /**
   * An incoming call: 46elks posts direction, callid, from, to, created to the number's voice_start, which is the
   * voice_start URL of the clinic the number belongs to (or of `clinicId`, to call one clinic's URL with another's number).
   */
  static async dial(server: TestServer, options: { from: string; to: string; callId?: string; clinicId?: string }): Promise<FakeElksCall> {
    const call = new FakeElksCall(options.callId ?? `r${randomBytes(8).toString('hex')}`, options.from, options.to);
    const clinicId = options.clinicId ?? (await clinicOfBookingNumber(server.db, options.to));
    if (!clinicId) throw new Error(`no clinic has the booking number ${options.to}: say which clinic's voice_start to call`);
    const answer = await call.post(voiceStartUrl(server, clinicId), {
      direction: 'incoming',
      callid: call.callId,
      from: options.from,
      to: options.to,
      created: server.clock.now().toUTC().toFormat('yyyy-MM-dd HH:mm:ss.SSS'),
    });
    await call.run(answer);
    return call;
  }

  /** Everything heard so far, prompt by prompt, in words. */
  get heard(): string[] {
    return this.prompts.map((p) => p.text);
  }

  get lastPrompt(): HeardPrompt {
    const last = this.prompts.at(-1);
    if (!last) throw new Error('nothing was heard');
    return last;
  }

  /** Keys digits at the menu that is waiting (a variable-length entry ends with #, as the caller keys it). */
  async press(digits: string): Promise<void> {
    await this.continueWith(digits);
  }

  /** The caller keys nothing: after its repeats the ivr goes on to next without a result. */
  async silence(): Promise<void> {
    await this.continueWith(null);
  }

  /**
   * The caller keys digits but never #: 46elks stops waiting and posts why=noinput with the digits keyed so far, in
   * `result` or, beside result=failed, in `digits`.
   */
  async pressWithoutHash(digits: string, field: 'result' | 'digits' = 'result'): Promise<void> {
    await this.continueWithFields(field === 'result' ? { why: 'noinput', result: digits } : { why: 'noinput', result: 'failed', digits });
  }

  private async continueWith(result: string | null): Promise<void> {
    await this.continueWithFields(result === null ? { result: 'failed' } : { result });
  }

  private async continueWithFields(fields: Record<string, string>): Promise<void> {
    if (this.ended || !this.pending) throw new Error('no menu is waiting for keys');
    const { next } = this.pending;
    this.pending = null;
    await this.follow(next, fields);
  }

  private async follow(next: unknown, fields: Record<string, string>): Promise<void> {
    if (next === undefined || next === null) {
      this.ended = true;
      return;
    }
    if (typeof next === 'string') return this.run(await this.post(next, fields));
    if (typeof next === 'object') return this.run(next as Action);
    throw new Error(`next is neither a URL nor an action: ${JSON.stringify(next)}`);
  }

  private async run(action: Action): Promise<void> {
    this.answers.push(action);
    if ('hangup' in action) {
      this.ended = true;
      return;
    }
    if (typeof action.play === 'string') {
      await this.listen(action.play, false);
      return this.follow(action.next, { result: 'success' });
    }
    if (typeof action.ivr === 'string') {
      const timeout = action.timeout;
      if (typeof timeout === 'number' && (timeout < 1 || timeout > 30)) throw new Error(`ivr timeout ${timeout} is outside 1–30`);
      await this.listen(action.ivr, true);
      this.pending = { next: action.next };
      return;
    }
    throw new Error(`the fake caller does not know the action ${JSON.stringify(action)}`);
  }

  private async listen(url: string, menu: boolean): Promise<void> {
    const response = await fetch(url);
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200 || response.headers.get('content-type') !== 'audio/wav') {
      throw new Error(`audio ${url} answered ${response.status} ${response.headers.get('content-type')}`);
    }
    parseWav(body);
    const clips = (new URL(url).searchParams.get('clips') ?? '').split(',');
    this.prompts.push({ clips, text: spoken(clips), menu });
  }

  private async post(url: string, fields: Record<string, string>): Promise<Action> {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ callid: this.callId, direction: 'incoming', from: this.from, to: this.to, ...fields }).toString(),
    });
    const text = await response.text();
    this.answerMs.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`webhook ${new URL(url).pathname} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Action;
  }
}
