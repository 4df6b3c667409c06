-- Delete partial cluster (PRODUCT.md §5): the deletion of the managed cluster a cancelled or
-- failed create left on Azure, asked for by the job's owner once the job had finished. Only the
-- managed cluster is ever deleted, never a resource group. Every write is conditional on
-- deletion_state, so a second request while one runs, or after it succeeded, changes nothing.
-- A row left 'deleting' by a crash is resumed at the next start.

-- 'deleting', 'deleted' or 'failed'; NULL until the owner asks. A 'failed' one may be asked again.
ALTER TABLE provision_jobs ADD COLUMN deletion_state TEXT;
-- The latest thing the deletion did, in words (ARM's message when it failed).
ALTER TABLE provision_jobs ADD COLUMN deletion_message TEXT;
-- The Entra object id of the caller who asked (always the owner today).
ALTER TABLE provision_jobs ADD COLUMN deletion_requested_by TEXT;
ALTER TABLE provision_jobs ADD COLUMN deletion_started_at_ms INTEGER;
ALTER TABLE provision_jobs ADD COLUMN deletion_finished_at_ms INTEGER;
-- The DELETE's Azure-AsyncOperation URL once ARM accepted it: a restart polls it again.
ALTER TABLE provision_jobs ADD COLUMN deletion_operation_url TEXT;

CREATE INDEX provision_jobs_deleting ON provision_jobs (owner_object_id)
    WHERE deletion_state = 'deleting';
