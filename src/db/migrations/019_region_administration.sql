-- Issue 19: a region puts the service into use without SQL. Clinics carry what national reporting and patients
-- need (HSA-id, town, municipality, the number patients are shown), can stop taking bookings and be closed (a closed
-- clinic keeps its history and reports, and tells patients where to turn), and a staff account can cover every
-- clinic there is, including those created after it: the first admin of an empty database.

ALTER TABLE clinics
  -- The national unit identifier (HSA-id): SE, the 10-digit organisation number, '-', 1-20 letters or digits.
  ADD COLUMN hsa_id text UNIQUE CHECK (hsa_id ~ '^SE[0-9]{10}-[A-Z0-9]{1,20}$' AND length(hsa_id) <= 31),
  ADD COLUMN town text CHECK (length(town) BETWEEN 1 AND 100),
  ADD COLUMN municipality text CHECK (length(municipality) BETWEEN 1 AND 100),
  -- Driftsform, a dimension of the national figures: run by the region, or privately under the region's contract.
  ADD COLUMN ownership text CHECK (ownership IN ('public', 'private')),
  -- The clinic's own number as patients are shown it (not the keypad booking line).
  ADD COLUMN public_phone_e164 text CHECK (public_phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  -- false: open, but taking no bookings (before go-live, or paused); its pages say so.
  ADD COLUMN accepts_bookings boolean NOT NULL DEFAULT true,
  -- Set: the clinic is closed; it takes no bookings and its pages send patients to `referral`.
  ADD COLUMN closed_at timestamptz,
  ADD COLUMN closed_referral text CHECK (length(closed_referral) <= 300),
  ADD CHECK ((closed_at IS NULL) OR (closed_referral IS NOT NULL));

-- Region-wide accounts: their clinics are every clinic at the moment of each request (staff_clinics unused). A staff
-- member's own HSA-id (the catalogue's person id, same form as a unit's) is what a staff import recognises them by.
ALTER TABLE staff
  ADD COLUMN all_clinics boolean NOT NULL DEFAULT false,
  ADD COLUMN hsa_id text UNIQUE CHECK (hsa_id ~ '^SE[0-9]{10}-[A-Z0-9]{1,20}$' AND length(hsa_id) <= 31);

-- A page session of a region-wide account (a token account with all_clinics, or an OpenID Connect sign-in whose
-- clinics claim says 'all') covers clinics created after sign-in too; token accounts' clinics are read live.
ALTER TABLE staff_sessions ADD COLUMN all_clinics boolean NOT NULL DEFAULT false;

-- What an administrative change touched, by name (the staff account, the fields changed, an import's counts): the
-- audit trail says who changed what without holding the values (no phone numbers or tokens in it).
ALTER TABLE audit_events ADD COLUMN detail jsonb;
