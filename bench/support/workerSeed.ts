// Booked callbacks written in bulk, straight into the table (no HTTP, no booking rules): what the due-worker
// benches and tests need is many rows with chosen due times, each with its due job.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { insertClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/database.js';
import { clinicRules } from '../../src/domain/clinic.js';
import { DUE_JOB_OPTIONS, jobIds, QUEUES } from '../../src/queue/contract.js';

const CHUNK = 5000;

export async function addWorkerClinic(db: Database, id: string): Promise<string> {
  await insertClinic(db, clinicRules({ id, name: `Bench ${id}`, oneOpenCallbackPerCaller: false }));
  return id;
}

/** A region's clinics: 30, as in the rush. */
export async function addWorkerClinics(db: Database, count = 30): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) ids.push(await addWorkerClinic(db, `vc-bench-${String(i).padStart(2, '0')}`));
  return ids;
}

/** Bookings are made up to two weeks ahead: when the benches' callbacks were booked. */
export const REQUESTED_OVER_DAYS = 14;

/**
 * Inserts one booked callback per due time (epoch ms), slot starting at its due time; returns the ids in the
 * same order. Several clinics take them in turn, and `requestedOverDays` spreads when they were booked over that
 * many days before now: the report rollups recompute a (clinic, booking day) cell whenever one of its callbacks
 * changes, and one cell of 100,000 callbacks (a region's in one clinic, all booked today) is not what a worker
 * meets. The rollups' change marks of the insert itself are skipped (tracker.bulk_load), as the demo seed does.
 */
export async function insertBookedCallbacks(
  db: Database,
  clinics: string | readonly string[],
  dueAtMs: readonly number[],
  options: { requestedOverDays?: number } = {},
): Promise<string[]> {
  const clinicIds = typeof clinics === 'string' ? [clinics] : clinics;
  const days = options.requestedOverDays ?? 1;
  const now = Date.now();
  const ids = dueAtMs.map(() => randomUUID());
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunkIds = ids.slice(i, i + CHUNK);
    const due = dueAtMs.slice(i, i + CHUNK).map((ms) => new Date(ms).toISOString());
    const phones = chunkIds.map((_, j) => `+4670${String(1_000_000 + ((i + j) % 9_000_000)).padStart(7, '0')}`);
    const clinicOf = chunkIds.map((_, j) => clinicIds[(i + j) % clinicIds.length]!);
    const requested = chunkIds.map((_, j) => new Date(now - ((i + j) % days) * 86_400_000).toISOString());
    await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('tracker.bulk_load', 'on', true)");
      await tx.query(
        `INSERT INTO callbacks (id, clinic_id, phone_e164, channel, requested_at, slot_start, slot_end, status,
           requested_before_cutoff, same_day_slot_free, patient_chose_later_day, token_hash, due_at)
         SELECT u.id, u.clinic_id, u.phone, 'web', u.requested, u.due, u.due + interval '15 minutes', 'booked', true, true, false, md5(u.id::text), u.due
           FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[]) AS u(id, clinic_id, requested, due, phone)`,
        [chunkIds, clinicOf, requested, due, phones],
      );
    });
  }
  return ids;
}

/** Adds each callback's due job (attempt 0), delayed until its due time, in bulk. */
export async function addDueJobs(queue: Queue, ids: readonly string[], dueAtMs: readonly number[], at?: number): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    // BullMQ delays from the job's timestamp: giving it explicitly, a slow add does not shift the due times.
    const now = at ?? Date.now();
    await queue.addBulk(
      ids.slice(i, i + CHUNK).map((callbackId, j) => ({
        name: QUEUES.callbackDue.job,
        data: { callbackId },
        opts: { jobId: jobIds.callbackDue(callbackId, 0), timestamp: Number.isFinite(now) ? now : Date.now(), delay: Math.max(0, dueAtMs[i + j]! - now), ...DUE_JOB_OPTIONS },
      })),
    );
  }
}

/** Deletes every key under one BullMQ prefix, in chunks (a bench leaves hundreds of thousands). */
export async function deleteKeysUnderPrefix(redis: import('ioredis').Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
