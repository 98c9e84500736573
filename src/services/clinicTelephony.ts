// A clinic's telephony settings as its managers keep them: booking numbers, the fallback number, agent-first
// dialling and the caller id. Changed in one audited transaction; a number another clinic has is refused.
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { findClinicTelephony, replaceClinicTelephony, type ClinicTelephony, type ClinicTelephonyUpdate } from '../db/clinicTelephony.js';
import type { Database } from '../db/database.js';
import { ClinicNotFound, PhoneNumberTaken } from '../errors.js';
import { authorize, type StaffMember } from './staffAuth.js';

const SETTINGS_ROLES = ['manager', 'admin'] as const;

export interface ClinicTelephonyService {
  get(staff: StaffMember, clinicId: string): Promise<ClinicTelephony>;
  update(staff: StaffMember, clinicId: string, update: ClinicTelephonyUpdate): Promise<ClinicTelephony>;
}

export function createClinicTelephonyService(deps: { db: Database; clock: Clock }): ClinicTelephonyService {
  const { db, clock } = deps;

  async function read(clinicId: string): Promise<ClinicTelephony> {
    const settings = await findClinicTelephony(db, clinicId);
    if (!settings) throw new ClinicNotFound(clinicId);
    return settings;
  }

  return {
    async get(staff, clinicId) {
      authorize(staff, SETTINGS_ROLES, clinicId);
      return read(clinicId);
    },

    async update(staff, clinicId, update) {
      authorize(staff, SETTINGS_ROLES, clinicId);
      await read(clinicId);
      const taken = await replaceClinicTelephony(db, clinicId, { ...update, bookingNumbers: [...update.bookingNumbers].sort() });
      if (taken.length) throw new PhoneNumberTaken(taken);
      await recordAudit(db, { at: clock.now(), staffId: staff.id, action: 'clinic.telephony_changed', clinicId, callbackIds: [] });
      return read(clinicId);
    },
  };
}
