// Demo data for `npm start` on an empty database: three clinics in Region Västmanland and their staff.
import { clinicRules, DEFAULT_BOOKING_WINDOW, type ClinicRules } from '../domain/clinic.js';
import { createStaffMember } from '../services/staffAuth.js';
import { countClinics, insertClinic, updateClinicProfile } from '../db/clinics.js';
import { DEMO_REGION, demoProfile } from './seedHistory.js';
import type { Database } from '../db/database.js';
import { countStaff, type StaffRole } from '../db/staff.js';

const WEEKDAYS = [1, 2, 3, 4, 5] as const;

export const DEMO_CLINICS: ClinicRules[] = [
  clinicRules({ id: 'vc-kungsor', name: 'Vårdcentralen Kungsör' }),
  clinicRules({
    id: 'vc-koping',
    name: 'Vårdcentralen Köping',
    // Opens longer than the regional minimum, and has three nurses on the phones in the morning rush.
    bookingWindow: { ...DEFAULT_BOOKING_WINDOW, '1': { open: '06:00', close: '18:00' } },
    capacityRules: [
      { weekdays: [...WEEKDAYS], from: '07:00', to: '17:00', capacity: 2 },
      { weekdays: [...WEEKDAYS], from: '07:00', to: '10:00', capacity: 3 },
      { weekdays: [1], from: '17:00', to: '18:00', capacity: 1 },
    ],
  }),
  clinicRules({
    id: 'vc-arboga',
    name: 'Vårdcentralen Arboga',
    slotMinutes: 10,
    capacityRules: [{ weekdays: [...WEEKDAYS], from: '08:00', to: '16:00', capacity: 1 }],
    earlyToleranceMinutes: 5,
    lateToleranceMinutes: 10,
    maxAttempts: 2,
  }),
];

const DEMO_STAFF: { name: string; role: StaffRole; clinicIds: string[]; allClinics?: boolean }[] = [
  { name: 'Demo Sjuksköterska Kungsör/Köping', role: 'nurse', clinicIds: ['vc-kungsor', 'vc-koping'] },
  { name: 'Demo Sjuksköterska Arboga', role: 'nurse', clinicIds: ['vc-arboga'] },
  { name: 'Demo Verksamhetschef', role: 'manager', clinicIds: ['vc-kungsor', 'vc-koping', 'vc-arboga'] },
  // Region-wide, as a region's own admin is: they add clinics and staff on the admin pages.
  { name: 'Demo Administratör', role: 'admin', clinicIds: [], allClinics: true },
];

/** Seeds the demo clinics when there are no clinics at all; returns the ids created. */
export async function seedDemoClinicsIfEmpty(db: Database): Promise<string[]> {
  if ((await countClinics(db)) > 0) return [];
  for (const clinic of DEMO_CLINICS) {
    await insertClinic(db, clinic);
    await updateClinicProfile(db, clinic.id, demoProfile(DEMO_REGION.findIndex(([id]) => id === clinic.id)));
  }
  return DEMO_CLINICS.map((c) => c.id);
}

/** Creates demo staff when there are no staff at all; the tokens exist only in the return value. */
export async function seedDemoStaffIfEmpty(db: Database): Promise<{ name: string; role: StaffRole; clinicIds: string[]; allClinics?: boolean; token: string }[]> {
  if ((await countStaff(db)) > 0) return [];
  const created = [];
  for (const input of DEMO_STAFF) {
    const { token } = await createStaffMember(db, input);
    created.push({ ...input, token });
  }
  return created;
}
