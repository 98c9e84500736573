// Drives a clinic through the public API the way patients, the telephone system and nurses do, for the
// tracker's tests: book, call (telephony events with explicit times), record outcomes and assessments.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { sendTelephonyEvent, type TestServer } from './server.js';

export interface TrackerClinic {
  clinicId: string;
  nurse: string;
  manager: string;
  /** Books at the clock's current time; `slotStart` names a slot, otherwise the earliest free one. */
  book(slotStart?: string): Promise<{ id: string; token: string; slot: { start: string } }>;
  cancel(booking: { id: string; token: string }): Promise<void>;
  /** One telephone call: started at `at`, answered (or not) at once, ended a minute later. */
  call(callbackId: string, at: string, answered: boolean): Promise<void>;
  outcome(callbackId: string, guarantee: false | 'new_problem' | 'worsening', assessedBy?: string): Promise<void>;
  assess(callbackId: string, body: { assessedAt: string; profession: string; mode: string; correct?: boolean }): Promise<{ status: number; body: any }>;
  exclude(callbackId: string, reason: string): Promise<{ status: number; body: any }>;
  report(query: string): Promise<any>;
}

export async function trackerClinic(server: TestServer, overrides: Parameters<TestServer['addClinic']>[0] = {}): Promise<TrackerClinic> {
  const clinicId = await server.addClinic(overrides);
  const nurse = await server.addStaff('nurse', [clinicId]);
  const manager = await server.addStaff('manager', [clinicId]);
  const telephony = async (event: Record<string, unknown>) => {
    const res = await sendTelephonyEvent(server, event);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  };
  return {
    clinicId,
    nurse,
    manager,
    async book(slotStart) {
      const res = await server.request('POST', `/api/clinics/${clinicId}/callbacks`, {
        body: { phone: '0701234567', ...(slotStart ? { slotStart } : {}) },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    async cancel(booking) {
      const res = await server.request('DELETE', `/api/callbacks/${booking.id}`, { headers: { 'X-Callback-Token': booking.token } });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    },
    async call(callbackId, at, answered) {
      const callId = randomUUID();
      const ended = new Date(new Date(at).getTime() + 60_000).toISOString();
      await telephony({ eventId: randomUUID(), type: 'call.started', callId, callbackId, at });
      if (answered) await telephony({ eventId: randomUUID(), type: 'call.answered', callId, callbackId, at });
      await telephony({ eventId: randomUUID(), type: 'call.ended', callId, callbackId, at: ended });
    },
    async outcome(callbackId, guarantee, assessedBy) {
      const res = await server.request('PUT', `/api/staff/callbacks/${callbackId}/outcome`, {
        headers: { Authorization: nurse },
        body: {
          resolution: 'advice',
          guarantee: guarantee ? { covered: true, reason: guarantee } : { covered: false },
          medicalAssessment: assessedBy ? { performed: true, profession: assessedBy } : { performed: false },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(204);
    },
    assess: (callbackId, body) =>
      server.request('PUT', `/api/staff/guarantee-cases/${callbackId}/assessment`, { headers: { Authorization: nurse }, body }),
    exclude: (callbackId, reason) =>
      server.request('PUT', `/api/staff/guarantee-cases/${callbackId}/exclusion`, { headers: { Authorization: nurse }, body: { reason } }),
    async report(query) {
      const res = await server.request('GET', `/api/reports/measures?clinics=${clinicId}&${query}`, { headers: { Authorization: manager } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
  };
}
