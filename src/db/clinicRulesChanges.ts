// Which clinics' rules changed, from any process: migration 013's trigger NOTIFYs clinic_rules_changed with the
// clinic id on every write to clinics or clinic_date_exceptions; this adapter LISTENs through the database handle
// (a dedicated reconnecting connection on PostgreSQL, PGlite's own listen()) and says when it may have missed some.
import type { Database } from './database.js';

export const CLINIC_RULES_CHANNEL = 'clinic_rules_changed';

export interface ClinicRulesChanges {
  /** True while every change is being delivered: only then may a cache serve what it holds. */
  readonly listening: boolean;
  /**
   * `onChange(id)` when one clinic's rules changed; `onChange(null)` when any may have (a TRUNCATE, or the
   * connection was lost or came back: changes in between were not seen).
   */
  subscribe(onChange: (clinicId: string | null) => void): void;
}

export function clinicRulesChangesOf(db: Pick<Database, 'listen'>): ClinicRulesChanges {
  const subscribers: ((clinicId: string | null) => void)[] = [];
  let listening = false;
  const emit = (clinicId: string | null) => {
    for (const onChange of subscribers) onChange(clinicId);
  };
  // Listens for as long as the database is open: closing the database closes its listener.
  db.listen?.(
    CLINIC_RULES_CHANNEL,
    (payload) => emit(payload === '*' || payload === '' ? null : payload),
    (state) => {
      listening = state;
      // Lost: forget everything now. Back: forget what was learnt while deaf (loads racing the reconnect).
      emit(null);
    },
  );
  return {
    get listening() {
      return listening;
    },
    subscribe(onChange) {
      subscribers.push(onChange);
    },
  };
}
