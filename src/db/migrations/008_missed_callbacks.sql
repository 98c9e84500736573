-- Rule 12: a callback whose day ended without a call is marked missed (by the sweep in
-- src/jobs/markMissedCallbacks.ts) and listed for the nurses' follow-up until one of them records it.

ALTER TABLE callbacks DROP CONSTRAINT callbacks_status_check;
ALTER TABLE callbacks ADD CONSTRAINT callbacks_status_check
  CHECK (status IN ('booked', 'due', 'claimed', 'completed', 'unreachable', 'cancelled', 'missed'));

ALTER TABLE callbacks
  ADD COLUMN missed_at timestamptz,
  ADD COLUMN followed_up_at timestamptz,
  ADD COLUMN followed_up_by uuid REFERENCES staff (id),
  ADD COLUMN follow_up_note text,
  ADD CONSTRAINT callbacks_missed_at CHECK ((status = 'missed') = (missed_at IS NOT NULL)),
  ADD CONSTRAINT callbacks_follow_up_of_missed CHECK (followed_up_at IS NULL OR status = 'missed'),
  ADD CONSTRAINT callbacks_follow_up_by CHECK ((followed_up_at IS NULL) = (followed_up_by IS NULL)),
  ADD CONSTRAINT callbacks_follow_up_note CHECK (follow_up_note IS NULL OR followed_up_at IS NOT NULL);

-- The sweep: open callbacks whose slot starts before the start of today, across all clinics.
CREATE INDEX callbacks_open_by_slot ON callbacks (slot_start) WHERE status IN ('booked', 'due', 'claimed');
-- The follow-up list: a clinic's missed callbacks nobody has followed up yet, oldest first.
CREATE INDEX callbacks_missed_follow_up ON callbacks (clinic_id, slot_start) WHERE status = 'missed' AND followed_up_at IS NULL;

-- The rollup's counts gain the same-day class 'missed' at the end (src/domain/measureRollup.ts COUNTS);
-- nothing was missed before this migration, so stored rows get a 0 there.
UPDATE daily_measures SET counts = counts || 0 WHERE array_length(counts, 1) = 18;
