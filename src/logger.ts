// Structured logging (pino). Patient identifiers and secrets are redacted wherever they might appear.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that may hold a phone number, personal identity number, name or secret. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-callback-token"]',
  'req.headers["idempotency-key"]',
  'req.headers.cookie',
  '*.phone',
  '*.phoneE164',
  '*.personalIdentityNumber',
  '*.name',
  '*.token',
  'phone',
  'personalIdentityNumber',
  'token',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } },
    destination ?? process.stdout,
  );
}
