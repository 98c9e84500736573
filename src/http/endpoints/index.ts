// Every endpoint of the JSON API by feature, each feature under its tag, in the order the OpenAPI document lists them;
// src/http/app.ts mounts this list.
import type { Services } from '../../services/index.js';
import type { EndpointGroup } from '../endpoint.js';
import type { RateLimits } from '../rateLimits.js';
import { voiceStartUrlFor } from '../voiceStartUrl.js';
import { adminClinicEndpoints, adminStaffEndpoints } from './admin.js';
import { callbackEndpoints } from './callbacks.js';
import { callQueueEndpoints } from './callQueue.js';
import { clinicEndpoints } from './clinics.js';
import { clinicSettingsEndpoints } from './clinicSettings.js';
import { diallingEndpoints } from './dialling.js';
import { guaranteeCaseEndpoints } from './guaranteeCases.js';
import { missedCallbackEndpoints } from './missedCallbacks.js';
import { nationalEndpoints } from './national.js';
import { reportEndpoints } from './reports.js';
import { telephonyEventEndpoints } from './telephonyEvents.js';

export function apiEndpoints(services: Services, limits: RateLimits): EndpointGroup[] {
  return [
    { tag: 'Patients', endpoints: [...clinicEndpoints({ booking: services.booking, limits }), ...callbackEndpoints({ booking: services.booking, limits })] },
    {
      tag: 'Staff',
      endpoints: [
        ...callQueueEndpoints({ queue: services.queue, clock: services.clock }),
        ...missedCallbackEndpoints({ missed: services.queue, clock: services.clock }),
        ...diallingEndpoints({ dialling: services.dialling }),
      ],
    },
    { tag: 'Care guarantee', endpoints: guaranteeCaseEndpoints({ cases: services.cases }) },
    { tag: 'Reports', endpoints: reportEndpoints({ reports: services.reports }) },
    { tag: 'National reporting', endpoints: nationalEndpoints({ national: services.national }) },
    {
      tag: 'Clinic settings',
      endpoints: clinicSettingsEndpoints({ settings: services.clinicSettings, telephony: services.clinicTelephony, voiceStartUrl: voiceStartUrlFor(services) }),
    },
    { tag: 'Telephony', endpoints: telephonyEventEndpoints({ telephony: services.telephony, secret: services.webhookSecrets?.current ?? null }) },
    { tag: 'Administration', endpoints: [...adminClinicEndpoints({ clinics: services.clinicAdmin }), ...adminStaffEndpoints({ staffAdmin: services.staffAdmin })] },
  ];
}
