// The page behind the SMS cancel link.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server.js';

const server = useTestServer('2027-03-30T08:00:00+02:00');

describe('/avboka/:id', () => {
  it('shows the promised time in words and cancels with one button, then shows the booking as cancelled', async () => {
    const clinicId = await server().addClinic({ name: 'Vårdcentralen <Test>' });
    const booked = (await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } })).body;
    const shown = await fetch(`${server().baseUrl}/avboka/${booked.id}?token=${encodeURIComponent(booked.token)}`);
    const html = await shown.text();
    expect(shown.status).toBe(200);
    expect(html).toContain('Vi ringer dig mellan 08:15 och 08:30 i dag.');
    expect(html).toContain('Vårdcentralen &lt;Test&gt;');
    expect(shown.headers.get('cache-control')).toBe('no-store');

    const cancelled = await fetch(`${server().baseUrl}/avboka/${booked.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(booked.token)}`,
    });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain('är avbokad');
    const status = await server().request('GET', `/api/callbacks/${booked.id}`, { headers: { 'X-Callback-Token': booked.token } });
    expect(status.body.status).toBe('cancelled');
  });

  it('says nothing about a booking to a wrong token or id', async () => {
    const clinicId = await server().addClinic();
    const booked = (await server().request('POST', `/api/clinics/${clinicId}/callbacks`, { body: { phone: '0701234567' } })).body;
    for (const url of [`/avboka/${booked.id}?token=wrong`, `/avboka/${booked.id}`, '/avboka/not-a-uuid?token=x']) {
      const res = await fetch(server().baseUrl + url);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('08:15');
    }
  });
});
