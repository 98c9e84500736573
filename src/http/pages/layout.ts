// The frame of every page: language, the emergency line (112 / 1177) on every page, one main landmark.
import { html, type Html, type HtmlValue } from './html.js';
import { text, type Lang } from './texts/index.js';

export interface PageFrame {
  lang: Lang;
  title: string;
  /** The page's <h1> where it holds markup (a patient's name in <bdi>); otherwise the title. */
  heading?: HtmlValue;
  body: Html;
  /** The same page in the other language (path and query), for the language link. */
  otherLanguageHref?: string;
  /** Extra header content, e.g. the signed-in staff member and a sign-out form. */
  header?: HtmlValue;
  /** Page scripts under /assets (no inline script: the content security policy forbids it). */
  scripts?: string[];
}

export function layout(frame: PageFrame): string {
  const { lang } = frame;
  return `<!doctype html>${html`<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${frame.title} – ${text(lang, 'site.name')}</title>
<link rel="stylesheet" href="/assets/app.css">
${(frame.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">${text(lang, 'site.skip')}</a>
<header class="site-header">
  <p class="site-name">${text(lang, 'site.name')}</p>
  ${frame.otherLanguageHref ? html`<a class="lang" href="${frame.otherLanguageHref}" lang="${lang === 'sv' ? 'en' : 'sv'}">${text(lang, 'site.language')}</a>` : ''}
  ${frame.header ?? ''}
</header>
<p class="emergency" role="note">${text(lang, 'site.emergency')}</p>
<main id="main">
<h1>${frame.heading ?? frame.title}</h1>
${frame.body}
</main>
<footer class="site-footer"><p>${text(lang, 'site.footer')}</p></footer>
</body>
</html>`}`;
}
