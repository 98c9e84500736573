-- Issue 11: every API process caches the slot listings it has answered (src/services/slotListingCache.ts). A place
-- taken or freed, by whichever writer (a booking, a cancellation, a reschedule, a clinic closing a date, plain SQL),
-- tells them all: NOTIFY slot_places_changed with the clinic's id, delivered at commit (once per id per transaction).
-- A TRUNCATE says '*': forget every clinic's listings.

CREATE FUNCTION notify_slot_places_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('slot_places_changed', '*');
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('slot_places_changed', OLD.clinic_id);
  ELSE
    PERFORM pg_notify('slot_places_changed', NEW.clinic_id);
    -- A row moved to another clinic (never done by the app, but plain SQL may) changes both.
    IF TG_OP = 'UPDATE' AND OLD.clinic_id <> NEW.clinic_id THEN PERFORM pg_notify('slot_places_changed', OLD.clinic_id); END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER slot_places_changed AFTER INSERT OR UPDATE OR DELETE ON slot_places
  FOR EACH ROW EXECUTE FUNCTION notify_slot_places_changed();
CREATE TRIGGER slot_places_truncated AFTER TRUNCATE ON slot_places
  FOR EACH STATEMENT EXECUTE FUNCTION notify_slot_places_changed();
