-- The phone line greets callers with the clinic's name ("Välkommen till Vårdcentralen Kungsör"): a clip of the name
-- as synthesized speech, made by the workers when a clinic is created or renamed (spoken_name differs from the
-- clinic's name until then). A recording in VOICE_CLIPS_DIR/clinics/<clinic-id>.wav takes its place.
CREATE TABLE clinic_name_clips (
  clinic_id text PRIMARY KEY REFERENCES clinics (id) ON DELETE CASCADE,
  spoken_name text NOT NULL,
  -- Sample data in the clip set's format (no WAV header), and that format, so a changed clip set regenerates it.
  audio bytea NOT NULL,
  audio_format text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
