// The staff start page: the reports link for managers, then each clinic with its pages.
import { html, type Html } from '../../html.js';
import { text, type Lang } from '../../texts/index.js';
import type { HomeViewModel } from './present.js';

export function homeBody(lang: Lang, vm: HomeViewModel): Html {
  return html`
${vm.reports ? html`<p><a class="button" href="${vm.reports.href}">${vm.reports.label}</a></p>` : ''}
<h2>${text(lang, 'staff.home.clinics')}</h2>
<ul class="plain">
${vm.clinics.map((c) => html`<li><h3>${c.name}</h3><p>
  ${c.links.map((l, i) => html`${i > 0 ? ' · ' : ''}<a href="${l.href}">${l.label}</a>`)}
</p></li>`)}
</ul>`;
}
