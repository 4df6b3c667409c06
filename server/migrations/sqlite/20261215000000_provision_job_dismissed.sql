-- Last attempt failed (PRODUCT.md §7): the server keeps each user's recent failed creates so any
-- browser or device shows the card, and remembers when the owner dismissed one so it does not
-- come back from another device. Only that job is dismissed: a later failure is a new row and
-- shows again. NULL until dismissed; set once (a second dismiss finds it set and changes nothing).
ALTER TABLE provision_jobs ADD COLUMN dismissed_at_ms INTEGER;

-- The history read: one owner's FAILURE rows, newest end first. The literal status lets SQLite
-- (and PostgreSQL) use the partial index.
CREATE INDEX provision_jobs_failures ON provision_jobs (owner_object_id, finished_at_ms)
    WHERE status = 'FAILURE';
