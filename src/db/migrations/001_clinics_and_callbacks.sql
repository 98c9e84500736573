-- Clinics (vårdcentraler) with their booking rules, per-slot booking counters, and callback bookings.

CREATE TABLE clinics (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL,
  timezone text NOT NULL DEFAULT 'Europe/Stockholm',
  -- {"1": {"open": "06:00", "close": "17:00"}, ...}; validated by ClinicRulesSchema on every read.
  booking_window jsonb NOT NULL,
  same_day_cutoff text NOT NULL DEFAULT '16:00',
  slot_minutes integer NOT NULL DEFAULT 15 CHECK (slot_minutes BETWEEN 5 AND 120),
  capacity_rules jsonb NOT NULL DEFAULT '[]',
  min_notice_minutes integer NOT NULL DEFAULT 5,
  booking_horizon_days integer NOT NULL DEFAULT 14,
  early_tolerance_minutes integer NOT NULL DEFAULT 0,
  late_tolerance_minutes integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A clinic's own closed dates or changed capacity on a date.
CREATE TABLE clinic_date_exceptions (
  clinic_id text NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  date date NOT NULL,
  closed boolean NOT NULL DEFAULT false,
  capacity integer CHECK (capacity >= 0),
  note text,
  PRIMARY KEY (clinic_id, date),
  CHECK (closed OR capacity IS NOT NULL)
);

-- One row per slot that has (had) bookings: the atomic counter that keeps a slot within its capacity.
CREATE TABLE slot_places (
  clinic_id text NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  slot_start timestamptz NOT NULL,
  slot_end timestamptz NOT NULL,
  booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
  PRIMARY KEY (clinic_id, slot_start)
);

CREATE TABLE callbacks (
  id uuid PRIMARY KEY,
  clinic_id text NOT NULL REFERENCES clinics (id),
  phone_e164 text NOT NULL,
  personal_identity_number text,
  patient_name text,
  reason text,
  channel text NOT NULL CHECK (channel IN ('web', 'ivr', 'staff')),
  requested_at timestamptz NOT NULL,
  slot_start timestamptz NOT NULL,
  slot_end timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('booked', 'cancelled')),
  -- Facts at booking time that the "contact the same day" measure needs (rule 5).
  requested_before_cutoff boolean NOT NULL,
  same_day_slot_free boolean NOT NULL,
  patient_chose_later_day boolean NOT NULL,
  -- SHA-256 of the patient's cancel token; the token itself is never stored.
  token_hash text NOT NULL,
  idempotency_key text,
  request_hash text,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT callbacks_idempotency_key_unique UNIQUE (clinic_id, idempotency_key)
);

CREATE INDEX callbacks_clinic_slot ON callbacks (clinic_id, slot_start);
CREATE INDEX callbacks_clinic_requested ON callbacks (clinic_id, requested_at);
