// The voice_start URL an administrator gives 46elks for a clinic's booking numbers. It holds the clinic's webhook
// key, so only admins (who configure 46elks) are shown it, on the settings page and in the telephony API.
import type { StaffMember } from '../services/staffAuth.js';
import { clinicWebhookUrl, type WebhookSecrets } from '../telephony/webhookKey.js';

export function voiceStartUrlFor(deps: { publicBaseUrl: string; webhookSecrets: WebhookSecrets | null }): (staff: StaffMember, clinicId: string) => string | null {
  return (staff, clinicId) =>
    staff.role === 'admin' && deps.webhookSecrets ? clinicWebhookUrl(deps.publicBaseUrl, deps.webhookSecrets.current, clinicId, '/voice/start') : null;
}
