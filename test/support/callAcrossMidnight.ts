// The booked-then-reached day the guarantee tests turn on: a patient books on Monday 22 March 2027 (winter time,
// +01:00) for Thursday morning, day 3 and the last within, and is reached late that Thursday: a call answered 23:55
// and ended 00:10 on Friday.
import { expect } from 'vitest';
import type { TestServer } from './server.js';
import { trackerClinic, type TrackerClinic } from './tracker.js';

export const MONDAY_0800 = '2027-03-22T08:00:00+01:00';
export const THURSDAY_SLOT = '2027-03-25T09:00:00+01:00';
/** The nurse claims the callback before midnight (a callback whose day has ended can no longer be claimed: rule 12). */
export const CLAIMED = '2027-03-25T23:50:00+01:00';
export const ANSWERED = '2027-03-25T23:55:00+01:00';
export const ENDED = '2027-03-26T00:10:00+01:00';

/** A fresh clinic with one patient who called on Monday and chose Thursday morning for the callback. */
export async function bookedOnMondayForThursday(s: TestServer): Promise<{ clinic: TrackerClinic; callbackId: string }> {
  s.clock.set(MONDAY_0800);
  const clinic = await trackerClinic(s);
  const booking = await clinic.book(THURSDAY_SLOT);
  expect(booking.slot.start).toBe(THURSDAY_SLOT);
  return { clinic, callbackId: booking.id };
}

/** The nurse claims the callback at 23:50 and logs the call she made: answered, started 23:55, ended 00:10. */
export async function nurseLogsTheCall(s: TestServer, clinic: TrackerClinic, callbackId: string): Promise<void> {
  s.clock.set(CLAIMED);
  const claimed = await s.request('POST', `/api/staff/clinics/${clinic.clinicId}/queue/claim`, { headers: { Authorization: clinic.nurse } });
  expect(claimed.body.id).toBe(callbackId);
  s.clock.set(ENDED);
  const logged = await s.request('POST', `/api/staff/callbacks/${callbackId}/attempts`, {
    headers: { Authorization: clinic.nurse },
    body: { outcome: 'answered', startedAt: ANSWERED, endedAt: ENDED },
  });
  expect(logged.status).toBe(201);
}
