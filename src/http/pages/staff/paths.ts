// Where the staff pages and the nurse console's form posts live; the page routers and every link use these.
const clinic = (clinicId: string) => `/personal/vardcentral/${clinicId}`;

/** The staff pages people open (the start page links to them). */
export const staffPaths = {
  home: '/personal',
  queue: (clinicId: string) => `${clinic(clinicId)}/ko`,
  atRisk: (clinicId: string) => `${clinic(clinicId)}/vardgaranti`,
  settings: (clinicId: string) => `${clinic(clinicId)}/installningar`,
  reports: '/personal/rapporter',
};

const call = (clinicId: string, id: string) => `${clinic(clinicId)}/samtal/${id}`;
const guaranteeCase = (clinicId: string, id: string) => `${staffPaths.atRisk(clinicId)}/${id}`;

export const consolePaths = {
  queue: staffPaths.queue,
  atRisk: staffPaths.atRisk,
  queueJson: (clinicId: string) => `${staffPaths.queue(clinicId)}.json`,
  callNext: (clinicId: string) => `${staffPaths.queue(clinicId)}/ring-nasta`,
  call,
  claim: (clinicId: string, id: string) => `${call(clinicId, id)}/ta`,
  attempt: (clinicId: string, id: string) => `${call(clinicId, id)}/forsok`,
  ring: (clinicId: string, id: string) => `${call(clinicId, id)}/ring`,
  renew: (clinicId: string, id: string) => `${call(clinicId, id)}/forlang`,
  release: (clinicId: string, id: string) => `${call(clinicId, id)}/lamna`,
  outcome: (clinicId: string, id: string) => `${call(clinicId, id)}/utfall`,
  followUp: (clinicId: string, id: string) => `${clinic(clinicId)}/missade/${id}/uppfoljd`,
  assessment: (clinicId: string, id: string) => `${guaranteeCase(clinicId, id)}/bedomning`,
  exclusion: (clinicId: string, id: string) => `${guaranteeCase(clinicId, id)}/undantag`,
};

/** Express route patterns of the same paths. */
export const routePatterns = {
  queue: consolePaths.queue(':clinicId'),
  queueJson: consolePaths.queueJson(':clinicId'),
  callNext: consolePaths.callNext(':clinicId'),
  call: consolePaths.call(':clinicId', ':id'),
  claim: consolePaths.claim(':clinicId', ':id'),
  attempt: consolePaths.attempt(':clinicId', ':id'),
  renew: consolePaths.renew(':clinicId', ':id'),
  release: consolePaths.release(':clinicId', ':id'),
  outcome: consolePaths.outcome(':clinicId', ':id'),
  followUp: consolePaths.followUp(':clinicId', ':id'),
  atRisk: consolePaths.atRisk(':clinicId'),
  assessment: consolePaths.assessment(':clinicId', ':id'),
  exclusion: consolePaths.exclusion(':clinicId', ':id'),
};
