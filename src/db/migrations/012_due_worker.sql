-- Issue 11: the due worker marks callbacks due in batches, and reconciliation is incremental with a grace period.

-- When the due worker put the callback into the nurses' queue, on the workers' clock: made_due_at − due_at is
-- the pickup lag (also the due_callback_lag_seconds metric), kept per callback for the benchmark and for ops.
ALTER TABLE callbacks ADD COLUMN made_due_at timestamptz;

-- When the callback last got a due time to wait for (booked, moved to another slot, or booked again for a
-- retry), on the database's clock. The API adds the due job just after that commit, so reconciliation leaves
-- younger ones alone for a grace period, and its incremental passes read only those scheduled since the last.
-- Set by the default on insert and by the trigger below on update, so no writer can forget it.
ALTER TABLE callbacks ADD COLUMN scheduled_at timestamptz NOT NULL DEFAULT now();

CREATE FUNCTION touch_callback_scheduled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.scheduled_at := now();
  RETURN NEW;
END $$;

CREATE TRIGGER callbacks_touch_scheduled BEFORE UPDATE OF status, due_at, attempt_count ON callbacks
  FOR EACH ROW
  WHEN (NEW.status = 'booked' AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.due_at IS DISTINCT FROM NEW.due_at
        OR OLD.attempt_count IS DISTINCT FROM NEW.attempt_count))
  EXECUTE FUNCTION touch_callback_scheduled();

-- Reconciliation's passes: booked callbacks by when they were scheduled (all of them, or those since the last pass).
CREATE INDEX callbacks_booked_by_scheduled ON callbacks (scheduled_at, id) WHERE status = 'booked';
