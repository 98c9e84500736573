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
  not_reached: 409,
  invalid_signature: 401,
  guarantee_case_not_found: 404,
  case_not_open: 409,
  report_not_found: 404,
  idempotency_key_reused: 422,
  service_unavailable: 503,
};

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', `No route for ${req.method} ${req.path}.`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof AppError) {
      res.status(STATUS_BY_CODE[err.code]).json(errorBody(err.code, err.message, err.details));
      return;
    }
    // body-parser's own errors: bad JSON, too large, wrong charset.
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (err?.type === 'entity.parse.failed') {
      res.status(400).json(errorBody('malformed_json', 'The request body is not valid JSON.'));
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(status).json(errorBody('bad_request', String(err?.message ?? 'Bad request.')));
      return;
    }
    // Log the error class, code and stack frames only: messages from the database can echo parameter
    // values, and a stack's first line repeats the message.
    const frames = typeof err?.stack === 'string' ? err.stack.split('\n').slice(1).join('\n') : undefined;
    logger.error({ err: { type: err?.name, code: err?.code, frames } }, 'unhandled error');
    res.status(500).json(errorBody('internal_error', 'Something went wrong on our side. Please try again.'));
  };
}
