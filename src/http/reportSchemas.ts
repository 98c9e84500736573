// Schemas for the managers' reports and the care-guarantee cases: request validation and OpenAPI.
import { z } from 'zod';
import { DRILLDOWN_FIGURE_NAMES } from '../domain/drilldown.js';
import { EXCLUSION_REASONS, GUARANTEE_START_BASES } from '../domain/guaranteeCase.js';
import { GROUPINGS } from '../domain/reportPeriod.js';
import { CONTACT_MODES, PROFESSIONS } from '../domain/profession.js';
import { ATTEMPT_CHANNELS, TURNED_AWAY_FIGURE_NAMES } from '../domain/turnedAway.js';
import { ClinicId, freeText, isoInstant, localDate } from './primitives.js';

const LocalDate = localDate('A local date (Europe/Stockholm)', '2026-03-05');
const IsoInstant = isoInstant('2026-03-06T09:40:00+01:00');
const Share = z.number().min(0).max(1).nullable().meta({ description: 'numerator / denominator; null when the denominator is 0' });

const ClinicIdsParam = z
  .string()
  .optional()
  .transform((s) => (s === undefined ? undefined : s.split(',').map((c) => c.trim()).filter(Boolean)))
  .pipe(z.array(ClinicId).max(500, 'at most 500 clinics').optional())
  .meta({ description: 'Comma-separated clinic ids. Omitted: every clinic you may see (the whole region for region-wide staff).', example: 'vc-kungsor,vc-koping' });

/** A deviation filter beyond a year either way selects nothing real, and must fit a 32-bit integer in SQL. */
const MAX_DEVIATION_MINUTES = 366 * 24 * 60;

export const ReportQuerySchema = z.object({
  clinics: ClinicIdsParam,
  from: LocalDate,
  to: LocalDate,
  groupBy: z.enum(GROUPINGS).default('month'),
});

