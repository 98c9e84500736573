// The clinic settings page (manager or admin of that clinic): one plain form for booking hours, slot length,
// capacity rules, closed dates and date exceptions, tolerances and the duplicate policy. It posts to itself and
// saves through the same service as PUT /api/staff/clinics/{clinicId}/settings; errors stand beside their fields.
import { Router, type RequestHandler } from 'express';
import type { ClinicRules } from '../../../domain/clinic.js';
import { PhoneNumberTaken, ValidationFailed } from '../../../errors.js';
import type { ClinicTelephony } from '../../../db/clinicTelephony.js';
import type { ClinicTelephonyService } from '../../../services/clinicTelephony.js';
import { ClinicTelephonyBody } from '../../clinicTelephonySchemas.js';
import type { ClinicSettingsService } from '../../../services/clinicSettings.js';
import type { StaffSessions } from '../../../services/staffSessions.js';
import type { StaffMember } from '../../../services/staffAuth.js';
import { ClinicSettingsBody } from '../../clinicSettingsSchemas.js';
import { ClinicIdParams } from '../../schemas.js';
import { parseRequest } from '../../validation.js';
import { html, type Html } from '../html.js';
import { layout } from '../layout.js';
import { staffPaths } from '../staff/home.js';
import { sessionOf, staffHeader } from '../staff/session.js';
import { langOf, text, type Lang, type TextKey } from '../texts/index.js';
import { errorSummary, type FieldError } from './reportsPage.js';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
/** Empty rows offered for adding a rule or a date. */
const NEW_RULES = 1;
const NEW_EXCEPTIONS = 2;

/** The form as typed: strings, so a page with errors shows exactly what was sent. */
export interface SettingsForm {
  windows: Record<string, { open: string; close: string }>;
  slotMinutes: string;
  rules: { weekdays: string[]; from: string; to: string; capacity: string }[];
  exceptions: { date: string; kind: 'closed' | 'capacity'; capacity: string; note: string }[];
  early: string;
  late: string;
  onePerCaller: boolean;
}

export function formOf(r: ClinicRules): SettingsForm {
  return {
    windows: Object.fromEntries(DAYS.map((d) => [d, { open: r.bookingWindow[d]?.open ?? '', close: r.bookingWindow[d]?.close ?? '' }])),
    slotMinutes: String(r.slotMinutes),
    rules: r.capacityRules.map((c) => ({ weekdays: c.weekdays.map(String), from: c.from, to: c.to, capacity: String(c.capacity) })),
    exceptions: r.dateExceptions.map((e) => ({ date: e.date, kind: e.closed ? 'closed' : 'capacity', capacity: e.capacity === null ? '' : String(e.capacity), note: e.note ?? '' })),
    early: String(r.earlyToleranceMinutes),
    late: String(r.lateToleranceMinutes),
    onePerCaller: r.oneOpenCallbackPerCaller,
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 200) : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : typeof v === 'string' ? [v] : []);
const count = (v: unknown, max: number) => Math.min(max, Math.max(0, Number.parseInt(str(v), 10) || 0));

/** Reads the posted form (urlencoded, flat names) back into the form model. */
export function formFromBody(body: Record<string, unknown>): SettingsForm {
  return {
    windows: Object.fromEntries(DAYS.map((d) => [d, { open: str(body[`open${d}`]), close: str(body[`close${d}`]) }])),
    slotMinutes: str(body.slotMinutes),
    rules: Array.from({ length: count(body.rules, 100) }, (_, i) => ({
      weekdays: list(body[`rule${i}_wd`]),
      from: str(body[`rule${i}_from`]),
      to: str(body[`rule${i}_to`]),
      capacity: str(body[`rule${i}_capacity`]),
    })),
    exceptions: Array.from({ length: count(body.exceptions, 400) }, (_, i) => ({
      date: str(body[`ex${i}_date`]),
      kind: str(body[`ex${i}_kind`]) === 'closed' ? 'closed' : 'capacity',
      capacity: str(body[`ex${i}_capacity`]),
      note: str(body[`ex${i}_note`]),
    })),
    early: str(body.early),
    late: str(body.late),
    onePerCaller: str(body.onePerCaller) === 'on',
  };
}

