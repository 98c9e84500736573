// The slot listings this process has answered, kept until they could differ (issue 11): at the 06:00 rush thousands
// of patients ask for the same clinic's today, and each answer is the same until a place is taken or freed (told by
// migration 014's NOTIFY, from any process: src/db/clinicChanges.ts), the clinic's rules change (a new rules object
// from src/services/clinicRulesCache.ts), or time moves a slot within the minimum notice or the horizon to the next
// day (bookableUnchangedUntilMs). While the changes are not being heard, nothing is kept: never stale. A listing is a
// view, not a promise: a booking re-checks its slot's capacity under a lock whatever the patient was shown.
import type { ClinicRules } from '../domain/clinic.js';
import type { ClinicChanges } from '../db/clinicChanges.js';

export interface SlotListing<Slot> {
  readonly slots: readonly Slot[];
  /** The listing stays right before this instant (epoch ms) if no place in it is taken or freed. */
  readonly unchangedUntilMs: number;
}

export interface SlotListingCache<Slot> {
  /**
   * The listing of the rules' clinic from `fromDate` to `toDate` (local dates) at `nowMs`: the one held while it is
   * still right, else made by `compute`, once for all who ask at the same time. The array is shared and frozen.
   */
  get(rules: ClinicRules, fromDate: string, toDate: string, nowMs: number, compute: () => Promise<SlotListing<Slot>>): Promise<readonly Slot[]>;
}

/**
 * Listings held at most, over all clinics: every clinic's today and next two weeks many times over, while a flood of
 * odd ranges (a 31-day listing is ~100 kB with its body) cannot take more than some 50 MB before all is dropped.
 */
const MAX_LISTINGS = 500;

interface Made<Slot> {
  rules: ClinicRules;
  listing: Promise<SlotListing<Slot>>;
}

interface ClinicListings<Slot> {
  held: Map<string, { rules: ClinicRules; listing: SlotListing<Slot> }>;
  making: Map<string, Made<Slot>>;
}

export function createSlotListingCache<Slot>(changes: ClinicChanges): SlotListingCache<Slot> {
  // A change replaces the clinic's entry: a listing made before it finds another entry there and is not kept.
  const clinics = new Map<string, ClinicListings<Slot>>();
  // Listings held over all clinics.
  let held = 0;
  const forgetAll = () => {
    clinics.clear();
    held = 0;
  };
  changes.subscribe((clinicId) => {
    if (clinicId === null) forgetAll();
    else {
      held -= clinics.get(clinicId)?.held.size ?? 0;
      clinics.delete(clinicId);
    }
  });

  function entryOf(clinicId: string): ClinicListings<Slot> {
    let clinic = clinics.get(clinicId);
    if (!clinic) clinics.set(clinicId, (clinic = { held: new Map(), making: new Map() }));
    return clinic;
  }

  function make(clinic: ClinicListings<Slot>, rules: ClinicRules, range: string, compute: () => Promise<SlotListing<Slot>>): Made<Slot> {
    const made: Made<Slot> = { rules, listing: compute().then(frozen) };
    clinic.making.set(range, made);
    made.listing.then(
      (listing) => {
        if (clinics.get(rules.id) !== clinic || !changes.listening) return;
        if (held >= MAX_LISTINGS) {
          // Everything goes, this clinic's entry stays (its other listings being made are still kept when done).
          forgetAll();
          clinic.held.clear();
          clinics.set(rules.id, clinic);
        }
        if (!clinic.held.has(range)) held++;
        clinic.held.set(range, { rules, listing });
      },
      () => undefined,
    ).finally(() => {
      if (clinic.making.get(range) === made) clinic.making.delete(range);
    });
    return made;
  }

  return {
    async get(rules, fromDate, toDate, nowMs, compute) {
      if (!changes.listening) return (await compute()).slots;
      const range = `${fromDate}/${toDate}`;
      const clinic = entryOf(rules.id);
      const kept = clinic.held.get(range);
      if (kept && kept.rules === rules && nowMs < kept.listing.unchangedUntilMs) return kept.listing.slots;
      let made = clinic.making.get(range);
      if (!made || made.rules !== rules) made = make(clinic, rules, range, compute);
      const listing = await made.listing;
      // Made for someone who asked earlier, and time has moved it on since: this caller's own.
      return nowMs < listing.unchangedUntilMs ? listing.slots : (await compute()).slots;
    },
  };
}

function frozen<Slot>(listing: SlotListing<Slot>): SlotListing<Slot> {
  Object.freeze(listing.slots);
  return Object.freeze(listing);
}
