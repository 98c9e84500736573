// Which clinics changed, from any process, on one NOTIFY channel: migration 013's triggers send
// clinic_rules_changed on every write to clinics or clinic_date_exceptions, migration 014's send slot_places_changed
// when a place is taken or freed; both with the clinic id. This adapter LISTENs through the database handle (a
// dedicated reconnecting connection on PostgreSQL, PGlite's own listen()) and says when it may have missed some.
import type { Database } from './database.js';

export const CLINIC_RULES_CHANNEL = 'clinic_rules_changed';
export const SLOT_PLACES_CHANNEL = 'slot_places_changed';

export interface ClinicChanges {
  /** True while every change is being delivered: only then may a cache serve what it holds. */
  readonly listening: boolean;
  /**
   * `onChange(id)` when one clinic changed; `onChange(null)` when any may have (a TRUNCATE, or the connection was
   * lost or came back: changes in between were not seen).
   */
  subscribe(onChange: (clinicId: string | null) => void): void;
}

/** A clinic's rules (its row and date exceptions) changed. */
export type ClinicRulesChanges = ClinicChanges;

export function clinicChangesOf(db: Pick<Database, 'listen'>, channel: string): ClinicChanges {
  const subscribers: ((clinicId: string | null) => void)[] = [];
  let listening = false;
  const emit = (clinicId: string | null) => {
    for (const onChange of subscribers) onChange(clinicId);
  };
  // Listens for as long as the database is open: closing the database closes its listener.
  db.listen?.(
    channel,
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

export const clinicRulesChangesOf = (db: Pick<Database, 'listen'>): ClinicRulesChanges => clinicChangesOf(db, CLINIC_RULES_CHANNEL);
export const slotPlacesChangesOf = (db: Pick<Database, 'listen'>): ClinicChanges => clinicChangesOf(db, SLOT_PLACES_CHANNEL);
