-- Rule 11: one open callback per caller and clinic (a clinic setting, on by default), and a cap across clinics.
ALTER TABLE clinics ADD COLUMN one_open_callback_per_caller boolean NOT NULL DEFAULT true;

-- A caller's open callbacks, found in one index scan while their booking holds the caller's lock.
CREATE INDEX callbacks_open_by_phone ON callbacks (phone_e164)
  WHERE status IN ('booked', 'due', 'claimed');
