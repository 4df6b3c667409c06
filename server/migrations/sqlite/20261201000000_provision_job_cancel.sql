-- Cancel (PRODUCT.md §5): who asked to stop a running job and when. Written by the cancel route
-- while the job is unfinished (once: a second cancel finds it set); the worker then stops, aborts
-- the Azure create if one was accepted, and finishes the row REVOKED. A row with a cancel
-- request but no finished_at_ms is completed by the cancel path after a restart, never resumed.
ALTER TABLE provision_jobs ADD COLUMN cancel_requested_at_ms INTEGER;
-- The Entra object id of the caller who cancelled (always the owner today).
ALTER TABLE provision_jobs ADD COLUMN cancelled_by TEXT;
