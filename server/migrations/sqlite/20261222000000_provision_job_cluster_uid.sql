-- Ownership mark (PRODUCT.md §4): every create tags its cluster with the job id, and the job
-- records the cluster's resourceUID when it first sees it, so a later cluster that reuses the
-- name (create, delete, create again) is never taken for the job's own. NULL until seen, and for
-- jobs written before the mark existed (whose clusters carry no tag and are never acted on).
ALTER TABLE provision_jobs ADD COLUMN cluster_resource_uid TEXT;
