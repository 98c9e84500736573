// The staff start page's view model: the member's clinics, each with the pages their role may use.
import type { ClinicSummary } from '../../../../db/clinics.js';
import type { StaffRole } from '../../../../db/staff.js';
import { text, type Lang } from '../../texts/index.js';
import { staffPaths } from '../paths.js';

export interface HomeViewModel {
  /** The reports link, for managers and admins. */
  reports: { href: string; label: string } | null;
  clinics: { name: string; links: { href: string; label: string }[] }[];
}

export function homeViewModel(lang: Lang, role: StaffRole, clinics: readonly ClinicSummary[]): HomeViewModel {
  const manages = role === 'manager' || role === 'admin';
  const calls = role === 'nurse' || role === 'admin';
  return {
    reports: manages ? { href: staffPaths.reports, label: text(lang, 'staff.home.reports') } : null,
    clinics: clinics.map((c) => ({
      name: c.name,
      links: [
        ...(calls ? [{ href: staffPaths.queue(c.id), label: text(lang, 'staff.home.queue') }] : []),
        { href: staffPaths.atRisk(c.id), label: text(lang, 'staff.home.atRisk') },
        ...(manages ? [{ href: staffPaths.settings(c.id), label: text(lang, 'staff.home.settings') }] : []),
      ],
    })),
  };
}
