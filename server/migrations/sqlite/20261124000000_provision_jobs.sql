-- Provisioning jobs (PRODUCT.md §4). One row per create, written before the worker is told.
-- Timestamps are epoch milliseconds (INTEGER here, BIGINT in PostgreSQL) so the same queries
-- work on both databases.
CREATE TABLE provision_jobs (
    job_id               TEXT PRIMARY KEY,
    task_id              TEXT NOT NULL UNIQUE,
    owner_object_id      TEXT NOT NULL,
    owner_display_name   TEXT NOT NULL,
    subscription_id      TEXT NOT NULL,
    resource_group       TEXT NOT NULL,
    region               TEXT NOT NULL,
    cluster_name         TEXT NOT NULL,
    request_json         TEXT NOT NULL,
    status               TEXT NOT NULL,
    phase                TEXT NOT NULL,
    step                 INTEGER NOT NULL,
    message              TEXT NOT NULL,
    created_at_ms        INTEGER NOT NULL,
    updated_at_ms        INTEGER NOT NULL,
    arm_started_at_ms    INTEGER,
    finished_at_ms       INTEGER,
    -- The create's Azure-AsyncOperation URL once ARM accepted the PUT: a restart re-polls it
    -- instead of sending the PUT again.
    operation_url        TEXT,
    -- True when this job created the resource group (a later cleanup may delete only those).
    resource_group_created INTEGER NOT NULL DEFAULT 0,
    cluster_state        TEXT,
    pools_json           TEXT NOT NULL DEFAULT '[]',
    portal_url           TEXT,
    percent_complete     REAL,
    error_code           TEXT,
    error_message        TEXT,
    error_raw            TEXT,
    result_json          TEXT,
    -- subscription/resource group/cluster (lower-case) while the job runs, NULL once it finished:
    -- the unique index makes a double submit find the running job instead of starting another.
    active_key           TEXT UNIQUE
);

CREATE INDEX provision_jobs_by_owner ON provision_jobs (owner_object_id, created_at_ms);
CREATE INDEX provision_jobs_unfinished ON provision_jobs (status) WHERE finished_at_ms IS NULL;
