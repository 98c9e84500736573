// Rule 12 for the nurses: the clinic's missed callbacks listed for follow-up, and recording a follow-up (the
// patient was called back later, or given a new time). Reads of patient data are audited like the queue's.
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { findCallback, type StoredCallback } from '../db/callbacks.js';
import { listMissedForFollowUp, recordFollowUp } from '../db/callbackSweeps.js';
import { findClinicRules } from '../db/clinics.js';
import type { Database } from '../db/database.js';
import { AlreadyFollowedUp, CallbackNotFound, ClinicNotFound, NotMissed } from '../errors.js';
import { authorize, type StaffMember } from './staffAuth.js';

/** The same staff as the call queue: following up is the nurses' work. */
const FOLLOW_UP_ROLES = ['nurse', 'admin'] as const;
/** Oldest first; a clinic that lets more pile up than this sees the oldest this many, then the next after those. */
export const MISSED_LIST_LIMIT = 500;

export interface MissedCallbackService {
  /** The clinic's missed callbacks not yet followed up, oldest promise first, with the clinic's time zone. */
  listMissed(staff: StaffMember, clinicId: string): Promise<{ timezone: string; callbacks: StoredCallback[] }>;
  /** Marks a missed callback followed up by this staff member, with an optional note; returns it as stored. */
  followUp(staff: StaffMember, callbackId: string, note: string | null): Promise<StoredCallback>;
}

export function createMissedCallbackService(deps: { db: Database; clock: Clock }): MissedCallbackService {
  const { db, clock } = deps;

  return {
    async listMissed(staff, clinicId) {
      authorize(staff, FOLLOW_UP_ROLES, clinicId);
      const rules = await findClinicRules(db, clinicId);
      if (!rules) throw new ClinicNotFound(clinicId);
      const callbacks = await listMissedForFollowUp(db, clinicId, MISSED_LIST_LIMIT);
      await recordAudit(db, { at: clock.now(), staffId: staff.id, action: 'missed.list', clinicId, callbackIds: callbacks.map((c) => c.id) });
      return { timezone: rules.timezone, callbacks };
    },

    async followUp(staff, callbackId, note) {
      const callback = await findCallback(db, callbackId);
      if (!callback) throw new CallbackNotFound();
      authorize(staff, FOLLOW_UP_ROLES, callback.clinicId);
      const done = await recordFollowUp(db, callbackId, staff.id, clock.now(), note);
      if (!done) {
        // Read again: the state that refused it may be newer than the one authorised above.
        const now = (await findCallback(db, callbackId)) ?? callback;
        if (now.followUp) throw new AlreadyFollowedUp(now.followUp.at.toISO()!);
        throw new NotMissed(now.status);
      }
      await recordAudit(db, { at: clock.now(), staffId: staff.id, action: 'callback.follow_up', clinicId: callback.clinicId, callbackIds: [callbackId] });
      return done;
    },
  };
}
