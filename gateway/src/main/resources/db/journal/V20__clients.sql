-- OAuth2 clients of the gateway (ADR 0050): facilities, hospitals, operators, auditors, supervisors.
-- A secret is stored only as a hash; a private_key_jwt client keeps its public JWK set.
CREATE TABLE api_client (
    client_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    client_name   VARCHAR(100) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    -- The unified social credit code of the organization a facility or hospital client acts for.
    uscc          VARCHAR(18),
    auth_method   VARCHAR(32)  NOT NULL,
    secret_hash   VARCHAR(200),
    jwks          TEXT,
    bootstrap     BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_client_role CHECK (role IN ('facility', 'hospital', 'operator', 'auditor', 'supervisor')),
    CONSTRAINT api_client_auth CHECK (auth_method IN ('client_secret_basic', 'private_key_jwt'))
);

-- The jti of every client assertion accepted, until it expires: a replayed assertion is refused.
CREATE TABLE client_assertion (
    client_id   VARCHAR(64)  NOT NULL,
    jti         VARCHAR(200) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_expiry ON client_assertion (expires_at);
