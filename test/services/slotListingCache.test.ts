// The per-process slot listing cache (issue 11) against a fake changes feed: what it keeps, what makes it forget,
// and that a listing a change overtook is answered to its callers but never kept.
import { describe, expect, it } from 'vitest';
import { clinicRules } from '../../src/domain/clinic.js';
import type { ClinicChanges } from '../../src/db/clinicChanges.js';
import { createSlotListingCache, MAX_LISTINGS, type SlotListing } from '../../src/services/slotListingCache.js';

const FROM = '2027-04-07';
const TO = '2027-04-08';
const T0 = Date.parse('2027-03-30T08:00:00+02:00');
const UNTIL = T0 + 15 * 60_000;

function feed(listening = true) {
  const subscribers: ((id: string | null) => void)[] = [];
  const changes: ClinicChanges & { listening: boolean; fire(id: string | null): void } = {
    listening,
    subscribe: (onChange) => void subscribers.push(onChange),
    fire: (id) => subscribers.forEach((onChange) => onChange(id)),
  };
  return changes;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * A compute that counts its runs and makes a new array each time (so identity tells which run answered). Each run
 * holds 15 minutes longer than the one before, as a real one made later would.
 */
function counted() {
  const c = {
    runs: 0,
    compute: async (): Promise<SlotListing<string>> => ({ slots: [`run ${++c.runs}`], unchangedUntilMs: UNTIL + (c.runs - 1) * 15 * 60_000 }),
  };
  return c;
}

const kungsor = clinicRules({ id: 'vc-kungsor', name: 'Kungsör' });
const koping = clinicRules({ id: 'vc-koping', name: 'Köping' });

describe('the slot listing cache', () => {
  it('answers the same frozen listing again without computing it again', async () => {
    const cache = createSlotListingCache<string>(feed());
    const c = counted();
    const first = await cache.get(kungsor, FROM, TO, T0, c.compute);
    const second = await cache.get(kungsor, FROM, TO, T0 + 1000, c.compute);
    expect(second).toBe(first);
    expect(first).toEqual(['run 1']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(c.runs).toBe(1);
  });

  it('keeps each range of dates apart', async () => {
    const cache = createSlotListingCache<string>(feed());
    const c = counted();
    await cache.get(kungsor, FROM, TO, T0, c.compute);
    expect(await cache.get(kungsor, FROM, FROM, T0, c.compute)).toEqual(['run 2']);
    expect(await cache.get(kungsor, TO, TO, T0, c.compute)).toEqual(['run 3']);
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).toEqual(['run 1']);
  });

  it("forgets a clinic's listings when a place there is taken or freed, and only that clinic's", async () => {
    const changes = feed();
    const cache = createSlotListingCache<string>(changes);
    const k = counted();
    const p = counted();
    await cache.get(kungsor, FROM, TO, T0, k.compute);
    await cache.get(koping, FROM, TO, T0, p.compute);

    changes.fire('vc-koping');
    expect(await cache.get(kungsor, FROM, TO, T0, k.compute)).toEqual(['run 1']);
    expect(await cache.get(koping, FROM, TO, T0, p.compute)).toEqual(['run 2']);

    changes.fire('vc-kungsor');
    expect(await cache.get(kungsor, FROM, TO, T0, k.compute)).toEqual(['run 2']);
    expect(await cache.get(koping, FROM, TO, T0, p.compute)).toEqual(['run 2']);
    expect([k.runs, p.runs]).toEqual([2, 2]);
  });

  it('forgets every clinic when any may have changed (a TRUNCATE, the listener lost or back)', async () => {
    const changes = feed();
    const cache = createSlotListingCache<string>(changes);
    const k = counted();
    const p = counted();
    await cache.get(kungsor, FROM, TO, T0, k.compute);
    await cache.get(koping, FROM, TO, T0, p.compute);
    changes.fire(null);
    expect(await cache.get(kungsor, FROM, TO, T0, k.compute)).toEqual(['run 2']);
    expect(await cache.get(koping, FROM, TO, T0, p.compute)).toEqual(['run 2']);
  });

  it('computes every time and keeps nothing while the changes are not heard', async () => {
    const changes = feed(false);
    const cache = createSlotListingCache<string>(changes);
    const c = counted();
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).toEqual(['run 1']);
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).toEqual(['run 2']);
    // Listening again: nothing made while deaf may be served.
    changes.listening = true;
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).toEqual(['run 3']);
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).toEqual(['run 3']);
  });

  it('serves nothing it holds while the feed says it is not listening', async () => {
    const changes = feed();
    const cache = createSlotListingCache<string>(changes);
    const c = counted();
    await cache.get(kungsor, FROM, TO, T0, c.compute);
    // Deaf, before (or without) being told to forget: changes may be passing unheard.
    changes.listening = false;
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).toEqual(['run 2']);
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).toEqual(['run 3']);
  });

  it('keeps nothing that finished after the feed stopped listening', async () => {
    const changes = feed();
    const cache = createSlotListingCache<string>(changes);
    const gate = deferred<SlotListing<string>>();
    let runs = 0;
    const compute = () => (++runs === 1 ? gate.promise : Promise.resolve({ slots: [`run ${runs}`], unchangedUntilMs: UNTIL }));
    const pending = cache.get(kungsor, FROM, TO, T0, compute);
    changes.listening = false;
    gate.resolve({ slots: ['run 1'], unchangedUntilMs: UNTIL });
    expect(await pending).toEqual(['run 1']);
    changes.listening = true;
    expect(await cache.get(kungsor, FROM, TO, T0, compute)).toEqual(['run 2']);
  });

  it('answers a listing a change overtook to those who asked, but does not keep it', async () => {
    const changes = feed();
    const cache = createSlotListingCache<string>(changes);
    const gate = deferred<SlotListing<string>>();
    let runs = 0;
    const compute = () => (++runs === 1 ? gate.promise : Promise.resolve({ slots: [`run ${runs}`], unchangedUntilMs: UNTIL }));
    const first = cache.get(kungsor, FROM, TO, T0, compute);
    const joined = cache.get(kungsor, FROM, TO, T0, compute);
    // The counts were read before this place was taken: the listing may lack it.
    changes.fire('vc-kungsor');
    // Asked after the change: must not join the compute that began before it.
    const afterChange = cache.get(kungsor, FROM, TO, T0, compute);
    gate.resolve({ slots: ['run 1'], unchangedUntilMs: UNTIL });
    expect(await first).toEqual(['run 1']);
    expect(await joined).toBe(await first);
    expect(await afterChange).toEqual(['run 2']);
    expect(await cache.get(kungsor, FROM, TO, T0, compute)).toEqual(['run 2']);
    expect(runs).toBe(2);
  });

  it('does not keep an overtaken listing even when nobody asks again before it finishes', async () => {
    const changes = feed();
    const cache = createSlotListingCache<string>(changes);
    const gate = deferred<SlotListing<string>>();
    let runs = 0;
    const compute = () => (++runs === 1 ? gate.promise : Promise.resolve({ slots: [`run ${runs}`], unchangedUntilMs: UNTIL }));
    const first = cache.get(kungsor, FROM, TO, T0, compute);
    changes.fire('vc-kungsor');
    gate.resolve({ slots: ['run 1'], unchangedUntilMs: UNTIL });
    expect(await first).toEqual(['run 1']);
    expect(await cache.get(kungsor, FROM, TO, T0, compute)).toEqual(['run 2']);
  });

  it('lets callers who ask at the same time share one compute', async () => {
    const cache = createSlotListingCache<string>(feed());
    const gate = deferred<SlotListing<string>>();
    let runs = 0;
    const compute = () => (runs++, gate.promise);
    const asked = Array.from({ length: 5 }, (_, i) => cache.get(kungsor, FROM, TO, T0 + i, compute));
    gate.resolve({ slots: ['shared'], unchangedUntilMs: UNTIL });
    const answers = await Promise.all(asked);
    expect(runs).toBe(1);
    for (const answer of answers) expect(answer).toBe(answers[0]);
    expect(await cache.get(kungsor, FROM, TO, T0, compute)).toBe(answers[0]);
    expect(runs).toBe(1);
  });

  it("computes again for the clinic's new rules", async () => {
    const cache = createSlotListingCache<string>(feed());
    const c = counted();
    await cache.get(kungsor, FROM, TO, T0, c.compute);
    // The rules cache hands out a new object when a clinic's rules change; an equal copy is still a new object.
    const changed = clinicRules({ id: 'vc-kungsor', name: 'Kungsör', slotMinutes: 30 });
    expect(await cache.get(changed, FROM, TO, T0, c.compute)).toEqual(['run 2']);
    expect(await cache.get(changed, FROM, TO, T0, c.compute)).toEqual(['run 2']);
    expect(c.runs).toBe(2);
  });

  it('does not let a compute for the old rules answer a caller with the new ones', async () => {
    const cache = createSlotListingCache<string>(feed());
    const gate = deferred<SlotListing<string>>();
    const old = cache.get(kungsor, FROM, TO, T0, () => gate.promise);
    const changed = clinicRules({ id: 'vc-kungsor', name: 'Kungsör', slotMinutes: 30 });
    const fresh = cache.get(changed, FROM, TO, T0, async () => ({ slots: ['new rules'], unchangedUntilMs: UNTIL }));
    gate.resolve({ slots: ['old rules'], unchangedUntilMs: UNTIL });
    expect(await old).toEqual(['old rules']);
    expect(await fresh).toEqual(['new rules']);
  });

  it('computes again once time has moved past what the listing said it holds for', async () => {
    const cache = createSlotListingCache<string>(feed());
    const c = counted();
    const first = await cache.get(kungsor, FROM, TO, T0, c.compute);
    expect(await cache.get(kungsor, FROM, TO, UNTIL - 1, c.compute)).toBe(first);
    expect(await cache.get(kungsor, FROM, TO, UNTIL, c.compute)).toEqual(['run 2']);
  });

  it("does not answer a shared compute's listing to a caller it no longer holds for", async () => {
    const cache = createSlotListingCache<string>(feed());
    const gate = deferred<SlotListing<string>>();
    let runs = 0;
    const compute = () => (++runs === 1 ? gate.promise : Promise.resolve({ slots: [`run ${runs}`], unchangedUntilMs: UNTIL + 60_000 }));
    const early = cache.get(kungsor, FROM, TO, T0, compute);
    const late = cache.get(kungsor, FROM, TO, UNTIL, compute);
    gate.resolve({ slots: ['run 1'], unchangedUntilMs: UNTIL });
    expect(await early).toEqual(['run 1']);
    expect(await late).toEqual(['run 2']);
  });

  it('does not keep a failed compute: the next caller computes again', async () => {
    const cache = createSlotListingCache<string>(feed());
    let runs = 0;
    const compute = async (): Promise<SlotListing<string>> => {
      if (++runs === 1) throw new Error('database gone');
      return { slots: [`run ${runs}`], unchangedUntilMs: UNTIL };
    };
    await expect(cache.get(kungsor, FROM, TO, T0, compute)).rejects.toThrow('database gone');
    expect(await cache.get(kungsor, FROM, TO, T0, compute)).toEqual(['run 2']);
    expect(await cache.get(kungsor, FROM, TO, T0, compute)).toEqual(['run 2']);
  });

  it('fails every caller who shared a failed compute, and the next computes again', async () => {
    const cache = createSlotListingCache<string>(feed());
    const gate = deferred<SlotListing<string>>();
    let runs = 0;
    const compute = () => (++runs === 1 ? gate.promise : Promise.resolve({ slots: [`run ${runs}`], unchangedUntilMs: UNTIL }));
    const a = cache.get(kungsor, FROM, TO, T0, compute);
    const b = cache.get(kungsor, FROM, TO, T0, compute);
    gate.reject(new Error('statement timeout'));
    await expect(a).rejects.toThrow('statement timeout');
    await expect(b).rejects.toThrow('statement timeout');
    expect(await cache.get(kungsor, FROM, TO, T0, compute)).toEqual(['run 2']);
    expect(runs).toBe(2);
  });

  it('holds at most MAX_LISTINGS, the least recently asked going first, and a change frees its clinic’s room', async () => {
    const changes = feed();
    const cache = createSlotListingCache<string>(changes);
    const c = counted();
    const dates = (i: number) => [`2027-01-01+${i}`, `2027-01-02+${i}`] as const;
    const first = await cache.get(kungsor, ...dates(0), T0, c.compute);
    const second = await cache.get(koping, ...dates(1), T0, c.compute);
    for (let i = 2; i < MAX_LISTINGS; i++) await cache.get(i % 2 ? koping : kungsor, ...dates(i), T0, c.compute);
    expect(c.runs).toBe(MAX_LISTINGS);
    // Asked again: now the most recent, so the next one over the bound pushes out the second instead.
    expect(await cache.get(kungsor, ...dates(0), T0, c.compute)).toBe(first);
    await cache.get(kungsor, ...dates(MAX_LISTINGS), T0, c.compute);
    expect(c.runs).toBe(MAX_LISTINGS + 1);
    expect(await cache.get(kungsor, ...dates(0), T0, c.compute)).toBe(first);
    expect(await cache.get(koping, ...dates(1), T0, c.compute)).not.toBe(second);
    expect(c.runs).toBe(MAX_LISTINGS + 2);
    // Köping's change takes its ~250 listings out: as many new ones fit without pushing out Kungsör's.
    changes.fire('vc-koping');
    for (let i = MAX_LISTINGS + 1; i < MAX_LISTINGS + 200; i++) await cache.get(koping, ...dates(i), T0, c.compute);
    const runs = c.runs;
    expect(await cache.get(kungsor, ...dates(0), T0, c.compute)).toBe(first);
    // (2 went when 1 came back over the bound; 4 is the oldest of Kungsör’s left.)
    expect(await cache.get(kungsor, ...dates(4), T0, c.compute)).toBeDefined();
    expect(c.runs).toBe(runs);
  });

  it('forgets a clinic this process changed at once, without waiting for the notification', async () => {
    const cache = createSlotListingCache<string>(feed());
    const c = counted();
    const first = await cache.get(kungsor, FROM, TO, T0, c.compute);
    const other = await cache.get(koping, FROM, TO, T0, c.compute);
    cache.forget('vc-kungsor');
    expect(await cache.get(kungsor, FROM, TO, T0, c.compute)).not.toBe(first);
    expect(await cache.get(koping, FROM, TO, T0, c.compute)).toBe(other);
    expect(c.runs).toBe(3);
  });

  it('does not answer a clock set back from a listing made after that time', async () => {
    const cache = createSlotListingCache<string>(feed());
    const c = counted();
    const at8 = await cache.get(kungsor, FROM, TO, T0, c.compute);
    expect(await cache.get(kungsor, FROM, TO, T0 - 60 * 60_000, c.compute)).not.toBe(at8);
    expect(c.runs).toBe(2);
  });
});
