-- Issue 19: the record a message is a version of (SHA-256 of flow|facility|record number), so that
-- a resend without Idempotency-Key is compared with the record's latest message, not with any
-- earlier one (A, B, A writes A again). Empty for messages journaled before this version and for
-- webhook events. Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE message ADD COLUMN record_key VARCHAR(64);

CREATE INDEX message_record ON message (record_key, seq);
