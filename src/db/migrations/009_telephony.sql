-- Telephony (booking by phone keypad, dialling callbacks) and the turned-away callers ("the hidden queue").

-- The numbers patients call to book by keypad; each number belongs to one clinic.
CREATE TABLE clinic_phone_numbers (
  phone_e164 text PRIMARY KEY CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  clinic_id text NOT NULL REFERENCES clinics (id) ON DELETE CASCADE
);
CREATE INDEX clinic_phone_numbers_clinic ON clinic_phone_numbers (clinic_id);

ALTER TABLE clinics
  -- Read out to a caller when the phone booking fails: a number that reaches staff, never the booking line itself.
  ADD COLUMN fallback_phone_e164 text CHECK (fallback_phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  -- Agent-first dialling: "call" rings the nurse's phone, then connects the patient.
  ADD COLUMN dial_agent_first boolean NOT NULL DEFAULT false,
  -- The number a patient sees when the clinic calls back; null: the clinic's first booking number.
  ADD COLUMN caller_id_e164 text CHECK (caller_id_e164 ~ '^\+[1-9][0-9]{6,14}$');

-- Every call to a booking number, and how it ended for the caller. 'answered' is where every call starts;
-- one still 'answered' after the call is a caller who hung up without booking. 'no_time_today' is set when
-- only a later day could be offered and becomes 'booked' if the caller takes it.
CREATE TABLE incoming_calls (
  call_id text PRIMARY KEY,
  clinic_id text NOT NULL REFERENCES clinics (id),
  received_at timestamptz NOT NULL,
  -- The clinic's local date the call came in on (the report's day).
  local_date date NOT NULL,
  caller_hidden boolean NOT NULL,
  outcome text NOT NULL DEFAULT 'answered'
    CHECK (outcome IN ('answered', 'booked', 'booking_closed', 'no_time_today', 'no_free_time', 'duplicate', 'failed')),
  callback_id uuid REFERENCES callbacks (id),
  updated_at timestamptz NOT NULL,
  CHECK ((outcome = 'booked') = (callback_id IS NOT NULL))
);
CREATE INDEX incoming_calls_by_day ON incoming_calls (clinic_id, local_date);

-- Web bookings refused for a reason that turns the patient away (not bad input, not rate limits).
CREATE TABLE web_booking_refusals (
  id uuid PRIMARY KEY,
  clinic_id text NOT NULL REFERENCES clinics (id),
  refused_at timestamptz NOT NULL,
  local_date date NOT NULL,
  reason text NOT NULL CHECK (reason IN ('booking_closed', 'no_time_today', 'no_free_time', 'duplicate'))
);
CREATE INDEX web_booking_refusals_by_day ON web_booking_refusals (clinic_id, local_date);

-- Agent-first dialling: one outgoing call per attempt, whatever retries the request or job makes.
-- state: pending → placing (the provider is being asked, at most once) → placed | failed; placed → ended.
CREATE TABLE outgoing_calls (
  id uuid PRIMARY KEY,
  callback_id uuid NOT NULL REFERENCES callbacks (id),
  -- The callback's attempt this call is: attempts made before it, plus one.
  attempt_number integer NOT NULL CHECK (attempt_number >= 1),
  staff_id uuid REFERENCES staff (id),
  agent_phone_e164 text NOT NULL CHECK (agent_phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  caller_id_e164 text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'placing', 'placed', 'failed', 'ended')),
  provider_call_id text UNIQUE,
  failure text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (callback_id, attempt_number)
);
