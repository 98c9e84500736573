-- Staff signed in on the pages: a session per browser. The cookie holds a random id; only its SHA-256 is
-- stored. Role and clinics are those the sign-in was authenticated with (OpenID Connect ones live only in
-- the token), re-checked against the account (revoked?) on every request.
CREATE TABLE staff_sessions (
  id_hash text PRIMARY KEY,
  staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('nurse', 'manager', 'admin')),
  clinic_ids text[] NOT NULL,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
