// A reference for `npm run bench:http`, not a target: the least a durable booking can cost on this machine. A bare
// Express 5 app, started like the API (bench/support/server.ts), that parses the JSON body, stores one row in one
// autocommitted INSERT (one round trip, committed to disk before the answer) and adds one BullMQ job: what any
// booking that answers 201 only once it is stored, with its due job in Redis, must do at the least. Its ratio to
// hello-world bounds what booking's ratio can reach here, whatever the app does.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('CREATE TABLE IF NOT EXISTS booking_floor (id uuid PRIMARY KEY, phone text NOT NULL, booked_at timestamptz NOT NULL)');
const queue = new Queue('booking-floor', {
  connection: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null }),
  prefix: process.env.BULLMQ_PREFIX ?? 'bench-floor',
});

const app = express();
app.get('/', (_req, res) => {
  res.json({ ready: true });
});
app.post('/', express.json(), async (req, res) => {
  const id = randomUUID();
  await pool.query({ name: 'floor-insert', text: 'INSERT INTO booking_floor (id, phone, booked_at) VALUES ($1, $2, now())', values: [id, String(req.body.phone)] });
  await queue.add('due', { id }, { jobId: id, delay: 3_600_000 });
  res.status(201).json({ id });
});
const port = Number(process.env.PORT ?? 3000);
app.listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`booking floor listening on ${port}`));