const num = (s: string): number | string => (/^-?\d+$/.test(s) ? Number(s) : s);

/**
 * The API body the form stands for, and which form row each kept rule and date came from (empty rows are
 * dropped: a rule without places, a date row without a date), so a field's error finds its row.
 */
export function bodyOf(f: SettingsForm): { body: unknown; ruleRows: number[]; exceptionRows: number[] } {
  const ruleRows: number[] = [];
  const exceptionRows: number[] = [];
  const rules = f.rules.flatMap((r, i) => {
    if (r.capacity === '' && r.weekdays.length === 0) return [];
    if (r.capacity === '') return [];
    ruleRows.push(i);
    return [{ weekdays: r.weekdays.map(Number), from: r.from, to: r.to, capacity: num(r.capacity) }];
  });
  const exceptions = f.exceptions.flatMap((e, i) => {
    if (e.date === '') return [];
    exceptionRows.push(i);
    const closed = e.kind === 'closed';
    return [{ date: e.date, closed, capacity: closed || e.capacity === '' ? null : num(e.capacity), ...(e.note ? { note: e.note } : {}) }];
  });
  const windows = Object.fromEntries(Object.entries(f.windows).filter(([, w]) => w.open !== '' || w.close !== ''));
  return {
    body: {
      bookingWindow: windows,
      slotMinutes: num(f.slotMinutes),
      capacityRules: rules,
      dateExceptions: exceptions,
      earlyToleranceMinutes: num(f.early),
      lateToleranceMinutes: num(f.late),
      oneOpenCallbackPerCaller: f.onePerCaller,
    },
    ruleRows,
    exceptionRows,
  };
}

/** Each API field (body.capacityRules.0.to) as the id of the form element it came from. */
export function fieldId(field: string, rows: { ruleRows: number[]; exceptionRows: number[] }): string {
  const [, section, a, b] = field.split('.');
  if (section === 'bookingWindow') return a ? `${b === 'close' ? 'close' : 'open'}${a}` : 'open1';
  if (section === 'capacityRules') {
    const row = a === undefined ? 0 : (rows.ruleRows[Number(a)] ?? 0);
    return `rule${row}_${b === 'to' ? 'to' : b === 'capacity' ? 'capacity' : b === 'weekdays' ? 'wd1' : 'from'}`;
  }
  if (section === 'dateExceptions') {
    const row = a === undefined ? 0 : (rows.exceptionRows[Number(a)] ?? 0);
    return `ex${row}_${b === 'capacity' ? 'capacity' : b === 'closed' ? 'kind' : 'date'}`;
  }
  if (section === 'earlyToleranceMinutes') return 'early';
  if (section === 'lateToleranceMinutes') return 'late';
  return 'slotMinutes';
}

/** The domain's messages in the page's words where a person is likely to meet them. */
function pageMessage(lang: Lang, message: string): string {
  if (message.includes('06:00–17:00')) return text(lang, 'manager.settings.error.window');
  const gone = /^the slot (\S+ \S+) has (\d+) booked (?:patient|patients) and would no longer exist/.exec(message);
  if (gone) return text(lang, 'manager.settings.error.slotGone', { slot: gone[1]!, booked: gone[2]! });
  const fewer = /^the slot (\S+ \S+) has (\d+) booked patients but would have only (\d+)/.exec(message);
  if (fewer) return text(lang, 'manager.settings.error.fewerPlaces', { slot: fewer[1]!, booked: fewer[2]!, places: fewer[3]! });
  return message;
}

