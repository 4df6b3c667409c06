-- The whole schema for PostgreSQL (several replicas, issue 17), equal in meaning to the SQLite
-- migrations in ../sqlite/ up to 20270201000000 (leases): the same tables, columns and partial indexes,
-- with PostgreSQL's types (epoch milliseconds BIGINT, flags BOOLEAN, REAL -> DOUBLE PRECISION,
-- BLOB -> BYTEA). JSON stays TEXT so both engines decode rows the same way. The comments on
-- each column live in the SQLite migrations, where each one was introduced.
CREATE TABLE provision_jobs (
    job_id                       TEXT PRIMARY KEY,
    task_id                      TEXT NOT NULL UNIQUE,
    owner_tenant_id              TEXT NOT NULL DEFAULT '',
    owner_object_id              TEXT NOT NULL,
    owner_display_name           TEXT NOT NULL,
    subscription_id              TEXT NOT NULL,
    resource_group               TEXT NOT NULL,
    region                       TEXT NOT NULL,
    cluster_name                 TEXT NOT NULL,
    request_json                 TEXT NOT NULL,
    status                       TEXT NOT NULL,
    phase                        TEXT NOT NULL,
    step                         BIGINT NOT NULL,
    message                      TEXT NOT NULL,
    created_at_ms                BIGINT NOT NULL,
    updated_at_ms                BIGINT NOT NULL,
    arm_started_at_ms            BIGINT,
    finished_at_ms               BIGINT,
    operation_url                TEXT,
    resource_group_created       BOOLEAN NOT NULL DEFAULT FALSE,
    cluster_state                TEXT,
    cluster_resource_uid         TEXT,
    pools_json                   TEXT NOT NULL DEFAULT '[]',
    portal_url                   TEXT,
    percent_complete             DOUBLE PRECISION,
    error_code                   TEXT,
    error_message                TEXT,
    error_raw                    TEXT,
    result_json                  TEXT,
    active_key                   TEXT UNIQUE,
    waiting_for_sign_in_since_ms BIGINT,
    cancel_requested_at_ms       BIGINT,
    cancelled_by                 TEXT,
    cancelled_by_tenant_id       TEXT,
    cancelled_by_display_name    TEXT,
    cancelled_as_admin           BOOLEAN NOT NULL DEFAULT FALSE,
    deletion_state               TEXT,
    deletion_message             TEXT,
    deletion_requested_by        TEXT,
    deletion_started_at_ms       BIGINT,
    deletion_finished_at_ms      BIGINT,
    deletion_operation_url       TEXT,
    dismissed_at_ms              BIGINT,
    lease_holder                 TEXT,
    lease_until_ms               BIGINT,
    lease_fence                  BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX provision_jobs_by_owner ON provision_jobs (owner_object_id, created_at_ms);
CREATE INDEX provision_jobs_unfinished ON provision_jobs (status) WHERE finished_at_ms IS NULL;
CREATE INDEX provision_jobs_deleting ON provision_jobs (owner_object_id)
    WHERE deletion_state = 'deleting';
CREATE INDEX provision_jobs_failures ON provision_jobs (owner_object_id, finished_at_ms)
    WHERE status = 'FAILURE';
CREATE INDEX provision_jobs_failures_by_time ON provision_jobs (finished_at_ms)
    WHERE status = 'FAILURE';
CREATE INDEX provision_jobs_lease_holder ON provision_jobs (lease_holder)
    WHERE lease_holder IS NOT NULL;

-- Server-side sessions: tower-sessions-sqlx-store's PostgresStore layout and default place,
-- created here (under the migrations' lock) rather than by its migrate(), whose CREATE SCHEMA
-- races when several replicas start together.
CREATE SCHEMA tower_sessions;
CREATE TABLE tower_sessions.session (
    id          TEXT PRIMARY KEY NOT NULL,
    data        BYTEA NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);

CREATE TABLE token_vault (
    tenant_id  TEXT NOT NULL,
    object_id  TEXT NOT NULL,
    nonce      BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object_id)
);
