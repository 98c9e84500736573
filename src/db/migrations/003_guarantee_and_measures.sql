-- The tracker: care-guarantee cases, per-callback measure facts, daily rollups kept fresh through
-- change markers, and stored national-reporting files.

-- One case per reached callback the nurse marked as covered by the care guarantee (vårdgaranti 0-3).
CREATE TABLE guarantee_cases (
  callback_id uuid PRIMARY KEY REFERENCES callbacks (id),
  clinic_id text NOT NULL REFERENCES clinics (id),
  reason text NOT NULL CHECK (reason IN ('new_problem', 'worsening', 'no_treatment_effect')),
  -- Day 0 under the start basis 'contact': the local date of the patient's callback request.
  contact_date date NOT NULL,
  -- Day 0 under 'triage_decision': the local date of the triage call that decided care is to take place.
  decision_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'assessed', 'excluded')),
  assessed_at timestamptz,
  assessment_date date,
  assessment_profession text,
  assessment_mode text CHECK (assessment_mode IN ('visit', 'video', 'phone')),
  exclusion_reason text CHECK (exclusion_reason IN ('patient_chose_later', 'medically_motivated_wait', 'not_covered')),
  note text,
  opened_at timestamptz NOT NULL,
  updated_by uuid REFERENCES staff (id),
  updated_at timestamptz NOT NULL,
  CHECK ((status = 'assessed') = (assessed_at IS NOT NULL AND assessment_date IS NOT NULL
                                  AND assessment_profession IS NOT NULL AND assessment_mode IS NOT NULL)),
  CHECK ((status = 'excluded') = (exclusion_reason IS NOT NULL))
);
CREATE INDEX guarantee_cases_open ON guarantee_cases (clinic_id, contact_date) WHERE status = 'open';
CREATE INDEX guarantee_cases_contact ON guarantee_cases (clinic_id, contact_date);
CREATE INDEX guarantee_cases_decision ON guarantee_cases (clinic_id, decision_date);

-- Each callback's classification in the measures (src/domain/measures.ts), for drill-down and rollups.
CREATE TABLE callback_measures (
  callback_id uuid PRIMARY KEY REFERENCES callbacks (id),
  clinic_id text NOT NULL,
  request_date date NOT NULL,
  same_day text NOT NULL,
  deviation_minutes integer,
  punctuality text,
  CHECK ((deviation_minutes IS NULL) = (punctuality IS NULL))
);
CREATE INDEX callback_measures_cell ON callback_measures (clinic_id, request_date, same_day);
CREATE INDEX callback_measures_punctuality ON callback_measures (clinic_id, request_date, punctuality)
  WHERE punctuality IS NOT NULL;

-- Each guarantee case's classification under the region's start basis; 'open' splits into pending or
-- overdue only when read, because that depends on today's date.
CREATE TABLE guarantee_measures (
  callback_id uuid PRIMARY KEY REFERENCES guarantee_cases (callback_id),
  clinic_id text NOT NULL,
  start_date date NOT NULL,
  result text NOT NULL CHECK (result IN ('within', 'late', 'open', 'excluded')),
  days_to_assessment integer,
  profession text,
  mode text,
  exclusion_reason text
);
CREATE INDEX guarantee_measures_cell ON guarantee_measures (clinic_id, start_date, result);

-- One row per clinic and local date: everything the reports sum. Arrays are fixed-length histograms
-- and profession × mode matrices whose layout is defined in src/domain/measureRollup.ts.
CREATE TABLE daily_measures (
  clinic_id text NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  date date NOT NULL,
  counts integer[] NOT NULL,
  abs_deviation_histogram integer[] NOT NULL,
  deviation_bins integer[] NOT NULL,
  assessed_within integer[] NOT NULL,
  assessed_late integer[] NOT NULL,
  PRIMARY KEY (clinic_id, date)
);

-- Change markers: every write that can change a measure appends the (clinic, local date) cells it
-- touches, in the writer's own transaction. The refresher consumes them (src/db/measureRollup.ts).
CREATE TABLE measure_changes (
  id bigserial PRIMARY KEY,
  clinic_id text NOT NULL,
  date date NOT NULL
);

-- Which guarantee start basis the stored facts were computed with.
CREATE TABLE measure_settings (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  guarantee_start text NOT NULL
);

CREATE FUNCTION mark_callback_cell() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('tracker.bulk_load', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO measure_changes (clinic_id, date)
    SELECT NEW.clinic_id, (NEW.requested_at AT TIME ZONE c.timezone)::date FROM clinics c WHERE c.id = NEW.clinic_id;
  RETURN NULL;
END $$;

CREATE FUNCTION mark_attempt_cell() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('tracker.bulk_load', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO measure_changes (clinic_id, date)
    SELECT cb.clinic_id, (cb.requested_at AT TIME ZONE c.timezone)::date
      FROM callbacks cb JOIN clinics c ON c.id = cb.clinic_id WHERE cb.id = NEW.callback_id;
  RETURN NULL;
END $$;

CREATE FUNCTION mark_case_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('tracker.bulk_load', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO measure_changes (clinic_id, date) VALUES (NEW.clinic_id, NEW.contact_date), (NEW.clinic_id, NEW.decision_date);
  RETURN NULL;
END $$;

-- A clinic's rules (tolerances, time zone) feed every one of its cells.
CREATE FUNCTION mark_clinic_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO measure_changes (clinic_id, date) SELECT NEW.id, d.date FROM daily_measures d WHERE d.clinic_id = NEW.id;
  RETURN NULL;
END $$;

-- A clinic closing or reopening a date changes whether that date's requests count (rule 2).
CREATE FUNCTION mark_exception_cell() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO measure_changes (clinic_id, date) VALUES (OLD.clinic_id, OLD.date);
  ELSE
    INSERT INTO measure_changes (clinic_id, date) VALUES (NEW.clinic_id, NEW.date);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER clinic_date_exceptions_mark_cell AFTER INSERT OR UPDATE OR DELETE ON clinic_date_exceptions
  FOR EACH ROW EXECUTE FUNCTION mark_exception_cell();
CREATE TRIGGER callbacks_mark_cell AFTER INSERT OR UPDATE ON callbacks FOR EACH ROW EXECUTE FUNCTION mark_callback_cell();
CREATE TRIGGER call_attempts_mark_cell AFTER INSERT OR UPDATE ON call_attempts FOR EACH ROW EXECUTE FUNCTION mark_attempt_cell();
CREATE TRIGGER guarantee_cases_mark_cells AFTER INSERT OR UPDATE ON guarantee_cases FOR EACH ROW EXECUTE FUNCTION mark_case_cells();
CREATE TRIGGER clinics_mark_cells AFTER UPDATE OF timezone, same_day_cutoff, early_tolerance_minutes, late_tolerance_minutes
  ON clinics FOR EACH ROW EXECUTE FUNCTION mark_clinic_cells();

-- Files for the national waiting-times reporting, one per month, produced by a worker job.
CREATE TABLE national_reports (
  month text PRIMARY KEY CHECK (month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  created_at timestamptz NOT NULL,
  content text NOT NULL
);

-- Where a manager gets the daily summary by SMS (optional; without it the summary goes to the log).
ALTER TABLE staff ADD COLUMN phone_e164 text CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$');

-- The managers' daily summary of cases at risk, one per clinic and day: a repeated job sends nothing twice.
CREATE TABLE guarantee_summaries (
  date date NOT NULL,
  clinic_id text NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  due_today integer NOT NULL,
  overdue integer NOT NULL,
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (date, clinic_id)
);