function settingsBody(lang: Lang, clinicId: string, csrf: string, f: SettingsForm, errors: FieldError[], saved: boolean): Html {
  const has = (id: string) => errors.some((e) => e.id === id);
  const err = (id: string) => {
    const found = errors.filter((e) => e.id === id);
    return found.length ? html`<p class="field-error" id="${id}-error">${found.map((e) => e.message).join(' ')}</p>` : '';
  };
  const aria = (id: string) => (has(id) ? html`aria-describedby="${id}-error" aria-invalid="true"` : '');
  const day = (d: string) => text(lang, `manager.weekday.${d}` as TextKey);
  // Rows keep their posted positions (errors point at them); empty ones are offered as new, topped up to a few.
  const emptyRule = (r: SettingsForm['rules'][number]) => r.capacity === '' && r.weekdays.length === 0 && r.from === '' && r.to === '';
  const emptyException = (e: SettingsForm['exceptions'][number]) => e.date === '' && e.capacity === '' && e.note === '';
  const rules = [...f.rules, ...Array.from({ length: Math.max(0, NEW_RULES - f.rules.filter(emptyRule).length) }, () => ({ weekdays: [] as string[], from: '', to: '', capacity: '' }))];
  const exceptions = [
    ...f.exceptions,
    ...Array.from({ length: Math.max(0, NEW_EXCEPTIONS - f.exceptions.filter(emptyException).length) }, () => ({ date: '', kind: 'capacity' as const, capacity: '', note: '' })),
  ];
  const ruleNumbers = numbering(rules.map(emptyRule));
  const exceptionNumbers = numbering(exceptions.map(emptyException));
  const input = (id: string, type: string, value: string, label: string, extra: Html | '' = '') =>
    html`<div class="field ${has(id) ? 'has-error' : ''}"><label for="${id}">${label}</label>${err(id)}<input type="${type}" id="${id}" name="${id}" value="${value}" ${aria(id)} ${extra}></div>`;
  return html`
${saved ? html`<p class="notice" role="status">${text(lang, 'manager.settings.saved')}</p>` : ''}
${errorSummary(lang, errors)}
<form method="post" action="${staffPaths.settings(clinicId)}" class="settings-form" novalidate>
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="rules" value="${rules.length}">
<input type="hidden" name="exceptions" value="${exceptions.length}">

<fieldset><legend><h2>${text(lang, 'manager.settings.hours')}</h2></legend>
<p class="hint">${text(lang, 'manager.settings.hoursHint')}</p>
<div class="weekday-grid">
${DAYS.map(
  (d) => html`<div class="weekday-row">
  ${input(`open${d}`, 'time', f.windows[d]?.open ?? '', text(lang, 'manager.settings.opens', { day: day(d) }))}
  ${input(`close${d}`, 'time', f.windows[d]?.close ?? '', text(lang, 'manager.settings.closes', { day: day(d) }))}
</div>`,
)}
</div>
${input('slotMinutes', 'number', f.slotMinutes, text(lang, 'manager.settings.slotMinutes'), html`min="5" max="120" inputmode="numeric"`)}
</fieldset>

<fieldset><legend><h2>${text(lang, 'manager.settings.capacity')}</h2></legend>
<p class="hint">${text(lang, 'manager.settings.capacityHint')}</p>
${rules.map(
  (r, i) => html`<fieldset class="row-group"><legend>${ruleNumbers[i] ? text(lang, 'manager.settings.rule', { n: ruleNumbers[i] }) : text(lang, 'manager.settings.ruleNew')}</legend>
  <fieldset class="weekdays ${has(`rule${i}_wd1`) ? 'has-error' : ''}"><legend>${text(lang, 'manager.settings.weekdays')}</legend>${err(`rule${i}_wd1`)}
    ${DAYS.map((d) => html`<label class="inline" for="rule${i}_wd${d}"><input type="checkbox" id="rule${i}_wd${d}" name="rule${i}_wd" value="${d}" ${r.weekdays.includes(d) ? 'checked' : ''}> ${day(d)}</label>`)}
  </fieldset>
  <div class="inline-fields">
  ${input(`rule${i}_from`, 'time', r.from, text(lang, 'manager.settings.from'))}
  ${input(`rule${i}_to`, 'time', r.to, text(lang, 'manager.settings.to'))}
  ${input(`rule${i}_capacity`, 'number', r.capacity, text(lang, 'manager.settings.places'), html`min="0" max="1000" inputmode="numeric"`)}
  </div>
</fieldset>`,
)}
</fieldset>

<fieldset><legend><h2>${text(lang, 'manager.settings.exceptions')}</h2></legend>
<p class="hint">${text(lang, 'manager.settings.exceptionsHint')}</p>
${exceptions.map(
  (e, i) => html`<fieldset class="row-group"><legend>${exceptionNumbers[i] ? text(lang, 'manager.settings.exception', { n: exceptionNumbers[i] }) : text(lang, 'manager.settings.exceptionNew')}</legend>
  <div class="inline-fields">
  ${input(`ex${i}_date`, 'date', e.date, text(lang, 'manager.settings.date'))}
  <div class="field ${has(`ex${i}_kind`) ? 'has-error' : ''}"><label for="ex${i}_kind">${text(lang, 'manager.settings.kind')}</label>${err(`ex${i}_kind`)}
    <select id="ex${i}_kind" name="ex${i}_kind" ${aria(`ex${i}_kind`)}>
      <option value="capacity" ${e.kind === 'capacity' ? 'selected' : ''}>${text(lang, 'manager.settings.kindCapacity')}</option>
      <option value="closed" ${e.kind === 'closed' ? 'selected' : ''}>${text(lang, 'manager.settings.kindClosed')}</option>
    </select></div>
  ${input(`ex${i}_capacity`, 'number', e.capacity, text(lang, 'manager.settings.exceptionPlaces'), html`min="0" max="1000" inputmode="numeric"`)}
  ${input(`ex${i}_note`, 'text', e.note, text(lang, 'manager.settings.note'), html`maxlength="200"`)}
  </div>
</fieldset>`,
)}
</fieldset>

<fieldset><legend><h2>${text(lang, 'manager.settings.tolerances')}</h2></legend>
${input('early', 'number', f.early, text(lang, 'manager.settings.early'), html`min="0" max="120" inputmode="numeric"`)}
${input('late', 'number', f.late, text(lang, 'manager.settings.late'), html`min="0" max="120" inputmode="numeric"`)}
</fieldset>

<fieldset><legend><h2>${text(lang, 'manager.settings.duplicates')}</h2></legend>
<label class="inline" for="onePerCaller"><input type="checkbox" id="onePerCaller" name="onePerCaller" ${f.onePerCaller ? 'checked' : ''}> ${text(lang, 'manager.settings.onePerCaller')}</label>
</fieldset>

<p class="hint">${text(lang, 'manager.settings.bookedNote')}</p>
<button type="submit">${text(lang, 'manager.settings.save')}</button>
</form>`;
}

