// A clinic's settings as its managers keep them: booking hours, slot length, capacity, closed dates and date
// exceptions, punctuality tolerances and the duplicate policy. Changed in one audited transaction, validated by
// the domain's ClinicRulesSchema (rule 1: open at least 06:00–17:00 on working days), never losing a booked place.
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { recordAudit } from '../db/audit.js';
import { bookedSlotsFrom, findClinicRules, updateClinicSettings, type EditableClinicSettings } from '../db/clinics.js';
import type { Database, Queryable } from '../db/database.js';
import { ClinicRulesSchema, type ClinicRules } from '../domain/clinic.js';
import { localDateAt } from '../domain/schedule.js';
import { slotsOnDate } from '../domain/slots.js';
import { ClinicNotFound, issueCode, ValidationFailed, type FieldIssue } from '../errors.js';
import { authorize, type StaffMember } from './staffAuth.js';

export type { EditableClinicSettings };

const SETTINGS_ROLES = ['manager', 'admin'] as const;
/** Enough lost places to say what is wrong without a wall of text. */
const MAX_REPORTED_SLOTS = 5;

export interface BookedSlot {
  start: Date;
  end: Date;
  booked: number;
}

export interface LostPlaces {
  start: Date;
  booked: number;
  /** Places the slot would have under the new rules: 0 when the slot would no longer exist. */
  capacity: number;
}

/**
 * The booked slots that new rules would give fewer places than they hold. A slot must still exist with the
 * same start and end (a new slot length or shorter hours can remove it), on a day still open, with enough
 * capacity. Patients were promised these times, so such a change is refused rather than silently overbooked.
 */
export function placesLost(rules: ClinicRules, booked: readonly BookedSlot[]): LostPlaces[] {
  const slotsByDate = new Map<string, ReturnType<typeof slotsOnDate>>();
  const lost: LostPlaces[] = [];
  for (const b of booked) {
    const date = localDateAt(rules.timezone, b.start.getTime());
    if (!slotsByDate.has(date)) slotsByDate.set(date, slotsOnDate(rules, date));
    const slot = slotsByDate.get(date)!.find((s) => s.start.toMillis() === b.start.getTime() && s.end.toMillis() === b.end.getTime());
    const capacity = slot?.capacity ?? 0;
    if (capacity < b.booked) lost.push({ start: b.start, booked: b.booked, capacity });
  }
  return lost;
}

export interface ClinicSettingsService {
  /** The clinic's current rules; manager or admin of that clinic. */
  get(staff: StaffMember, clinicId: string): Promise<ClinicRules>;
  /** Replaces the editable settings; returns the clinic's rules as stored. */
  update(staff: StaffMember, clinicId: string, settings: EditableClinicSettings): Promise<ClinicRules>;
}

export function createClinicSettingsService(deps: {
  db: Database;
  clock: Clock;
  /**
   * After a change has committed: this process's rules cache forgets the clinic at once, rather than serve the old
   * rules to the manager who just changed them until the database's notification comes back.
   */
  onRulesChanged?: (clinicId: string) => void;
}): ClinicSettingsService {
  const { db, clock, onRulesChanged } = deps;

  return {
    async get(staff, clinicId) {
      authorize(staff, SETTINGS_ROLES, clinicId);
      const rules = await findClinicRules(db, clinicId);
      if (!rules) throw new ClinicNotFound(clinicId);
      return rules;
    },

    async update(staff, clinicId, settings) {
      authorize(staff, SETTINGS_ROLES, clinicId);
      const rules = await db.transaction(async (tx) => {
        const now = clock.now();
        const next = await replaceClinicRules(tx, clinicId, settings, now);
        await recordAudit(tx, { at: now, staffId: staff.id, action: 'clinic.settings_changed', clinicId, callbackIds: [] });
        return next;
      });
      onRulesChanged?.(clinicId);
      return rules;
    },
  };
}

/**
 * Replaces a clinic's editable settings inside the caller's transaction, validated over the whole clinic and refused
 * when a booked place would be lost; the rules as stored. Used by the settings page and the region's administration.
 */
export async function replaceClinicRules(tx: Queryable, clinicId: string, settings: Partial<EditableClinicSettings>, now: DateTime): Promise<ClinicRules> {
  const current = await findClinicRules(tx, clinicId);
  if (!current) throw new ClinicNotFound(clinicId);
  const next = validate({ ...current, ...settings });
  // Locks the booked slots' counters: a booking cannot commit between this check and the change. A booking
  // that read the old rules just before may still take a place under the old capacity just after; the
  // next settings change then sees it (docs: clinic settings).
  const lost = placesLost(next, await bookedSlotsFrom(tx, clinicId, now.toISO()!));
  if (lost.length) throw new ValidationFailed(lost.slice(0, MAX_REPORTED_SLOTS).map((l) => lostIssue(next, l)));
  await updateClinicSettings(tx, clinicId, next);
  return next;
}

/** The domain's rules over the whole clinic, each problem named as the request's field (body.…). */
function validate(candidate: ClinicRules): ClinicRules {
  const issues: FieldIssue[] = [];
  const parsed = ClinicRulesSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ field: ['body', ...issue.path.map(String)].join('.'), message: issue.message, ...(issue.code === 'custom' ? issueCode(issue.params) : {}) });
    }
  }
  const seen = new Set<string>();
  candidate.dateExceptions.forEach((e, i) => {
    if (seen.has(e.date)) issues.push({ field: `body.dateExceptions.${i}.date`, message: `${e.date} is listed twice`, code: 'date_listed_twice', params: { date: e.date } });
    seen.add(e.date);
  });
  if (issues.length || !parsed.success) throw new ValidationFailed(issues);
  return parsed.data;
}

/** Names the field most likely to blame: the date's exception when it has one, else the capacity rules. */
function lostIssue(rules: ClinicRules, l: LostPlaces): FieldIssue {
  const local = DateTime.fromJSDate(l.start, { zone: rules.timezone });
  const index = rules.dateExceptions.findIndex((e) => e.date === local.toISODate());
  const field = index >= 0 ? `body.dateExceptions.${index}.${rules.dateExceptions[index]!.closed ? 'closed' : 'capacity'}` : 'body.capacityRules';
  const when = local.toFormat('yyyy-MM-dd HH:mm');
  if (l.capacity === 0) {
    return {
      field,
      message: `the slot ${when} has ${l.booked} booked ${l.booked === 1 ? 'patient' : 'patients'} and would no longer exist; move or cancel those callbacks first`,
      code: 'slot_would_vanish',
      params: { slot: when, booked: l.booked },
    };
  }
  return {
    field,
    message: `the slot ${when} has ${l.booked} booked patients but would have only ${l.capacity} ${l.capacity === 1 ? 'place' : 'places'}`,
    code: 'fewer_places',
    params: { slot: when, booked: l.booked, places: l.capacity },
  };
}
