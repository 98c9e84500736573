// Templates of the queue page. The live part is one fragment the page's script swaps in whole when the server
// says it changed; the same fragment is the page's body without JavaScript. Patient text (name, reason) is
// always shown isolated, inside <bdi>.
import { buttonForm, statusLine } from '../../components.js';
import { html, isolated, type Html } from '../../html.js';
import { text, textWith, type Lang } from '../../texts/index.js';
import { consolePaths } from '../paths.js';
import { csrfField } from '../templates.js';
import type { MissedCard, QueueCard, QueueViewModel } from './present.js';

function card(lang: Lang, clinicId: string, csrf: string, c: QueueCard): Html {
  return html`<li class="queue-card${c.timing?.late ? ' is-late' : ''}" aria-labelledby="who-${c.id}">
  <h3 id="who-${c.id}">${isolated(c.who)}</h3>
  <p class="queue-meta">${c.name ? html`<span>${c.phone}</span> · ` : ''}<span>${c.promised}</span>${c.timing ? html` · <span class="${c.timing.late ? 'late' : ''}">${c.timing.text}</span>` : ''}</p>
  <p class="queue-reason">${isolated(c.reason)}</p>
  <p class="queue-meta">${c.attempts}</p>
  ${c.guarantee ? html`<p class="${c.guarantee.overdue ? 'late' : 'guarantee-note'}">${c.guarantee.text}</p>` : ''}
  ${
    c.action === 'claim'
      ? buttonForm({ action: consolePaths.claim(clinicId, c.id), hidden: csrfField(csrf), label: text(lang, 'staff.queue.claim'), id: `ta-${c.id}`, attrs: html`aria-describedby="who-${c.id}"` })
      : c.action === 'open'
        ? html`<p><a class="button" id="open-${c.id}" href="${consolePaths.call(clinicId, c.id)}">${text(lang, 'staff.queue.openCall')}<span class="visually-hidden">: ${isolated(c.who)}</span></a></p>`
        : ''
  }
</li>`;
}

function section(lang: Lang, clinicId: string, csrf: string, id: string, title: string, cards: QueueCard[], empty?: string): Html | '' {
  if (!cards.length && !empty) return '';
  return html`<section aria-labelledby="${id}-title">
  <h2 id="${id}-title">${title} (${cards.length})</h2>
  ${cards.length ? html`<ul class="plain queue-list">${cards.map((c) => card(lang, clinicId, csrf, c))}</ul>` : html`<p>${empty}</p>`}
</section>`;
}

function missedCard(lang: Lang, clinicId: string, csrf: string, m: MissedCard): Html {
  return html`<li class="queue-card" aria-labelledby="missed-${m.id}">
  <h3 id="missed-${m.id}">${isolated(m.who)}</h3>
  <p class="queue-meta"><a href="${m.phoneHref}">${m.phone}</a> · ${m.promised}</p>
  <p class="queue-reason">${isolated(m.reason)}</p>
  <p class="queue-meta">${m.attempts}</p>
  ${buttonForm({
    action: consolePaths.followUp(clinicId, m.id),
    hidden: csrfField(csrf),
    label: html`${text(lang, 'staff.missed.followUp')}<span class="visually-hidden">: ${isolated(m.who)}</span>`,
    className: 'secondary',
    id: `uppfoljd-${m.id}`,
  })}
</li>`;
}

function missedSection(lang: Lang, clinicId: string, csrf: string, missed: MissedCard[] | null): Html {
  if (missed === null) return html``;
  return html`<section id="missade" aria-labelledby="missade-title">
  <h2 id="missade-title">${text(lang, 'staff.missed.title')} (${missed.length})</h2>
  <p class="hint">${text(lang, 'staff.missed.intro')}</p>
  ${missed.length ? html`<ul class="plain queue-list">${missed.map((m) => missedCard(lang, clinicId, csrf, m))}</ul>` : html`<p>${text(lang, 'staff.missed.none')}</p>`}
</section>`;
}

/** The part of the page that changes as the queue does. */
export function queueLive(lang: Lang, clinicId: string, csrf: string, vm: QueueViewModel): Html {
  return html`<p class="hint">${vm.updatedAt}</p>
${section(lang, clinicId, csrf, 'mine', text(lang, 'staff.queue.mine.title'), vm.mine)}
${section(lang, clinicId, csrf, 'due', text(lang, 'staff.queue.due.title'), vm.due, text(lang, 'staff.queue.due.none'))}
${section(lang, clinicId, csrf, 'colleagues', text(lang, 'staff.queue.claimed.title'), vm.colleagues)}
${section(lang, clinicId, csrf, 'upcoming', text(lang, 'staff.queue.upcoming.title'), vm.upcoming, text(lang, 'staff.queue.upcoming.none'))}
<section aria-labelledby="guarantee-title" class="notice">
  <h2 id="guarantee-title">${text(lang, 'staff.queue.guarantee.title')}</h2>
  <p>${vm.guarantee.summary}${vm.guarantee.next ? html` ${textWith(lang, 'staff.queue.guarantee.next', { who: isolated(vm.guarantee.next.who), date: vm.guarantee.next.date })}` : ''}</p>
  <p><a href="${consolePaths.atRisk(clinicId)}">${text(lang, 'staff.queue.guarantee.link')}</a></p>
</section>
${missedSection(lang, clinicId, csrf, vm.missed)}`;
}

export function queueBody(lang: Lang, clinicId: string, csrf: string, vm: QueueViewModel, live: Html, version: string, notice: string | null): Html {
  return html`
${notice ? statusLine(notice) : ''}
<div class="queue-actions">
  ${buttonForm({ action: consolePaths.callNext(clinicId), hidden: csrfField(csrf), label: text(lang, 'staff.queue.callNext') })}
  <a class="button secondary" href="${consolePaths.queue(clinicId)}">${text(lang, 'staff.queue.refresh')}</a>
</div>
<p class="hint">${text(lang, 'staff.queue.liveHint')}</p>
<p id="ko-status" class="queue-status" role="status" aria-live="polite">${vm.status}</p>
<div id="ko-live" data-poll="${consolePaths.queueJson(clinicId)}" data-version="${version}" data-offline="${text(lang, 'staff.queue.offline')}">
${live}
</div>`;
}
