-- Issue 11: an update of a callback marks its (clinic, local date) cell for the report rollups only when it changes
-- a column the measures read. Migration 003's trigger marked the cell on every update, so the due worker's batch
-- UPDATE (status, made_due_at) ran mark_callback_cell once per row, and the refresher then recomputed every cell it
-- had touched, for nothing: making a callback due changes no measure. The same holds for claims, claim renewals,
-- releases, a completion (the measures read its attempt, which marks the cell itself: call_attempts_mark_cell) and
-- a follow-up note.
--
-- The columns: the only reader of the marks is recomputeCells (src/db/measureRollup.ts), which takes a cell's
-- callbacks by clinic_id and requested_at (in the clinic's time zone) and classifies them (src/domain/measures.ts)
-- from slot_start, slot_end, requested_before_cutoff, same_day_slot_free, patient_chose_later_day, cancelled_at and
-- missed_at, with their attempts. Clinic rules, closed dates, attempts and guarantee cases mark through their own
-- triggers (003). A column added to those readers must be added here.
--
-- A callback moved to another clinic or request date (never done by the app; plain SQL may) leaves its old cell as
-- well: both are marked. Inserts mark as before. tracker.bulk_load still suppresses every mark.

DROP TRIGGER callbacks_mark_cell ON callbacks;

CREATE FUNCTION mark_changed_callback_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('tracker.bulk_load', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO measure_changes (clinic_id, date)
    SELECT NEW.clinic_id, (NEW.requested_at AT TIME ZONE c.timezone)::date FROM clinics c WHERE c.id = NEW.clinic_id;
  IF OLD.clinic_id IS DISTINCT FROM NEW.clinic_id OR OLD.requested_at IS DISTINCT FROM NEW.requested_at THEN
    INSERT INTO measure_changes (clinic_id, date)
      SELECT OLD.clinic_id, (OLD.requested_at AT TIME ZONE c.timezone)::date FROM clinics c WHERE c.id = OLD.clinic_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER callbacks_mark_cell AFTER INSERT ON callbacks FOR EACH ROW EXECUTE FUNCTION mark_callback_cell();
-- The WHEN is evaluated before anything is queued: an update that changes none of these costs no trigger call.
CREATE TRIGGER callbacks_mark_cells_changed
  AFTER UPDATE OF clinic_id, requested_at, slot_start, slot_end, requested_before_cutoff, same_day_slot_free,
                  patient_chose_later_day, cancelled_at, missed_at
  ON callbacks FOR EACH ROW
  WHEN (OLD.clinic_id IS DISTINCT FROM NEW.clinic_id OR OLD.requested_at IS DISTINCT FROM NEW.requested_at
        OR OLD.slot_start IS DISTINCT FROM NEW.slot_start OR OLD.slot_end IS DISTINCT FROM NEW.slot_end
        OR OLD.requested_before_cutoff IS DISTINCT FROM NEW.requested_before_cutoff
        OR OLD.same_day_slot_free IS DISTINCT FROM NEW.same_day_slot_free
        OR OLD.patient_chose_later_day IS DISTINCT FROM NEW.patient_chose_later_day
        OR OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at OR OLD.missed_at IS DISTINCT FROM NEW.missed_at)
  EXECUTE FUNCTION mark_changed_callback_cells();
