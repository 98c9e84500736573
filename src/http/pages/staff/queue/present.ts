// The queue page's view model: the service's queue split into what the nurse does next (her own calls, due now,
// colleagues' calls, later today), each with its timing in words (late in red, from minutesFromPromise and
// queueState), attempts, reason, and any open care-guarantee deadline of the same patient; and the notice a
// redirect asks for.
import type { DateTime } from 'luxon';
import type { StoredCallback } from '../../../../db/callbacks.js';
import { minutesFromPromise } from '../../../../domain/callQueue.js';
import type { QueueEntry } from '../../../../services/callQueue.js';
import type { AtRiskCase } from '../../../../services/guaranteeCases.js';
import { text, type Lang, type TextKey } from '../../texts/index.js';
import { clock, dateInWords, dayAndTime, phoneForPeople, slotRange, who } from '../present.js';

/** Notices a redirect may ask the queue page to show, by name (?notis=…), so nothing from the address is echoed. */
const NOTICES = {
  ingen: 'staff.notice.nothingDue',
  upptagen: 'staff.notice.takenByOther',
  tidig: 'staff.notice.notDueYet',
  borta: 'staff.notice.notInQueue',
  tillbaka: 'staff.notice.released',
  uppfoljd: 'staff.notice.followedUp',
} as const satisfies Record<string, TextKey>;

export type NoticeName = keyof typeof NOTICES;

/** The notice ?notis= names, in words; null for none or an unknown name. */
export function noticeOf(lang: Lang, name: unknown): string | null {
  return typeof name === 'string' && Object.hasOwn(NOTICES, name) ? text(lang, NOTICES[name as NoticeName]) : null;
}

export interface QueueCard {
  id: string;
  who: string;
  name: string | null;
  phone: string;
  phoneHref: string;
  reason: string;
  promised: string;
  /** The timing line; `late` shows it in red. */
  timing: { text: string; late: boolean } | null;
  attempts: string;
  guarantee: { text: string; overdue: boolean } | null;
  /** What the nurse can do with it: claim it, open her own call, or nothing (a colleague has it, or not yet due). */
  action: 'claim' | 'open' | null;
}

export interface QueueViewModel {
  status: string;
  updatedAt: string;
  mine: QueueCard[];
  due: QueueCard[];
  colleagues: QueueCard[];
  upcoming: QueueCard[];
  /** next: the patient whose case is due first, and its deadline (the template isolates the name). */
  guarantee: { summary: string; next: { who: string; date: string } | null; count: number };
  /** null when the missed-callback list is not available. */
  missed: MissedCard[] | null;
}

export interface MissedCard {
  id: string;
  who: string;
  phone: string;
  phoneHref: string;
  reason: string;
  promised: string;
  attempts: string;
}

/** The patient's open case with the nearest deadline, by phone number: a patient who calls in again. */
function casesByPhone(cases: AtRiskCase[]): Map<string, AtRiskCase> {
  const byPhone = new Map<string, AtRiskCase>();
  for (const c of cases) if (!byPhone.has(c.callback.phoneE164)) byPhone.set(c.callback.phoneE164, c);
  return byPhone;
}

function baseCard(lang: Lang, timezone: string, c: StoredCallback) {
  return {
    id: c.id,
    who: who(c),
    phone: phoneForPeople(c.phoneE164),
    phoneHref: `tel:${c.phoneE164}`,
    reason: c.reason ?? text(lang, 'staff.queue.noReason'),
    attempts: text(lang, 'staff.queue.attempts', { count: c.attemptCount }),
  };
}

function timing(lang: Lang, timezone: string, entry: QueueEntry, now: DateTime): QueueCard['timing'] {
  const c = entry.callback;
  if (entry.state === 'upcoming') {
    const minutes = Math.ceil(c.dueAt.diff(now, 'minutes').minutes);
    return { text: text(lang, 'staff.queue.dueIn', { time: clock(timezone, c.dueAt), minutes }), late: false };
  }
  if (entry.state === 'claimed' && c.claimExpiresAt) {
    return { text: text(lang, 'staff.queue.heldByOther', { time: clock(timezone, c.claimExpiresAt) }), late: false };
  }
  const minutes = minutesFromPromise(c, now);
  // The promise is the whole slot: calling inside it is on time; past its end the promise is broken.
  if (now >= c.slot.end) return { text: text(lang, 'staff.queue.overdue', { minutes }), late: true };
  if (minutes >= 0) return { text: text(lang, 'staff.queue.inSlot', { minutes }), late: false };
  return null;
}

export function queueViewModel(
  lang: Lang,
  input: { timezone: string; entries: QueueEntry[]; cases: AtRiskCase[]; missed: StoredCallback[] | null; me: string; now: DateTime },
): QueueViewModel {
  const { timezone, now } = input;
  const openCase = casesByPhone(input.cases);
  const card = (entry: QueueEntry, action: QueueCard['action']): QueueCard => {
    const c = entry.callback;
    const found = openCase.get(c.phoneE164);
    return {
      ...baseCard(lang, timezone, c),
      name: c.patientName,
      promised: text(lang, 'staff.queue.promised', { range: slotRange(timezone, c.slot) }),
      timing: timing(lang, timezone, entry, now),
      guarantee: found
        ? {
            text: text(lang, found.urgency === 'overdue' ? 'staff.queue.guaranteeOverdue' : 'staff.queue.guarantee', { date: dateInWords(lang, found.deadline) }),
            overdue: found.urgency === 'overdue',
          }
        : null,
      action,
    };
  };
  const mine = input.entries.filter((e) => e.state === 'claimed' && e.callback.claimedBy === input.me);
  const colleagues = input.entries.filter((e) => e.state === 'claimed' && e.callback.claimedBy !== input.me);
  const due = input.entries.filter((e) => e.state === 'due');
  const upcoming = input.entries.filter((e) => e.state === 'upcoming');
  const late = due.filter((e) => now >= e.callback.slot.end).length;
  const dueToday = input.cases.filter((c) => c.urgency === 'due_today').length;
  const overdue = input.cases.filter((c) => c.urgency === 'overdue').length;
  const first = input.cases[0];
  return {
    status: text(lang, 'staff.queue.summary', { due: due.length, late, claimed: mine.length + colleagues.length, upcoming: upcoming.length }),
    updatedAt: text(lang, 'staff.queue.updatedAt', { time: clock(timezone, now) }),
    mine: mine.map((e) => card(e, 'open')),
    due: due.map((e) => card(e, 'claim')),
    colleagues: colleagues.map((e) => card(e, null)),
    upcoming: upcoming.map((e) => card(e, null)),
    guarantee: {
      summary: text(lang, 'staff.queue.guarantee.summary', { open: input.cases.length, dueToday, overdue }),
      next: first ? { who: who(first.callback), date: dateInWords(lang, first.deadline) } : null,
      count: input.cases.length,
    },
    missed:
      input.missed?.map((c) => ({
        ...baseCard(lang, timezone, c),
        promised: text(lang, 'staff.missed.promised', { when: `${dayAndTime(lang, timezone, c.slot.start)}–${clock(timezone, c.slot.end)}` }),
      })) ?? null,
  };
}
