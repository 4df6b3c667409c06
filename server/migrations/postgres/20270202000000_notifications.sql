-- Signals between replicas (issue 17): the database tells every listening replica, at commit,
-- what another replica recorded, so a cancel answered by one reaches the worker on the replica
-- holding the job within a second and a hand-back is taken over at once. Triggers rather than
-- explicit NOTIFYs: every writer notifies, atomically with its write. Payloads carry ids only.
-- (A sign-in is announced on 'dashboard_sign_ins' by the sign-in itself, not by a trigger on
-- token_vault, whose rows also change at every refresh-token rotation.)

-- dashboard_jobs: 'cancel:<job_id>' when a cancel is recorded, 'released:<job_id>' when a lease
-- is handed back (lease_holder set to NULL on a row that still needs work).
CREATE FUNCTION dashboard_notify_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.cancel_requested_at_ms IS NOT NULL AND OLD.cancel_requested_at_ms IS NULL THEN
        PERFORM pg_notify('dashboard_jobs', 'cancel:' || NEW.job_id);
    END IF;
    IF NEW.lease_holder IS NULL AND OLD.lease_holder IS NOT NULL
       AND (NEW.finished_at_ms IS NULL OR NEW.deletion_state = 'deleting') THEN
        PERFORM pg_notify('dashboard_jobs', 'released:' || NEW.job_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER provision_jobs_notify
    AFTER UPDATE OF cancel_requested_at_ms, lease_holder ON provision_jobs
    FOR EACH ROW EXECUTE FUNCTION dashboard_notify_jobs();
