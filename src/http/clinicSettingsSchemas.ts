// Schemas for a clinic's settings as managers read and change them (PUT /api/staff/clinics/{clinicId}/settings).
// They check shapes and bounds; the calendar rules (06:00–17:00 on working days, open before close) are the
// domain's ClinicRulesSchema, applied by the service to the whole clinic, so both name the same fields.
import { z } from 'zod';
import { CapacityRuleSchema, LocalTimeSchema } from '../domain/clinic.js';
import { freeText, localDate } from './primitives.js';

const Opening = z.strictObject({ open: LocalTimeSchema, close: LocalTimeSchema }).meta({ example: { open: '06:00', close: '17:00' } });

const DateException = z
  .strictObject({
    date: localDate('A local date in the clinic’s zone', '2027-04-01'),
    closed: z.boolean().default(false),
    capacity: z.number().int().min(0).max(1000).nullable().default(null).meta({ description: 'Places in every slot that date; null keeps the weekday’s' }),
    note: freeText(200).optional(),
  })
  .meta({ id: 'ClinicDateException' });

export const ClinicSettingsBody = z
  .strictObject({
    bookingWindow: z
      .partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), Opening)
      .meta({ description: 'Booking hours per ISO weekday (1 = Monday); a weekday left out takes no bookings. Monday–Friday must open at least 06:00–17:00.' }),
    slotMinutes: z.number().int().min(5).max(120),
    capacityRules: z.array(CapacityRuleSchema).max(100).meta({ description: 'Places per slot by weekdays and time range; a later rule overrides an earlier one' }),
    dateExceptions: z.array(DateException).max(400),
    earlyToleranceMinutes: z.number().int().min(0).max(120),
    lateToleranceMinutes: z.number().int().min(0).max(120),
    oneOpenCallbackPerCaller: z.boolean().meta({ description: 'Rule 11: a caller with an open callback here is told its time instead of getting a second' }),
  })
  .meta({ id: 'ClinicSettings' });
export type ClinicSettingsInput = z.output<typeof ClinicSettingsBody>;

export const ClinicSettingsView = ClinicSettingsBody.extend({
  clinicId: z.string(),
  name: z.string(),
  timezone: z.string(),
}).meta({ id: 'ClinicSettingsView' });
