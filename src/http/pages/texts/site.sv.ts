// Swedish texts of the frame of every page: the site’s name, the emergency line (112, 1177), the language link, skip link and footer.
// site.en.ts has exactly these keys (its type says so); text() in index.ts fills in the {placeholders}.
export const site = {
  'site.name': 'Återuppringning från vårdcentralen',
  'site.emergency': 'Vid livshotande tillstånd: ring 112. Sjukvårdsrådgivning dygnet runt: ring 1177.',
  'site.language': 'In English',
  'site.skip': 'Hoppa till innehållet',
  'site.footer': 'Dina uppgifter används bara för att vårdcentralen ska kunna ringa upp dig.',
} as const;

export type SiteTextKey = keyof typeof site;
