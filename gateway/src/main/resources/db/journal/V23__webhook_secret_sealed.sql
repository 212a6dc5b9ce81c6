-- Webhook secrets sealed at rest (ADR 0054): the key id of the keyring's data key and the sealed
-- secret (base64 of format byte, GCM nonce, ciphertext and tag; the facility code is the associated
-- data). V24, a Java migration with the keyring, seals the existing rows and drops the clear column.
ALTER TABLE webhook ADD COLUMN secret_key_id VARCHAR(64);
ALTER TABLE webhook ADD COLUMN secret_sealed VARCHAR(600);