/** The telephony form as typed: booking numbers one per line. */
export interface TelephonyForm {
  bookingNumbers: string;
  fallbackPhone: string;
  callerId: string;
  dialAgentFirst: boolean;
}

export function telephonyFormOf(t: ClinicTelephony): TelephonyForm {
  return { bookingNumbers: t.bookingNumbers.join('\n'), fallbackPhone: t.fallbackPhone ?? '', callerId: t.callerId ?? '', dialAgentFirst: t.dialAgentFirst };
}

function telephonyFormFromBody(body: Record<string, unknown>): TelephonyForm {
  const long = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1000) : '');
  return { bookingNumbers: long(body.bookingNumbers), fallbackPhone: str(body.fallbackPhone), callerId: str(body.callerId), dialAgentFirst: str(body.dialAgentFirst) === 'on' };
}

/** The API body the telephony form stands for: one number per line (commas too), blanks dropped. */
function telephonyBodyOf(f: TelephonyForm): unknown {
  return {
    bookingNumbers: f.bookingNumbers.split(/[\n,;]/).map((n) => n.trim()).filter(Boolean),
    fallbackPhone: f.fallbackPhone || null,
    dialAgentFirst: f.dialAgentFirst,
    callerId: f.callerId || null,
  };
}

/** The schema's messages in the page's words. */
function telephonyMessage(lang: Lang, message: string): string {
  if (message.startsWith('must be a phone number')) return text(lang, 'manager.telephony.error.number');
  if (message.endsWith('is listed twice')) return text(lang, 'manager.telephony.error.twice', { number: message.replace(/ is listed twice$/, '') });
  if (message.startsWith('must reach staff')) return text(lang, 'manager.telephony.error.fallback');
  return message;
}

