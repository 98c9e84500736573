-- Secrets the app made itself and keeps with its data: outside production, a deployment without
-- CALLBACK_TOKEN_SECRET gets a random one on its first start, so cancel links survive restarts and no value
-- published in the repository ever signs anything.
CREATE TABLE app_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
