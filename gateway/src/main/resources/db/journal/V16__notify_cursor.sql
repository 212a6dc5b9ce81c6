-- Change detection on the FHIR server: how far the poller has read, and the last version of each
-- referral Task it has handled (a version at or below it is never handled again).
CREATE TABLE notify_cursor (
    name         VARCHAR(64) NOT NULL PRIMARY KEY,
    -- The largest meta.lastUpdated handled so far; each poll reads again from a little before it.
    position     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE notify_task (
    task_id      VARCHAR(64) NOT NULL PRIMARY KEY,
    version_id   BIGINT      NOT NULL,
    status       VARCHAR(32) NOT NULL,
    last_updated TIMESTAMP WITH TIME ZONE NOT NULL,
    handled_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
