// The links patients are given (in SMS and on the pages): one place, so an SMS link and a page's link never differ.
// Relative to the app's root; an SMS prefixes PUBLIC_BASE_URL.

const part = encodeURIComponent;

export const patientLinks = {
  /** A clinic's booking page ("boka en ny tid"). */
  clinic: (clinicId: string) => `/vardcentral/${part(clinicId)}`,
  /** The booking's own page: its time and status. `extra` is more of the query, e.g. "&andrad=1". */
  booking: (id: string, token: string, extra = '') => `/bokning/${part(id)}?token=${part(token)}${extra}`,
  /** Change the booking's time. */
  change: (id: string, token: string) => `/bokning/${part(id)}/andra?token=${part(token)}`,
  /** Cancel the booking (the SMS's "Avboka"). */
  cancel: (id: string, token: string) => `/avboka/${part(id)}?token=${part(token)}`,
};
