-- The audit trail (ADR 0053): one row per request, delivery attempt and webhook attempt, append-only
-- and hash-chained. Portable SQL (H2 2.x and PostgreSQL 12+). No personal data: a resident appears
-- only as a keyed pseudonym, never a query string, a name, an ID number or a phone number.
CREATE TABLE audit_event (
    -- Position in the chain: 1, 2, 3 ... without gaps (taken from audit_head, not a sequence).
    seq             BIGINT       NOT NULL PRIMARY KEY,
    recorded_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- request | delivery | webhook
    kind            VARCHAR(16)  NOT NULL,
    -- Who: the OAuth2 client (for a refused token request, the id it claimed), its role, the USCC
    -- of the organization it acts for, and the network address it called from (a system's).
    client_id       VARCHAR(80),
    role            VARCHAR(16),
    organization    VARCHAR(32),
    source_address  VARCHAR(64),
    -- What: the interaction, the HTTP method, the route pattern (never the raw path or its query),
    -- the object's type and ids, the facility it belongs to, the resident's keyed pseudonym.
    interaction     VARCHAR(32),
    method          VARCHAR(10),
    route           VARCHAR(200),
    entity_type     VARCHAR(64),
    entity_id       VARCHAR(300),
    facility        VARCHAR(32),
    subject         VARCHAR(40),
    -- Outcome: HTTP status, the gateway's error code, the rule of a refusal (or what happened),
    -- and its class: success | refused | rejected | failed | error.
    status          INT,
    error_code      VARCHAR(32),
    detail          VARCHAR(300),
    outcome         VARCHAR(16)  NOT NULL,
    -- HL7 v3 PurposeOfUse (TREAT, HOPERAT, HCOMPL ...).
    purpose         VARCHAR(16),
    correlation_id  VARCHAR(64),
    message_id      VARCHAR(36),
    duration_ms     BIGINT,
    -- The gateway instance that wrote the row.
    observer        VARCHAR(64)  NOT NULL,
    -- The chain: mac = HMAC(audit key, this row's fields and prev_mac) by mac_algorithm.
    mac_algorithm   VARCHAR(16)  NOT NULL,
    prev_mac        VARCHAR(64)  NOT NULL,
    mac             VARCHAR(64)  NOT NULL
);

CREATE INDEX audit_event_recorded ON audit_event (recorded_at);
CREATE INDEX audit_event_client ON audit_event (client_id, recorded_at);
CREATE INDEX audit_event_correlation ON audit_event (correlation_id);

-- The end of the chain, one row: locked FOR UPDATE by every append (last in its transaction), so
-- concurrent requests and several instances on one database extend one unbroken chain.
CREATE TABLE audit_head (
    id   INT          NOT NULL PRIMARY KEY,
    seq  BIGINT       NOT NULL,
    mac  VARCHAR(64)  NOT NULL,
    CONSTRAINT audit_head_one CHECK (id = 1)
);
INSERT INTO audit_head (id, seq, mac)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
