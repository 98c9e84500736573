-- Staff and their clinics, the nurse call queue (claims, attempts, outcomes), SMS, telephony events, audit.

ALTER TABLE clinics
  ADD COLUMN max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 10),
  ADD COLUMN retry_delay_minutes integer NOT NULL DEFAULT 10 CHECK (retry_delay_minutes BETWEEN 1 AND 240);

CREATE TABLE staff (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('nurse', 'manager', 'admin')),
  -- SHA-256 of the bearer token; the token itself is shown once, when created.
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TABLE staff_clinics (
  staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  clinic_id text NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  PRIMARY KEY (staff_id, clinic_id)
);

ALTER TABLE callbacks DROP CONSTRAINT callbacks_status_check;
ALTER TABLE callbacks ADD CONSTRAINT callbacks_status_check
  CHECK (status IN ('booked', 'due', 'claimed', 'completed', 'unreachable', 'cancelled'));
ALTER TABLE callbacks
  -- When the callback (next) enters the nurses' queue: the slot start, or a no-answer retry time.
  ADD COLUMN due_at timestamptz,
  ADD COLUMN attempt_count integer NOT NULL DEFAULT 0,
  ADD COLUMN claimed_by uuid REFERENCES staff (id),
  ADD COLUMN claim_expires_at timestamptz,
  ADD COLUMN reached_at timestamptz,
  ADD COLUMN closed_at timestamptz;
UPDATE callbacks SET due_at = slot_start WHERE due_at IS NULL;
ALTER TABLE callbacks ALTER COLUMN due_at SET NOT NULL;
CREATE INDEX callbacks_open_queue ON callbacks (clinic_id, slot_start)
  WHERE status IN ('booked', 'due', 'claimed');

CREATE TABLE call_attempts (
  id uuid PRIMARY KEY,
  callback_id uuid NOT NULL REFERENCES callbacks (id),
  staff_id uuid REFERENCES staff (id),
  source text NOT NULL CHECK (source IN ('staff', 'telephony')),
  -- The telephone system's own id for the call, when the attempt came from its events.
  telephony_call_id text UNIQUE,
  started_at timestamptz NOT NULL,
  answered_at timestamptz,
  ended_at timestamptz,
  outcome text CHECK (outcome IN ('answered', 'no_answer', 'busy', 'voicemail', 'wrong_number')),
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_attempts_callback ON call_attempts (callback_id, started_at);

-- What came of a reached callback: the input the care-guarantee tracker needs, stored as given.
CREATE TABLE callback_outcomes (
  callback_id uuid PRIMARY KEY REFERENCES callbacks (id),
  recorded_by uuid NOT NULL REFERENCES staff (id),
  recorded_at timestamptz NOT NULL,
  resolution text NOT NULL CHECK (resolution IN ('advice', 'appointment', 'referred')),
  appointment_date date,
  appointment_profession text,
  appointment_mode text CHECK (appointment_mode IN ('visit', 'video', 'phone')),
  referred_to text,
  guarantee_covered boolean NOT NULL,
  guarantee_reason text CHECK (guarantee_reason IN ('new_problem', 'worsening', 'no_treatment_effect')),
  was_medical_assessment boolean NOT NULL,
  assessment_profession text,
  note text,
  CHECK (guarantee_covered = (guarantee_reason IS NOT NULL)),
  CHECK (was_medical_assessment = (assessment_profession IS NOT NULL))
);

CREATE TABLE sms_messages (
  id uuid PRIMARY KEY,
  callback_id uuid NOT NULL REFERENCES callbacks (id),
  kind text NOT NULL CHECK (kind IN ('booking_confirmation', 'unreachable')),
  -- skipped: a confirmation whose callback was cancelled before it went out.
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  provider_message_id text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  UNIQUE (callback_id, kind)
);
CREATE INDEX sms_messages_pending ON sms_messages (created_at) WHERE status = 'pending';

-- Seen telephony events: a replayed event id changes nothing.
CREATE TABLE telephony_events (
  event_id text PRIMARY KEY,
  type text NOT NULL,
  callback_id uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Every staff read or change of patient data.
CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  staff_id uuid REFERENCES staff (id),
  action text NOT NULL,
  clinic_id text,
  callback_ids uuid[] NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_staff ON audit_events (staff_id, at);
