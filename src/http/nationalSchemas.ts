// Schemas of the national-reporting endpoints (src/http/endpoints/national.ts): the files list and the deliveries.
import { z } from 'zod';
import { ClinicId, isoInstant } from './primitives.js';

const IsoInstant = isoInstant('2027-05-01T03:00:00+02:00');

const UnreportedUnit = z.object({
  clinicId: ClinicId,
  clinicName: z.string(),
  reason: z.enum(['no_hsa_id']).meta({ description: 'no_hsa_id: the clinic has no HSA-id, so it cannot be reported (rule 16)' }),
});

export const NationalReportList = z
  .object({
    reports: z.array(
      z.object({
        month: z.string(),
        createdAt: IsoInstant.meta({ description: 'When the file was produced, with the region’s offset (Europe/Stockholm)' }),
        bytes: z.number().int().meta({ description: 'Size of the CSV as you download it: only the clinics you cover' }),
        format: z.enum(['national', 'legacy']).meta({ description: 'legacy: made before the national shape; CSV and XLSX in its old columns' }),
        href: z.string().meta({ description: 'The CSV' }),
        xlsxHref: z.string().meta({ description: 'The same as an XLSX workbook' }),
        unreported: z.array(UnreportedUnit).meta({ description: 'Your clinics the file leaves out, and why' }),
      }),
    ),
  })
  .meta({ id: 'NationalReportList' });

export const NationalDeliveryStatusView = z
  .object({
    month: z.string(),
    target: z.string().nullable().meta({ description: 'The national receiver’s origin; null: NATIONAL_TRANSFER_URL is not set and nothing is sent' }),
    units: z.array(
      z.object({
        clinicId: ClinicId,
        clinicName: z.string(),
        hsaId: z.string().nullable(),
        status: z.enum(['no_hsa_id', 'not_sent', 'pending', 'accepted', 'failed']).meta({
          description:
            'no_hsa_id: cannot be reported; not_sent: no receiver configured; pending: on its way or waiting for a retry; ' +
            'accepted: the receiver took it (final, never sent again); failed: every retry used, tried again at the next worker start or monthly run',
        }),
        attempts: z.number().int(),
        lastAttemptAt: IsoInstant.nullable(),
        lastError: z.string().nullable().meta({ description: 'What the receiver answered last, e.g. "HTTP 503: …" or "no answer: ECONNREFUSED"' }),
        acceptedAt: IsoInstant.nullable(),
      }),
    ),
  })
  .meta({ id: 'NationalDeliveryStatus' });
