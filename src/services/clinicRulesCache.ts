// Each clinic's rules, read and validated once per change instead of twice per request (issue 11). Every process
// keeps its own copy, forgotten when the database says the clinic changed (src/db/clinicChanges.ts); while
// that feed is not listening (PostgreSQL connection lost, or none at all) the cache is bypassed: never stale.
import type { ClinicRules } from '../domain/clinic.js';
import type { ClinicRulesChanges } from '../db/clinicChanges.js';

export interface ClinicRulesCache {
  /** The clinic's rules (frozen: shared by every request), or null when there is no such clinic (never cached). */
  get(clinicId: string): Promise<ClinicRules | null>;
  /** This process changed the clinic: forget it now rather than when the notification comes back. */
  forget(clinicId: string): void;
}

/** Far more clinics than a region has; a bound only so that a flood of ids cannot grow it without end. */
const MAX_CLINICS = 10_000;

export function createClinicRulesCache(deps: {
  load: (clinicId: string) => Promise<ClinicRules | null>;
  changes: ClinicRulesChanges;
}): ClinicRulesCache {
  const { load, changes } = deps;
  const entries = new Map<string, ClinicRules>();
  const loading = new Map<string, { generation: number; promise: Promise<ClinicRules | null> }>();
  // Bumped by every change: a load that began before one may hold the old rules, and is not kept.
  let generation = 0;

  const forget = (clinicId: string | null) => {
    generation++;
    if (clinicId === null) {
      entries.clear();
      loading.clear();
    } else {
      entries.delete(clinicId);
      loading.delete(clinicId);
    }
  };
  changes.subscribe(forget);

  async function loadAndKeep(clinicId: string, startedAt: number): Promise<ClinicRules | null> {
    const rules = await load(clinicId);
    if (!rules) return null;
    const frozen = deepFreeze(rules);
    if (startedAt === generation && changes.listening) {
      if (entries.size >= MAX_CLINICS) entries.clear();
      entries.set(clinicId, frozen);
    }
    return frozen;
  }

  return {
    get(clinicId) {
      if (!changes.listening) return load(clinicId);
      const cached = entries.get(clinicId);
      if (cached) return Promise.resolve(cached);
      // Concurrent first requests (the 06:00 rush) share one read.
      const pending = loading.get(clinicId);
      if (pending && pending.generation === generation) return pending.promise;
      const startedAt = generation;
      const promise = loadAndKeep(clinicId, startedAt).finally(() => {
        if (loading.get(clinicId)?.promise === promise) loading.delete(clinicId);
      });
      loading.set(clinicId, { generation: startedAt, promise });
      return promise;
    },
    forget,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
