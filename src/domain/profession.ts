// Licensed professions (legitimerad personal) that may perform a medical assessment (rule 7).

export const PROFESSIONS = [
  'doctor', // läkare
  'nurse', // sjuksköterska
  'district_nurse', // distriktssköterska
  'physiotherapist', // fysioterapeut
  'occupational_therapist', // arbetsterapeut
  'psychologist', // psykolog
  'counsellor', // kurator (hälso- och sjukvårdskurator)
  'midwife', // barnmorska
  'dietitian', // dietist
  'psychotherapist', // psykoterapeut
] as const;
export type Profession = (typeof PROFESSIONS)[number];

/** How an assessment or appointment takes place. */
export const CONTACT_MODES = ['visit', 'video', 'phone'] as const;
export type ContactMode = (typeof CONTACT_MODES)[number];
