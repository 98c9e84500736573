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
   * still right, else made by `compute`, once for all who ask at the same time. A kept array is shared and frozen.
   */
  get(rules: ClinicRules, fromDate: string, toDate: string, nowMs: number, compute: () => Promise<SlotListing<Slot>>): Promise<readonly Slot[]>;
  /** This process took or freed a place at the clinic: forget now rather than when the notification comes back. */
  forget(clinicId: string): void;
}

/**
 * Listings held at most, over all clinics, the least recently asked going first: every clinic's today and next two
 * weeks many times over, while a flood of odd ranges (a 31-day listing is ~100 kB with its body) stays near 50 MB.
 */
export const MAX_LISTINGS = 500;

interface Made<Slot> {
  rules: ClinicRules;
  /** The asker's clock when it was started: a clock set back before it must not be answered from it. */
  startedAtMs: number;
  listing: Promise<SlotListing<Slot>>;
}

/** One clinic's entry, replaced on every change: a listing started before the change finds another and is not kept. */
interface ClinicEntry<Slot> {
  making: Map<string, Made<Slot>>;
  keys: Set<string>;
}

interface Kept<Slot> {
  clinic: ClinicEntry<Slot>;
  rules: ClinicRules;
  startedAtMs: number;
  listing: SlotListing<Slot>;
}

export function createSlotListingCache<Slot>(changes: ClinicChanges): SlotListingCache<Slot> {
  const clinics = new Map<string, ClinicEntry<Slot>>();
  // Keyed clinic/from/to, in the order last asked (a Map keeps insertion order; a hit moves its key to the end).
  const kept = new Map<string, Kept<Slot>>();

  const forget = (clinicId: string | null) => {
    if (clinicId === null) {
      clinics.clear();
      kept.clear();
      return;
    }
    for (const key of clinics.get(clinicId)?.keys ?? []) kept.delete(key);
    clinics.delete(clinicId);
  };
  changes.subscribe(forget);

  function entryOf(clinicId: string): ClinicEntry<Slot> {
    let clinic = clinics.get(clinicId);
    if (!clinic) clinics.set(clinicId, (clinic = { making: new Map(), keys: new Set() }));
    return clinic;
  }

  function keep(key: string, entry: Kept<Slot>): void {
    // Re-made (its time ran out): to the most recent end, where a fresh key goes.
    kept.delete(key);
    kept.set(key, entry);
    entry.clinic.keys.add(key);
    if (kept.size > MAX_LISTINGS) {
      const [oldestKey, oldest] = kept.entries().next().value!;
      kept.delete(oldestKey);
      oldest.clinic.keys.delete(oldestKey);
    }
  }

  function make(clinic: ClinicEntry<Slot>, rules: ClinicRules, key: string, nowMs: number, compute: () => Promise<SlotListing<Slot>>): Made<Slot> {
    const made: Made<Slot> = { rules, startedAtMs: nowMs, listing: compute().then(frozen) };
    clinic.making.set(key, made);
    made.listing
      .then(
        (listing) => {
          if (clinics.get(rules.id) === clinic && changes.listening) keep(key, { clinic, rules, startedAtMs: nowMs, listing });
        },
        () => undefined,
      )
      .finally(() => {
        if (clinic.making.get(key) === made) clinic.making.delete(key);
      });
    return made;
  }

  /** Made at or after `startedAtMs` and right until its bound: right at `nowMs` if no change came meanwhile. */
  const holdsAt = (nowMs: number, startedAtMs: number, listing: SlotListing<Slot>) => nowMs >= startedAtMs && nowMs < listing.unchangedUntilMs;

  return {
    async get(rules, fromDate, toDate, nowMs, compute) {
      if (!changes.listening) return (await compute()).slots;
      const key = `${rules.id}/${fromDate}/${toDate}`;
      const clinic = entryOf(rules.id);
      const hit = kept.get(key);
      if (hit && hit.clinic === clinic && hit.rules === rules && holdsAt(nowMs, hit.startedAtMs, hit.listing)) {
        kept.delete(key);
        kept.set(key, hit);
        return hit.listing.slots;
      }
      let made = clinic.making.get(key);
      if (!made || made.rules !== rules || nowMs < made.startedAtMs) made = make(clinic, rules, key, nowMs, compute);
      const listing = await made.listing;
      // Made for someone who asked earlier, and time has moved it on since: this caller's own.
      return holdsAt(nowMs, made.startedAtMs, listing) ? listing.slots : (await compute()).slots;
    },
    forget,
  };
}

function frozen<Slot>(listing: SlotListing<Slot>): SlotListing<Slot> {
  Object.freeze(listing.slots);
  return Object.freeze(listing);
}
