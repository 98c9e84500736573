-- Delivery reports from the SMS provider (46elks' whendelivered): whether a sent message reached the phone.
ALTER TABLE sms_messages
  ADD COLUMN delivery_status text CHECK (delivery_status IN ('delivered', 'failed')),
  ADD COLUMN delivery_reported_at timestamptz;
