// Swedish texts (the default language of the patient pages). Keys are shared with en.ts.
export const sv = {
  'site.name': 'Återuppringning från vårdcentralen',
  'site.emergency': 'Vid livshotande tillstånd: ring 112. Sjukvårdsrådgivning dygnet runt: ring 1177.',
  'site.language': 'In English',
  'site.skip': 'Hoppa till innehållet',
  'site.footer': 'Dina uppgifter används bara för att vårdcentralen ska kunna ringa upp dig.',
} as const;

export type TextKey = keyof typeof sv;
