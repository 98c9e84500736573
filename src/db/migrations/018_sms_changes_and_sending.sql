-- The patient's SMS must never be wrong, and never be sent twice:
-- - a change of time and a cancellation send an SMS of their own (kinds time_changed and cancelled); a callback may
--   have several changes, numbered (change_number), each sent once;
-- - every message keeps the time it speaks of (slot_start, slot_end), so a retry sends the very same text, and a
--   message whose time was changed again before it went out is skipped for the newer one;
-- - a send is recorded before the provider is asked ('sending', with when and a hash of the text), so a retry after a
--   crash or a database failure first asks the provider whether it went out, instead of sending it again.
ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_callback_id_kind_key;
ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_kind_check;
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_kind_check
  CHECK (kind IN ('booking_confirmation', 'time_changed', 'cancelled', 'unreachable'));
ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_status_check;
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_status_check
  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped'));
ALTER TABLE sms_messages
  ADD COLUMN change_number integer NOT NULL DEFAULT 0,
  ADD COLUMN slot_start timestamptz,
  ADD COLUMN slot_end timestamptz,
  -- Who cancelled (kind cancelled): the patient on the web, the phone line's keypad, or staff.
  ADD COLUMN cancelled_by text CHECK (cancelled_by IN ('web', 'phone', 'staff')),
  ADD COLUMN sending_started_at timestamptz,
  ADD COLUMN text_sha256 text;
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_once UNIQUE (callback_id, kind, change_number);
-- Messages still waiting speak of their callback's time as it is now (what they would have said before).
UPDATE sms_messages m SET slot_start = c.slot_start, slot_end = c.slot_end
  FROM callbacks c WHERE c.id = m.callback_id AND m.status = 'pending';
DROP INDEX sms_messages_pending;
CREATE INDEX sms_messages_unsent ON sms_messages (created_at) WHERE status IN ('pending', 'sending');