/** body.bookingNumbers.2 → the form element it came from. */
function telephonyFieldId(field: string): string {
  const name = field.split('.')[1];
  return name === 'fallbackPhone' ? 'fallbackPhone' : name === 'callerId' ? 'callerId' : name === 'dialAgentFirst' ? 'dialAgentFirst' : 'bookingNumbers';
}

function telephonyBody(lang: Lang, clinicId: string, csrf: string, f: TelephonyForm, errors: FieldError[], saved: boolean, voiceStartUrl: string | null): Html {
  const has = (id: string) => errors.some((e) => e.id === id);
  const err = (id: string) => {
    const found = errors.filter((e) => e.id === id);
    return found.length ? html`<p class="field-error" id="${id}-error">${found.map((e) => e.message).join(' ')}</p>` : '';
  };
  const aria = (id: string) => (has(id) ? html`aria-describedby="${id}-error" aria-invalid="true"` : '');
  const input = (id: string, value: string, label: string, hint: string) =>
    html`<div class="field ${has(id) ? 'has-error' : ''}"><label for="${id}">${label}</label><p class="hint" id="${id}-hint">${hint}</p>${err(id)}<input type="tel" id="${id}" name="${id}" value="${value}" autocomplete="off" ${aria(id)}></div>`;
  return html`
<section aria-labelledby="telephony-title" class="settings-form">
<h2 id="telephony-title">${text(lang, 'manager.telephony.title')}</h2>
${saved ? html`<p class="notice" role="status">${text(lang, 'manager.telephony.saved')}</p>` : ''}
${errorSummary(lang, errors)}
<form method="post" action="${staffPaths.settings(clinicId)}/telefoni" novalidate>
<input type="hidden" name="_csrf" value="${csrf}">
<div class="field ${has('bookingNumbers') ? 'has-error' : ''}"><label for="bookingNumbers">${text(lang, 'manager.telephony.bookingNumbers')}</label>
<p class="hint">${text(lang, 'manager.telephony.bookingNumbersHint')}</p>${err('bookingNumbers')}
<textarea id="bookingNumbers" name="bookingNumbers" rows="3" ${aria('bookingNumbers')}>${f.bookingNumbers}</textarea></div>
${input('fallbackPhone', f.fallbackPhone, text(lang, 'manager.telephony.fallback'), text(lang, 'manager.telephony.fallbackHint'))}
${input('callerId', f.callerId, text(lang, 'manager.telephony.callerId'), text(lang, 'manager.telephony.callerIdHint'))}
<label class="inline" for="dialAgentFirst"><input type="checkbox" id="dialAgentFirst" name="dialAgentFirst" ${f.dialAgentFirst ? 'checked' : ''}> ${text(lang, 'manager.telephony.dialAgentFirst')}</label>
<button type="submit">${text(lang, 'manager.telephony.save')}</button>
</form>
${voiceStartUrl ? html`<h3 id="voice-start-title">${text(lang, 'manager.telephony.voiceStart')}</h3>
<p class="hint">${text(lang, 'manager.telephony.voiceStartHint')}</p>
<p><code class="url">${voiceStartUrl}</code></p>` : ''}
</section>`;
}

