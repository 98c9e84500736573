// Agent-first dialling's set-up for its tests: a clinic whose "Ring" calls the nurse's phone first and then the
// patient, showing the clinic's number, and a callback a nurse has claimed there, on Tuesday 30 March 2027.
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import { replaceClinicTelephony } from '../../src/db/clinicTelephony.js';
import { createStaffMember } from '../../src/services/staffAuth.js';
import type { TestServer } from './server.js';

/** Tuesday after Easter 2027, summer time (+02:00). Booked at 08:00, the callback's slot is 08:15–08:30. */
export const TUESDAY_0800 = '2027-03-30T08:00:00+02:00';
/** The number the clinic calls from. */
export const CLINIC_NUMBER = '+46101234567';
/** The nurse's stored phone, rung first. */
export const NURSE_PHONE = '+46705550001';
/** The patient (booked as 070-123 45 67). */
export const PATIENT = '+46701234567';

/** A local time that Tuesday. */
export const at = (local: string) => DateTime.fromISO(`2027-03-30T${local}+02:00`, { setZone: true });

/** A fresh clinic calling from CLINIC_NUMBER, dialling agent first unless told not to; no booking numbers, no fallback. */
export async function agentFirstClinic(s: TestServer, dialAgentFirst = true): Promise<string> {
  const clinicId = await s.addClinic();
  await replaceClinicTelephony(s.db, clinicId, { bookingNumbers: [], fallbackPhone: null, dialAgentFirst, callerId: CLINIC_NUMBER });
  return clinicId;
}

/** A nurse (with NURSE_PHONE stored unless told otherwise) and one callback (slot 08:15) she has claimed at 08:15. */
export async function claimedCallback(s: TestServer, options: { dialAgentFirst?: boolean; nursePhone?: string | null } = {}) {
  s.clock.set(TUESDAY_0800);
  const clinicId = await agentFirstClinic(s, options.dialAgentFirst ?? true);
  const { staff, token } = await createStaffMember(s.db, {
    name: 'Sjuksköterska Test',
    role: 'nurse',
    clinicIds: [clinicId],
    phoneE164: options.nursePhone === undefined ? NURSE_PHONE : options.nursePhone,
  });
  const nurse = `Bearer ${token}`;
  const booked = await s.request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '070-123 45 67' } });
  expect(booked.status).toBe(201);
  expect(booked.body.slot.start).toBe('2027-03-30T08:15:00+02:00');
  s.clock.set(at('08:15:00'));
  const claimed = await s.request('POST', `/api/staff/callbacks/${booked.body.id}/claim`, { headers: { Authorization: nurse } });
  expect(claimed.status).toBe(200);
  return { clinicId, callbackId: booked.body.id as string, nurse, token, nurseId: staff.id };
}
