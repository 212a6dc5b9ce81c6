-- Facility webhooks registered through the admin endpoint (configured ones live in gateway.notify).
CREATE TABLE webhook (
    facility_code VARCHAR(32)   NOT NULL PRIMARY KEY,
    url           VARCHAR(2048) NOT NULL,
    -- The HMAC key shared with the facility: needed in clear to sign, never returned or logged.
    secret        VARCHAR(256)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
