// The one place application errors become HTTP responses: { error: { code, message, details? } }.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  clinic_not_found: 404,
  callback_not_found: 404,
  slot_full: 409,
  slot_unavailable: 409,
  no_free_slot: 409,
  booking_closed: 409,
  already_cancelled: 409,
  not_cancellable: 409,
  not_claimed: 409,
  not_claimable: 409,
  not_reached: 409,
  invalid_signature: 401,
  guarantee_case_not_found: 404,
  case_not_open: 409,
  report_not_found: 404,
  idempotency_key_reused: 422,
  service_unavailable: 503,
  already_booked: 409,
  too_many_bookings: 409,
  rate_limited: 429,
  not_missed: 409,
  already_followed_up: 409,
  phone_number_taken: 409,
  agent_phone_missing: 422,
  dialling_unavailable: 409,
  before_promised_time: 409,
  outside_calling_hours: 409,
  call_refused: 502,
  clinic_exists: 409,
  hsa_id_taken: 409,
  staff_not_found: 404,
  last_admin: 409,
};

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', `No route for ${req.method} ${req.path}.`));
};

/** The same unexpected error is logged at most once per this interval, with a count of the ones in between:
 * a stranger who finds a request that fails must not be able to flood the log with it. */
const UNHANDLED_LOG_INTERVAL_MS = 10_000;

export function errorHandler(logger: Logger, now: () => number = Date.now): ErrorRequestHandler {
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  function logUnhandled(err: { name?: string; code?: string; stack?: string }) {
    // The first stack frame too: two different bugs of one error class are two lines.
    const firstFrame = typeof err?.stack === 'string' ? (err.stack.split('\n')[1] ?? '').trim() : '';
    const key = `${err?.name}:${err?.code}:${firstFrame}`;
    const seen = lastLogged.get(key);
    if (seen && now() - seen.at < UNHANDLED_LOG_INTERVAL_MS) {
      seen.suppressed += 1;
      return;
    }
    if (lastLogged.size > 100) lastLogged.clear();
    lastLogged.set(key, { at: now(), suppressed: 0 });
    // Log the error class, code and stack frames only: messages from the database can echo parameter
    // values, and a stack's first line repeats the message.
    const frames = typeof err?.stack === 'string' ? err.stack.split('\n').slice(1).join('\n') : undefined;
    logger.error({ err: { type: err?.name, code: err?.code, frames }, suppressedSinceLast: seen?.suppressed ?? 0 }, 'unhandled error');
  }

  return (err, _req, res, _next) => {
    // For the metrics of refused bookings (src/http/operations.ts).
    const remember = (code: string) => {
      if (res.locals) res.locals.errorCode = code;
    };
    if (err instanceof AppError) {
      remember(err.code);
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
      res.status(STATUS_BY_CODE[err.code]).json(errorBody(err.code, err.message, err.details));
      return;
    }
    // body-parser's own errors: bad JSON, too large, wrong charset.
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (err?.type === 'entity.parse.failed') {
      remember('malformed_json');
      res.status(400).json(errorBody('malformed_json', 'The request body is not valid JSON.'));
      return;
    }
    if (status >= 400 && status < 500) {
      remember('bad_request');
      res.status(status).json(errorBody('bad_request', String(err?.message ?? 'Bad request.')));
      return;
    }
    logUnhandled(err);
    res.status(500).json(errorBody('internal_error', 'Something went wrong on our side. Please try again.'));
  };
}
