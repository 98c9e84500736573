// The dates the product accepts at all: far wider than any real booking or report, far inside what PostgreSQL
// and luxon handle (luxon writes year 10000 as "+010000-01-01", which once broke string comparisons of dates).
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2100-12-31';

/** Instants a day either side, so every offset of a local date in range is itself in range. */
export const EARLIEST_INSTANT_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`) - 24 * 3600_000;
export const LATEST_INSTANT_MS = Date.parse(`${LATEST_DATE}T23:59:59.999Z`) + 24 * 3600_000;

/** A YYYY-MM-DD string (already well-formed) inside the accepted range. */
export const isAcceptedDate = (isoDate: string): boolean => isoDate >= EARLIEST_DATE && isoDate <= LATEST_DATE;