/** 1, 2, 3 … for the rows in use; null for the empty rows offered as new. */
function numbering(empty: boolean[]): (number | null)[] {
  let n = 0;
  return empty.map((e) => (e ? null : ++n));
}

export function settingsRoutes(deps: {
  sessions: StaffSessions;
  settings: ClinicSettingsService;
  /** The telephony section (booking numbers, fallback, dialling); left out when not given. */
  telephony?: ClinicTelephonyService;
  /** The voice_start URL to give 46elks, for those who configure it (admins); null for others. */
  voiceStartUrl?: (staff: StaffMember, clinicId: string) => string | null;
  guard: RequestHandler[];
}): Router {
  const router = Router();
  const path = staffPaths.settings(':clinicId');

  type Phone = { form: TelephonyForm; errors: FieldError[]; saved: boolean } | null;
  const render = (lang: Lang, rules: ClinicRules, session: ReturnType<typeof sessionOf>, f: SettingsForm, errors: FieldError[], saved: boolean, phone: Phone) =>
    layout({
      lang,
      title: text(lang, 'manager.settings.title', { clinic: rules.name }),
      header: staffHeader(lang, session),
      body: html`${settingsBody(lang, rules.id, session.csrfToken, f, errors, saved)}${phone ? telephonyBody(lang, rules.id, session.csrfToken, phone.form, phone.errors, phone.saved, deps.voiceStartUrl?.(session.staff, rules.id) ?? null) : ''}`,
    });
  const currentPhone = async (session: ReturnType<typeof sessionOf>, clinicId: string, saved = false): Promise<Phone> =>
    deps.telephony ? { form: telephonyFormOf(await deps.telephony.get(session.staff, clinicId)), errors: [], saved } : null;

  router.get(path, ...deps.guard, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const rules = await deps.settings.get(session.staff, clinicId);
    res.send(render(lang, rules, session, formOf(rules), [], req.query.sparat === '1', await currentPhone(session, clinicId, req.query.sparat === 'telefoni')));
  });

  router.post(path, ...deps.guard, async (req, res) => {
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const current = await deps.settings.get(session.staff, clinicId);
    const form = formFromBody((req.body ?? {}) as Record<string, unknown>);
    const { body, ...rows } = bodyOf(form);
    try {
      await deps.settings.update(session.staff, clinicId, parseRequest(ClinicSettingsBody, body, 'body'));
      res.redirect(303, `${staffPaths.settings(clinicId)}?sparat=1`);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      const errors = error.issues.map((i) => ({ id: fieldId(i.field, rows), message: pageMessage(lang, i.message) }));
      res.status(400).send(render(lang, current, session, form, errors, false, await currentPhone(session, clinicId)));
    }
  });

  router.post(`${path}/telefoni`, ...deps.guard, async (req, res, next) => {
    if (!deps.telephony) return next();
    const lang = langOf(req.query, req.headers.cookie);
    const session = sessionOf(res);
    const { clinicId } = parseRequest(ClinicIdParams, req.params, 'params');
    const rules = await deps.settings.get(session.staff, clinicId);
    const form = telephonyFormFromBody((req.body ?? {}) as Record<string, unknown>);
    try {
      await deps.telephony.update(session.staff, clinicId, parseRequest(ClinicTelephonyBody, telephonyBodyOf(form), 'body'));
      res.redirect(303, `${staffPaths.settings(clinicId)}?sparat=telefoni#telephony-title`);
    } catch (error) {
      let errors: FieldError[];
      if (error instanceof ValidationFailed) errors = error.issues.map((i) => ({ id: telephonyFieldId(i.field), message: telephonyMessage(lang, i.message) }));
      else if (error instanceof PhoneNumberTaken) errors = [{ id: 'bookingNumbers', message: text(lang, 'manager.telephony.taken', { numbers: error.numbers.join(', ') }) }];
      else throw error;
      res.status(400).send(render(lang, rules, session, formOf(rules), [], false, { form, errors, saved: false }));
    }
  });
  return router;
}