export const DrilldownQuerySchema = ReportQuerySchema.extend({
  figure: z.enum([...DRILLDOWN_FIGURE_NAMES, ...TURNED_AWAY_FIGURE_NAMES]).meta({ description: 'The figure whose records to list, as named in the report' }),
  channel: z.enum(ATTEMPT_CHANNELS).optional().meta({ description: 'turnedAway figures: only calls to the booking numbers (phone) or only web bookings (web)' }),
  profession: z.enum(PROFESSIONS).optional().meta({ description: 'medicalAssessment figures: only this assessing profession' }),
  mode: z.enum(CONTACT_MODES).optional().meta({ description: 'medicalAssessment figures: only this mode' }),
  exclusionReason: z.enum(EXCLUSION_REASONS).optional(),
  deviationFromMinutes: z.coerce.number().int().min(-MAX_DEVIATION_MINUTES).max(MAX_DEVIATION_MINUTES).optional().meta({ description: 'timeDeviation figures: deviation ≥ this (a histogram bin’s fromMinutes)' }),
  deviationToMinutes: z.coerce.number().int().min(-MAX_DEVIATION_MINUTES).max(MAX_DEVIATION_MINUTES).optional().meta({ description: 'timeDeviation figures: deviation < this (a histogram bin’s toMinutes)' }),
  cursor: z.string().max(200).optional().meta({ description: 'nextCursor from the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const MonthParams = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM') });

const ContactSameDay = z
  .object({
    numerator: z.number().int().meta({ description: 'A: of B, reached on the same local date as the request' }),
    denominator: z.number().int().meta({ description: 'B: requests on a working day before the cut-off, minus cancelled and patient-chosen later day' }),
    share: Share,
    requests: z.number().int(),
    afterCutoff: z.number().int(),
    closedDay: z.number().int(),
    noSameDaySlot: z.number().int().meta({ description: 'In B; every same-day slot was full' }),
    attemptedUnanswered: z.number().int().meta({ description: 'In B; called that day, not reached that day' }),
    notCalledSameDay: z.number().int().meta({ description: 'In B; not called that day: still waiting today, or cancelled after its slot began' }),
    missed: z.number().int().meta({ description: 'In B; not called at all on its day and marked missed when the day ended (rule 12)' }),
    cancelledBeforeSlot: z.number().int(),
    patientChoseLaterDay: z.number().int(),
    pending: z.number().int().meta({
      description: 'Today’s requests not yet reached whose promised slot has not ended: counted in notCalledSameDay or attemptedUnanswered, but not in the denominator until then',
    }),
  })
  .meta({ id: 'ContactSameDay' });

const TimeDeviation = z
  .object({
    callbacksWithAttempt: z.number().int(),
    onTime: z.number().int(),
    early: z.number().int(),
    late: z.number().int(),
    shareOnTime: Share,
    shareEarly: Share,
    shareLate: Share,
    medianAbsMinutes: z.number().int().nullable(),
    p90AbsMinutes: z.number().int().nullable(),
    histogram: z.array(z.object({ fromMinutes: z.number().int().nullable(), toMinutes: z.number().int().nullable(), count: z.number().int() })),
  })
  .meta({ id: 'TimeDeviation' });

const Breakdown = { within: z.number().int(), late: z.number().int(), share: Share };

const MedicalAssessment = z
  .object({
    numerator: z.number().int().meta({ description: 'C: assessed at most 3 calendar days after day 0' }),
    denominator: z.number().int().meta({ description: 'D: cases minus exclusions minus pending' }),
    share: Share,
    rating: z.enum(['poor', 'acceptable', 'excellent']).nullable(),
    referenceLines: z.object({ poorBelow: z.number(), excellentAbove: z.number() }),
    cases: z.number().int(),
    assessedLate: z.number().int(),
    overdue: z.number().int(),
    pending: z.number().int(),
    exclusions: z.record(z.enum(EXCLUSION_REASONS), z.number().int()),
    byProfession: z.array(z.object({ profession: z.enum(PROFESSIONS), ...Breakdown })),
    byMode: z.array(z.object({ mode: z.enum(CONTACT_MODES), ...Breakdown })),
  })
  .meta({ id: 'MedicalAssessmentWithin3Days' });

const Count = z.number().int();
const ReasonCounts = z.object({ total: Count, bookingClosed: Count, noTimeToday: Count, noFreeTime: Count, duplicate: Count });

const TurnedAway = z
  .object({
    callsReceived: Count.meta({ description: 'Calls to the clinic’s booking numbers' }),
    booked: z
      .object({ total: Count, phone: Count, web: Count })
      .meta({ description: 'Callbacks requested (total = contactSameDay.requests); phone: booked during a call to a booking number; web: the rest' }),
    total: Count.meta({ description: 'Refused booking attempts, phone and web: closed, no time left today, no time at all, duplicate' }),
    bookingClosed: Count,
    noTimeToday: Count.meta({ description: 'Phone: only a later day could be offered and the caller did not take it' }),
    noFreeTime: Count,
    duplicate: Count.meta({ description: 'The caller already had a booked callback (rule 11)' }),
    byChannel: z.object({ phone: ReasonCounts, web: ReasonCounts }),
    leftWithoutBooking: Count.meta({ description: 'Calls that ended without a booking or a refusal (the caller hung up)' }),
    callsFailed: Count,
    callsAnsweredSameDay: Count.meta({ description: 'Calls that booked a callback reached the same day (contact the same day’s numerator, on the call’s date)' }),
    share: Share.meta({ description: 'total / (booked.total + total)' }),
    contactSameDayShareWithTurnedAway: Share.meta({
      description: 'Contact the same day with the attempts refused for want of a time (noTimeToday, noFreeTime) added to the denominator; beside the official share, not replacing it',
    }),
    hiddenQueue: z.boolean().meta({ description: 'Same-day share ≥ 85 % while ≥ 10 % of at least 20 attempts were turned away' }),
  })
  .meta({ id: 'TurnedAway' });

const Figures = { contactSameDay: ContactSameDay, timeDeviation: TimeDeviation, medicalAssessment: MedicalAssessment, turnedAway: TurnedAway };

export const MeasureReportView = z
  .object({
    scope: z.object({
      clinicIds: z.array(z.string()),
      from: LocalDate,
      to: LocalDate,
      groupBy: z.enum(GROUPINGS),
      today: LocalDate,
      guaranteeStart: z.enum(GUARANTEE_START_BASES).meta({ description: 'Day 0 of the three-day guarantee used by this report' }),
    }),
    total: z.object(Figures),
    periods: z.array(z.object({ period: z.string(), from: LocalDate, to: LocalDate, ...Figures })),
    clinics: z.array(z.object({ clinicId: z.string(), name: z.string(), ...Figures })),
  })
  .meta({ id: 'MeasureReport' });

export const DrilldownView = z
  .object({
    figure: z.string(),
    records: z.array(
      z.object({
        callbackId: z.uuid().nullable().meta({ description: 'Null for a booking attempt that made no callback' }),
        attemptId: z.string().optional().meta({ description: 'turnedAway figures: the booking attempt (phone:<call id> or web:<refusal id>)' }),
        clinicId: z.string(),
        date: LocalDate.meta({ description: 'Request date, day 0 of a guarantee case, or the date of a booking attempt' }),
        verdict: z.enum(['counts', 'fails', 'excluded', 'outside', 'pending']),
        classification: z.string(),
        reason: z.string(),
        details: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'Drilldown' });

export const AssessmentBody = z
  .strictObject({
    assessedAt: IsoInstant,
    profession: z.enum(PROFESSIONS),
    mode: z.enum(CONTACT_MODES),
    note: freeText(2000).optional(),
    correct: z.boolean().default(false).meta({ description: 'Replace an assessment or exclusion already recorded' }),
  })
  .meta({ id: 'MedicalAssessmentRequest' });

export const ExclusionBody = z
  .strictObject({
    reason: z.enum(EXCLUSION_REASONS),
    note: freeText(2000).optional(),
    correct: z.boolean().default(false),
  })
  .meta({ id: 'GuaranteeExclusionRequest' });

export const GuaranteeCaseView = z
  .object({
    callbackId: z.uuid(),
    clinicId: z.string(),
    reason: z.string(),
    status: z.enum(['open', 'assessed', 'excluded']),
    contactDate: LocalDate,
    decisionDate: LocalDate,
    startDate: LocalDate.meta({ description: 'Day 0 under the region’s guarantee start setting' }),
    deadline: LocalDate,
    assessment: z
      .object({ at: IsoInstant, date: LocalDate, profession: z.enum(PROFESSIONS), mode: z.enum(CONTACT_MODES) })
      .nullable(),
    exclusionReason: z.enum(EXCLUSION_REASONS).nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'GuaranteeCase' });

export const AtRiskView = z
  .object({
    today: LocalDate,
    guaranteeStart: z.enum(GUARANTEE_START_BASES),
    cases: z.array(
      GuaranteeCaseView.extend({
        urgency: z.enum(['overdue', 'due_today', 'upcoming']),
        name: z.string().nullable(),
        phone: z.string(),
        requestedAt: IsoInstant,
      }),
    ),
  })
  .meta({ id: 'AtRiskCases' });
