-- Issue 11: every API process caches each clinic's rules (src/services/clinicRulesCache.ts). Any change to a clinic
-- row or its date exceptions, by whichever writer (the settings page, the CLI, the seed, plain SQL), tells them all:
-- NOTIFY clinic_rules_changed with the clinic's id, delivered at commit (and once per id per transaction).
-- A TRUNCATE says '*': forget every clinic.

CREATE FUNCTION notify_clinic_rules_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('clinic_rules_changed', '*');
  ELSIF TG_TABLE_NAME = 'clinics' THEN
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('clinic_rules_changed', OLD.id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('clinic_rules_changed', NEW.id); END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('clinic_rules_changed', OLD.clinic_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('clinic_rules_changed', NEW.clinic_id); END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER clinics_rules_changed AFTER INSERT OR UPDATE OR DELETE ON clinics
  FOR EACH ROW EXECUTE FUNCTION notify_clinic_rules_changed();
CREATE TRIGGER clinics_rules_truncated AFTER TRUNCATE ON clinics
  FOR EACH STATEMENT EXECUTE FUNCTION notify_clinic_rules_changed();
CREATE TRIGGER clinic_date_exceptions_rules_changed AFTER INSERT OR UPDATE OR DELETE ON clinic_date_exceptions
  FOR EACH ROW EXECUTE FUNCTION notify_clinic_rules_changed();
CREATE TRIGGER clinic_date_exceptions_rules_truncated AFTER TRUNCATE ON clinic_date_exceptions
  FOR EACH STATEMENT EXECUTE FUNCTION notify_clinic_rules_changed();
