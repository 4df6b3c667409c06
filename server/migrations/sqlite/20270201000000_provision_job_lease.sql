-- Leases (issue 17): the replica that works on a row (a running create, or the deletion of the
-- partial cluster a stopped one left) holds its lease until lease_until_ms (epoch ms on the
-- database's clock), renewed by its heartbeat. lease_fence grows by one whenever the lease
-- changes hands (taken over, handed back) and every write of the work is conditional on the
-- fence its holder got, so a replica that lost its lease can no longer write. Rows from before
-- leases have none: the first replica to look takes them over.
ALTER TABLE provision_jobs ADD COLUMN lease_holder TEXT;
ALTER TABLE provision_jobs ADD COLUMN lease_until_ms INTEGER;
ALTER TABLE provision_jobs ADD COLUMN lease_fence INTEGER NOT NULL DEFAULT 0;

-- The heartbeat's renewal and the hand-back find a replica's leases by holder.
CREATE INDEX provision_jobs_lease_holder ON provision_jobs (lease_holder)
    WHERE lease_holder IS NOT NULL;
