-- Staff sign-in: bearer tokens expire, staff signed in through OpenID Connect get an account row of their
-- own (so claims, attempts and audits keep pointing at staff(id)), and a refused request's route is audited.

-- NULL: a token made without an expiry (the demo seed). Tokens that exist already get 90 days from now:
-- every token then ends some day, and nobody is locked out by the upgrade itself.
ALTER TABLE staff ADD COLUMN token_expires_at timestamptz;
UPDATE staff SET token_expires_at = now() + interval '90 days';

-- An OpenID Connect account has no token of ours; it is found by its issuer and subject instead.
ALTER TABLE staff ALTER COLUMN token_hash DROP NOT NULL;
ALTER TABLE staff
  ADD COLUMN oidc_issuer text,
  ADD COLUMN oidc_subject text,
  ADD CONSTRAINT staff_oidc_identity UNIQUE (oidc_issuer, oidc_subject),
  ADD CONSTRAINT staff_one_credential CHECK ((token_hash IS NULL) <> (oidc_subject IS NULL)),
  ADD CONSTRAINT staff_oidc_issuer_with_subject CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL));

-- The method and path of a refused staff request (action 'access.denied'); null for other events.
ALTER TABLE audit_events ADD COLUMN request text;
