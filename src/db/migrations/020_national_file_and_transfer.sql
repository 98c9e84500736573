-- Issue 19: the national file in the national shape, and its automated transfer (rules 10 and 16).
--
-- A month's file is now stored as its rows with the codes of the region's mapping (`file`, JSON: see
-- src/domain/nationalReport.ts, NationalFile), so that CSV and XLSX are both written from it and a later change of
-- the mapping does not rewrite what was produced and sent. Files stored before keep their CSV text in `content`
-- and are served as they were.
ALTER TABLE national_reports ALTER COLUMN content DROP NOT NULL;
ALTER TABLE national_reports ADD COLUMN file jsonb;
ALTER TABLE national_reports ADD CONSTRAINT national_reports_one_form CHECK ((content IS NULL) <> (file IS NULL));

-- One delivery per unit (HSA-id) and month to the national receiver (NATIONAL_TRANSFER_URL). 'accepted' is
-- final: a retry, a second job or a second production of the month never sends it again. 'failed': every retry of
-- a job was used; the next worker start or monthly run tries again.
CREATE TABLE national_deliveries (
  month text NOT NULL REFERENCES national_reports (month),
  hsa_id text NOT NULL,
  clinic_id text NOT NULL REFERENCES clinics (id),
  status text NOT NULL CHECK (status IN ('pending', 'accepted', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  -- What the receiver answered last (an HTTP status and its first words, or a network error): no patient data.
  last_error text CHECK (length(last_error) <= 500),
  accepted_at timestamptz,
  response_status integer,
  PRIMARY KEY (month, hsa_id),
  CHECK ((status = 'accepted') = (accepted_at IS NOT NULL))
);
CREATE INDEX national_deliveries_unaccepted ON national_deliveries (month) WHERE status <> 'accepted';
