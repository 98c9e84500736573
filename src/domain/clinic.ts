// A clinic's rules for booking and callbacks (vårdcentralens inställningar), as plain validated data. Each of its
// own checks names its problem with a stable code in the issue's params (src/http/validation.ts passes it on).
import { z } from 'zod';

/** ISO weekday as luxon numbers it: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 7];
const MONDAY_TO_FRIDAY: Weekday[] = [1, 2, 3, 4, 5];

/** Wall-clock time "HH:MM" in the clinic's zone; "24:00" means the end of the day. */
export const LocalTimeSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a local time HH:MM (00:00–24:00)');

export function minutesOfDay(localTime: string): number {
  const [h, m] = localTime.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

const WeekdaySchema = z.number().int().min(1).max(7).transform((n) => n as Weekday);

const OpeningSchema = z
  .object({ open: LocalTimeSchema, close: LocalTimeSchema })
  .refine((w) => minutesOfDay(w.open) < minutesOfDay(w.close), { message: 'open must be before close', params: { code: 'open_before_close' } });

export const CapacityRuleSchema = z
  .object({
    weekdays: z.array(WeekdaySchema).min(1),
    from: LocalTimeSchema,
    to: LocalTimeSchema,
    capacity: z.number().int().min(0).max(1000),
  })
  .refine((r) => minutesOfDay(r.from) < minutesOfDay(r.to), { message: 'from must be before to', params: { code: 'from_before_to' } });
export type CapacityRule = z.infer<typeof CapacityRuleSchema>;

/** A clinic's own change to one date: closed, or another capacity for every slot that day. */
export const DateExceptionSchema = z
  .object({
    date: z.iso.date(),
    closed: z.boolean().default(false),
    capacity: z.number().int().min(0).max(1000).nullable().default(null),
    note: z.string().max(200).optional(),
  })
  .refine((e) => e.closed || e.capacity !== null, {
    message: 'an exception either closes the date or sets a capacity',
    params: { code: 'closed_or_capacity' },
  });
export type DateException = z.infer<typeof DateExceptionSchema>;

// Rule 1 (Region Västmanland 2020): booking must be open at least 06:00–17:00 on every weekday.
const REQUIRED_OPEN = minutesOfDay('06:00');
const REQUIRED_CLOSE = minutesOfDay('17:00');

export const ClinicRulesSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lower-case slug, e.g. vc-kungsor').max(64),
    name: z.string().min(1).max(200),
    timezone: z.string().default('Europe/Stockholm'),
    /** Booking window per weekday ("1".."7"); a missing weekday takes no bookings. */
    bookingWindow: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), OpeningSchema),
    /** Same-day cut-off: requests before it must get contact the same day (rule 5). */
    sameDayCutoff: LocalTimeSchema.default('16:00'),
    slotMinutes: z.number().int().min(5).max(120).default(15),
    capacityRules: z.array(CapacityRuleSchema).default([]),
    dateExceptions: z.array(DateExceptionSchema).default([]),
    minNoticeMinutes: z.number().int().min(0).max(24 * 60).default(5),
    bookingHorizonDays: z.number().int().min(1).max(90).default(14),
    /** Call attempts before a callback is given up as unreachable. */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** After an unanswered attempt the callback returns to the queue this much later. */
    retryDelayMinutes: z.number().int().min(1).max(240).default(10),
    earlyToleranceMinutes: z.number().int().min(0).max(120).default(0),
    lateToleranceMinutes: z.number().int().min(0).max(120).default(0),
    /** Rule 11: a caller with an open callback here is told its time instead of getting a second one. */
    oneOpenCallbackPerCaller: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    if (!Intl.supportedValuesOf('timeZone').includes(c.timezone) && c.timezone !== 'UTC') {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone '${c.timezone}'`, params: { code: 'unknown_time_zone', timezone: c.timezone } });
    }
    for (const day of MONDAY_TO_FRIDAY) {
      const w = c.bookingWindow[String(day) as '1'];
      if (!w || minutesOfDay(w.open) > REQUIRED_OPEN || minutesOfDay(w.close) < REQUIRED_CLOSE) {
        ctx.addIssue({
          code: 'custom',
          path: ['bookingWindow', String(day)],
          message: 'booking must be open at least 06:00–17:00 on every weekday',
          params: { code: 'booking_window_too_short', weekday: day, open: '06:00', close: '17:00' },
        });
      }
    }
  });

export type ClinicRulesInput = z.input<typeof ClinicRulesSchema>;
export type ClinicRules = z.output<typeof ClinicRulesSchema>;

export const DEFAULT_BOOKING_WINDOW: ClinicRules['bookingWindow'] = {
  '1': { open: '06:00', close: '17:00' },
  '2': { open: '06:00', close: '17:00' },
  '3': { open: '06:00', close: '17:00' },
  '4': { open: '06:00', close: '17:00' },
  '5': { open: '06:00', close: '17:00' },
};

/** Two nurses on the phones through the day, one over lunch. */
export const DEFAULT_CAPACITY_RULES: CapacityRule[] = [
  { weekdays: MONDAY_TO_FRIDAY, from: '06:00', to: '17:00', capacity: 2 },
  { weekdays: MONDAY_TO_FRIDAY, from: '12:00', to: '13:00', capacity: 1 },
];

/** Validates a clinic's rules, filling in the defaults. Throws a ZodError naming the bad field. */
export function clinicRules(input: Omit<ClinicRulesInput, 'bookingWindow'> & Partial<Pick<ClinicRulesInput, 'bookingWindow'>>): ClinicRules {
  return ClinicRulesSchema.parse({
    bookingWindow: DEFAULT_BOOKING_WINDOW,
    capacityRules: DEFAULT_CAPACITY_RULES,
    ...input,
  });
}
