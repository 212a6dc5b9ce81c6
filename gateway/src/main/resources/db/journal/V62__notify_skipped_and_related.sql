-- ADR 0062. Change detection on the FHIR server, second part. Portable SQL (H2 2.x and PostgreSQL 12+).

-- A resource version the poller could not handle for a reason of its own (malformed, unreadable,
-- a mapping failure) and set aside, so that it stops no other notification. The reason names the
-- kind of failure only (an HTTP status, an exception class, a missing element): never content.
CREATE TABLE notify_skipped (
    resource_type VARCHAR(40)  NOT NULL,
    resource_id   VARCHAR(64)  NOT NULL,
    version_id    BIGINT       NOT NULL,
    reason        VARCHAR(200) NOT NULL,
    skipped_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (resource_type, resource_id, version_id)
);

CREATE INDEX notify_skipped_at ON notify_skipped (skipped_at);

-- Per watched resource other than the referral Task (the green-channel Appointment), the last
-- version handled, its status and a hash of what a facility is told of it (status and times),
-- so that a version that changes none of it tells nothing.
CREATE TABLE notify_related (
    resource_type VARCHAR(40) NOT NULL,
    resource_id   VARCHAR(64) NOT NULL,
    version_id    BIGINT      NOT NULL,
    status        VARCHAR(32) NOT NULL,
    state_hash    VARCHAR(64) NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    handled_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (resource_type, resource_id)
);
