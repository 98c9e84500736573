// Queue work that follows a committed database change. PostgreSQL is the truth: when Redis refuses the job,
// the booking stands, and reconciliation re-creates the job from the database within a minute.
import type { Logger } from '../logger.js';

export function createAfterCommit(logger: Logger) {
  return async (what: string, enqueue: () => Promise<void>): Promise<void> => {
    try {
      await enqueue();
    } catch (error) {
      logger.warn({ err: { type: (error as Error)?.name, code: (error as { code?: string })?.code } }, `could not ${what}; reconciliation will retry`);
    }
  };
}
