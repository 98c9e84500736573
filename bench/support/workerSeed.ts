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

/**
 * Inserts one booked callback per due time (epoch ms) at `clinicId`, slot starting at its due time; returns the
 * ids in the same order. The report rollups' change marks are skipped (tracker.bulk_load), as the demo seed does.
 */
export async function insertBookedCallbacks(db: Database, clinicId: string, dueAtMs: readonly number[], requestedAtMs = Date.now()): Promise<string[]> {
  const ids = dueAtMs.map(() => randomUUID());
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunkIds = ids.slice(i, i + CHUNK);
    const due = dueAtMs.slice(i, i + CHUNK).map((ms) => new Date(ms).toISOString());
    const phones = chunkIds.map((_, j) => `+4670${String(1_000_000 + ((i + j) % 9_000_000)).padStart(7, '0')}`);
    await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('tracker.bulk_load', 'on', true)");
      await tx.query(
        `INSERT INTO callbacks (id, clinic_id, phone_e164, channel, requested_at, slot_start, slot_end, status,
           requested_before_cutoff, same_day_slot_free, patient_chose_later_day, token_hash, due_at)
         SELECT u.id, $2, u.phone, 'web', $3, u.due, u.due + interval '15 minutes', 'booked', true, true, false, md5(u.id::text), u.due
           FROM unnest($1::uuid[], $4::timestamptz[], $5::text[]) AS u(id, due, phone)`,
        [chunkIds, clinicId, new Date(requestedAtMs).toISOString(), due, phones],
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
