// English texts of the frame of every page: the site’s name, the emergency line (112, 1177), the language link, skip link and footer.
// Exactly the keys of site.sv.ts (a missing or extra key does not compile), with the same {placeholders} (test/http/pageTexts.test.ts).
import type { SiteTextKey } from './site.sv.js';

export const site: Record<SiteTextKey, string> = {
  'site.name': 'Callback from your health centre',
  'site.emergency': 'In a life-threatening emergency: call 112. Medical advice day and night: call 1177.',
  'site.language': 'På svenska',
  'site.skip': 'Skip to content',
  'site.footer': 'Your details are used only so that the health centre can call you back.',
};
