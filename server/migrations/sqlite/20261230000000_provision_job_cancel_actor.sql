-- App roles (issue 15): an administrator (the Dashboard.Admin app role) may stop anyone's job, so
-- a cancel records who did it, not only their object id (cancelled_by keeps that meaning): their
-- tenant and name as they signed in, and whether they acted as an administrator, i.e. the job was
-- not theirs. Written once, with cancelled_by, by the one conditional statement that records the
-- cancel. Rows cancelled before this migration keep NULL / 0: their owners stopped them.
ALTER TABLE provision_jobs ADD COLUMN cancelled_by_tenant_id TEXT;
ALTER TABLE provision_jobs ADD COLUMN cancelled_by_display_name TEXT;
ALTER TABLE provision_jobs ADD COLUMN cancelled_as_admin INTEGER NOT NULL DEFAULT 0;

-- The administrator's view of every user's recent failures, newest end first (the owner's history
-- uses provision_jobs_failures, which starts with the owner).
CREATE INDEX provision_jobs_failures_by_time ON provision_jobs (finished_at_ms)
    WHERE status = 'FAILURE';
