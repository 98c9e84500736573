// Express side of staff access: who sent a request (via the one authenticator), and the audit of refused requests.
import type { ErrorRequestHandler, Request } from 'express';
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import type { Queryable } from '../db/database.js';
import { Forbidden } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StaffAuthenticator, StaffMember } from '../services/staffAuth.js';

/** Who each request was authenticated as, so a later 403 can be audited under their name. */
const staffByRequest = new WeakMap<Request, StaffMember>();

/** The routes' way to authenticate: `const staff = await staffOf(req)`. */
export function staffOfRequest(auth: StaffAuthenticator): (req: Request) => Promise<StaffMember> {
  return async (req) => {
    const staff = await auth.authenticate(req.headers.authorization);
    staffByRequest.set(req, staff);
    return staff;
  };
}

/**
 * Error middleware for the API router: writes an 'access.denied' audit event for every request an
 * authenticated staff member was refused (403), then hands the error on to the one error handler.
 * Unauthenticated requests (401) have no "who" and are not audited here.
 */
export function auditDeniedStaffRequests(deps: { db: Queryable; clock: Clock; logger: Logger }): ErrorRequestHandler {
  return async (err, req, _res, next) => {
    const staff = err instanceof Forbidden ? staffByRequest.get(req) : undefined;
    if (staff) {
      try {
        await recordAudit(deps.db, {
          at: deps.clock.now(),
          staffId: staff.id,
          action: 'access.denied',
          clinicId: (err as Forbidden).clinicId,
          callbackIds: [],
          // Path only: query strings are not needed to say what was tried.
          request: `${req.method} ${req.originalUrl.split('?')[0]}`,
        });
      } catch (auditError) {
        // The refusal stands even when the audit cannot be written; the failure is reported, not hidden.
        deps.logger.error({ err: { type: (auditError as Error)?.name } }, 'could not audit a refused staff request');
      }
    }
    next(err);
  };
}
