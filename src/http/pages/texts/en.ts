// English texts. Every key of sv.ts must be here too (the type says so).
import type { TextKey } from './sv.js';

export const en: Record<TextKey, string> = {
  'site.name': 'Callback from your health centre',
  'site.emergency': 'In a life-threatening emergency: call 112. Medical advice day and night: call 1177.',
  'site.language': 'På svenska',
  'site.skip': 'Skip to content',
  'site.footer': 'Your details are used only so that the health centre can call you back.',
};
